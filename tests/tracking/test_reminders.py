"""Reminder emails before and after a request's due date (requests_app/tracking/reminders.py, send_reminders)."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from requests_app.models import AccountSettings, Reminder, ReminderKind, Submission
from requests_app.tracking import reminders
from tests.factories.accounts import make_user
from tests.factories.tracking import SUBMISSION_LETTER, SUBMISSION_NOW, SUBMISSION_TODAY, make_submission

pytestmark = pytest.mark.django_db

# Noon UTC on a Wednesday: every person's "today" below is 2025-02-21 unless a test says otherwise.
NOW, TODAY, LETTER = SUBMISSION_NOW, SUBMISSION_TODAY, SUBMISSION_LETTER


def run(now: datetime.datetime = NOW) -> int:
    return reminders.enqueue_due_reminders(now)


# --- which reminder, when --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "kind"),
    [
        (8, None),
        (7, ReminderKind.WEEK_BEFORE),
        (2, ReminderKind.WEEK_BEFORE),
        (1, ReminderKind.DAY_BEFORE),
        (0, ReminderKind.DAY_BEFORE),
        (-1, ReminderKind.OVERDUE),
        (-7, ReminderKind.OVERDUE),
        (-8, None),
    ],
)
def test_it_picks_the_reminder_for_the_days_left(days_left, kind):
    assert reminders.reminder_kind(TODAY + datetime.timedelta(days=days_left), TODAY) == kind


def test_it_picks_no_reminder_without_a_due_date():
    assert reminders.reminder_kind(None, TODAY) is None


def test_it_sends_the_week_before_email_seven_days_before():
    submission = make_submission(due_in=7)

    assert run() == 1

    [email] = mail.outbox
    assert email.to == [submission.user.email]
    assert email.subject == (
        "[Opt-Out Guide] Your request to Meta Platforms Ireland Limited (Instagram) is due an answer on 28 February 2025"
    )
    assert "in a week" in email.body
    assert f"http://127.0.0.1:8000/requests/{submission.pk}/" in email.body
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.due_on) == (ReminderKind.WEEK_BEFORE, submission.due_on)
    assert reminder.sent_at is not None


def test_it_sends_nothing_eight_days_before():
    make_submission(due_in=8)

    assert run() == 0
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_it_sends_the_day_before_email_the_day_before():
    make_submission(due_in=1)

    run()

    assert Reminder.objects.get().kind == ReminderKind.DAY_BEFORE
    assert "by 22 February 2025" in mail.outbox[0].body


def test_it_sends_the_overdue_email_on_the_day_the_deadline_passes():
    make_submission(due_in=-1)

    run()

    [email] = mail.outbox
    assert Reminder.objects.get().kind == ReminderKind.OVERDUE
    assert email.subject.endswith("was due an answer on 20 February 2025")
    assert "passed on 20 February 2025" in email.body


def test_it_sends_no_overdue_email_on_the_due_date_itself():
    make_submission(due_in=0)

    run()

    assert [reminder.kind for reminder in Reminder.objects.all()] == [ReminderKind.DAY_BEFORE]
    assert "passed" not in mail.outbox[0].body


def test_it_sends_one_email_when_the_command_runs_twice_on_a_due_request(capsys):
    submission = make_submission(due_in=0)
    # The command works from the real clock: put the due date on today's date where the person is.
    submission.due_on = timezone.now().astimezone(datetime.UTC).date()
    submission.filed_timezone = "UTC"
    submission.save(update_fields=["due_on", "filed_timezone"])

    call_command("send_reminders")
    call_command("send_reminders")

    assert len(mail.outbox) == 1
    assert capsys.readouterr().out.splitlines() == ["Enqueued 1 reminder.", "Enqueued 0 reminders."]


def test_it_sends_the_next_kind_when_its_day_comes():
    make_submission(due_in=7)
    run()
    run(NOW + datetime.timedelta(days=6))
    run(NOW + datetime.timedelta(days=8))

    assert [r.kind for r in Reminder.objects.order_by("created_at")] == [
        ReminderKind.WEEK_BEFORE,
        ReminderKind.DAY_BEFORE,
        ReminderKind.OVERDUE,
    ]
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("status", ["granted", "refused", "withdrawn", "draft", "escalated"])
def test_it_sends_nothing_about_answered_drafted_or_escalated_requests(status):
    make_submission(due_in=1, status=status)

    assert run() == 0
    assert mail.outbox == []


def test_it_reminds_acknowledged_requests():
    make_submission(due_in=1, status="acknowledged")

    assert run() == 1


def test_it_follows_an_extension_to_the_new_due_date():
    submission = make_submission(due_in=7)
    run()
    submission.extended = True
    submission.extended_due_on = submission.due_on + datetime.timedelta(days=61)
    submission.save(update_fields=["extended", "extended_due_on"])

    assert run(NOW + datetime.timedelta(days=8)) == 0
    assert run(NOW + datetime.timedelta(days=61)) == 1
    assert Reminder.objects.order_by("created_at").last().due_on == submission.extended_due_on


def test_it_judges_today_where_the_person_filed():
    """At 20:00 UTC on the 20th it is already the 21st in Auckland, not yet in Berlin."""
    evening = datetime.datetime(2025, 2, 20, 20, 0, tzinfo=datetime.UTC)
    auckland = make_submission(due_in=-1, filed_timezone="Pacific/Auckland")  # due on the 20th
    berlin = make_submission(due_in=-1, filed_timezone="Europe/Berlin")

    run(evening)

    assert auckland.reminders.get().kind == ReminderKind.OVERDUE
    assert berlin.reminders.get().kind == ReminderKind.DAY_BEFORE


def test_it_writes_in_the_language_of_the_request():
    make_submission(due_in=7, language="de")

    run()

    [email] = mail.outbox
    assert email.subject == (
        "[Opt-Out Guide] Ihre Anfrage an Meta Platforms Ireland Limited (Instagram) muss bis zum "
        "28. Februar 2025 beantwortet werden"
    )
    assert "in einer Woche" in email.body


def test_it_keeps_what_was_filed_out_of_the_email():
    make_submission(due_in=-1)

    run()

    [email] = mail.outbox
    text = email.subject + email.body
    assert "@anna_secret" not in text
    assert "I object" not in text
    assert "Germany" not in text


def test_it_skips_a_person_without_an_email_address():
    make_submission(due_in=1, user=make_user("", verified=False))

    assert run() == 0


# --- the task --------------------------------------------------------------------------------------


def _recorded(days_left: int = 1, **fields) -> Reminder:
    submission = make_submission(due_in=days_left, **fields)
    kind = reminders.reminder_kind(submission.due_on, TODAY)
    return Reminder.objects.create(submission=submission, kind=kind, due_on=submission.due_on, created_at=NOW)


def test_the_task_sends_at_most_once():
    reminder = _recorded()

    assert reminders.send_reminder.call(reminder.pk) is True
    assert reminders.send_reminder.call(reminder.pk) is False
    assert len(mail.outbox) == 1


def test_the_task_sends_nothing_once_the_request_is_answered():
    reminder = _recorded()
    Submission.objects.filter(pk=reminder.submission_id).update(status="granted")

    assert reminders.send_reminder.call(reminder.pk) is False
    assert mail.outbox == []


def test_the_task_sends_nothing_once_the_due_date_moved():
    reminder = _recorded()
    Submission.objects.filter(pk=reminder.submission_id).update(
        extended=True, extended_due_on=reminder.due_on + datetime.timedelta(days=60)
    )

    assert reminders.send_reminder.call(reminder.pk) is False


def test_the_task_sends_nothing_for_a_deleted_account():
    reminder = _recorded()
    reminder.submission.user.delete()

    assert reminders.send_reminder.call(reminder.pk) is False


def test_the_task_leaves_the_reminder_unsent_when_sending_fails():
    reminder = _recorded()

    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail server down")),
        pytest.raises(reminders.ReminderNotSent, match="OSError"),
    ):
        reminders.send_reminder.call(reminder.pk)

    reminder.refresh_from_db()
    assert reminder.sent_at is None


def test_a_failed_send_names_no_recipient_in_what_is_logged_or_kept(caplog):
    """SMTPRecipientsRefused carries the address; the worker logs and stores the task's traceback."""
    import smtplib
    import traceback

    reminder = _recorded()
    refused = smtplib.SMTPRecipientsRefused({reminder.submission.user.email: (550, b"no such user")})
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=refused),
        pytest.raises(reminders.ReminderNotSent) as failure,
    ):
        reminders.send_reminder.call(reminder.pk)
    kept = "".join(traceback.format_exception(failure.value))
    assert reminder.submission.user.email not in kept
    assert reminder.submission.user.email not in caplog.text


def test_a_later_run_retries_a_reminder_that_failed_to_send():
    make_submission(due_in=1)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("mail server down")):
        run()
    assert Reminder.objects.get().sent_at is None

    assert run(NOW + datetime.timedelta(minutes=30)) == 0
    assert run(NOW + datetime.timedelta(hours=2)) == 1
    assert Reminder.objects.get().sent_at is not None
    assert len(mail.outbox) == 1


def test_it_does_not_retry_a_sent_reminder():
    make_submission(due_in=1)
    run()

    assert run(NOW + datetime.timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1


def test_the_database_refuses_a_second_reminder_of_a_kind_for_one_due_date():
    reminder = _recorded()

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(submission=reminder.submission, kind=reminder.kind, due_on=reminder.due_on)


def test_it_skips_a_reminder_another_run_recorded_meanwhile():
    """Two machines' cron jobs: the second insert fails on the constraint and sends nothing."""
    submission = make_submission(due_in=1)
    [due] = reminders.due_reminders(NOW)
    Reminder.objects.create(submission=submission, kind=due.kind, due_on=due.due_on)

    with mock.patch.object(reminders, "due_reminders", return_value=iter([due])):
        assert run() == 0
    assert mail.outbox == []


# --- with the database queue and its worker, as in production ---------------------------------------


@pytest.fixture
def database_queue(settings):
    """TASKS as in production: django-tasks-db's table, run by `manage.py db_worker`."""

    def reset() -> None:
        task_backends.__dict__.pop("settings", None)
        if hasattr(task_backends._connections, "default"):
            del task_backends["default"]

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reset()
    yield
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    reset()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_the_command_enqueued(database_queue):
    make_submission(due_in=1)

    assert run() == 1
    assert mail.outbox == []
    assert DBTaskResult.objects.get().task_path == "requests_app.tracking.reminders.send_reminder"

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stderr=open("/dev/null", "w"))  # noqa: SIM115

    assert len(mail.outbox) == 1
    assert Reminder.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_no_task_is_queued_when_recording_the_reminder_fails(database_queue):
    make_submission(due_in=1)

    with (
        mock.patch("django_tasks_db.backend.DatabaseBackend.enqueue", side_effect=RuntimeError("queue down")),
        pytest.raises(RuntimeError),
    ):
        run()
    assert not Reminder.objects.exists()
    assert not DBTaskResult.objects.exists()


# --- turning reminders off -------------------------------------------------------------------------


def test_it_sends_nothing_to_a_person_who_turned_reminders_off():
    person = make_user("quiet@example.org")
    AccountSettings.objects.create(user=person, reminder_emails=False)
    make_submission(due_in=1, user=person)
    make_submission(due_in=1)

    assert run() == 1
    assert [message.to for message in mail.outbox] == [["person-1@example.org"]]


def test_a_queued_reminder_is_not_sent_after_reminders_were_turned_off():
    reminder = _recorded()
    AccountSettings.objects.create(user=reminder.submission.user, reminder_emails=False)

    assert reminders.send_reminder.call(reminder.pk) is False
    assert mail.outbox == []


def test_reminders_can_be_turned_off_and_on_from_the_account_page(client):
    person = make_user("anna@example.org")
    client.force_login(person)
    checkbox = 'id="id_reminder_emails" aria-describedby="id_reminder_emails_hint"'
    assert f"{checkbox} checked>" in client.get("/account/").content.decode()

    response = client.post("/account/reminders/", {})
    assert response.status_code == 302
    assert AccountSettings.reminders_wanted(person) is False
    assert f"{checkbox}>" in client.get("/account/").content.decode()

    client.post("/account/reminders/", {"reminder_emails": "on"})
    assert AccountSettings.reminders_wanted(person) is True


def test_only_the_signed_in_person_changes_their_own_setting(client):
    anna, ben = make_user("anna@example.org"), make_user("ben@example.org")
    client.force_login(ben)
    client.post("/account/reminders/", {})
    assert AccountSettings.reminders_wanted(anna) is True
    assert AccountSettings.reminders_wanted(ben) is False


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.post("/account/reminders/", {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
