"""/requests/<uuid>/evidence.pdf and /requests/evidence-pack.pdf: PDF/A-3b, the signed record inside, owner only."""

from __future__ import annotations

import datetime
import json
import subprocess

import pytest
from django.urls import reverse

from requests_app.evidence import pdf as evidence_pdf
from requests_app.evidence.export import record_for
from requests_app.evidence.keys import trusted_keys
from requests_app.evidence.pdf import qr_data_url
from requests_app.evidence.record import verify_record
from requests_app.models import ActionText, Event, LetterTemplate, Plan, Submission
from requests_app.tracking.services import (
    CLARIFICATION_ANSWERED,
    CLARIFICATION_ASKED,
    add_attachment,
    new_token,
    record_update,
)
from requests_app.web import pdf
from tests.factories.accounts import PASSWORD
from tests.factories.evidence import SITE_KEY, filed_request, screenshot, use_site_key
from tests.factories.pdf import RecordingServer, embedded_files, pdf_pages, pdf_text, pdfa_status
from tests.factories.tracking import UK_ITEM, UK_PLAN, file, make_guide, make_person, track, uk_access_requests_pause

pytestmark = pytest.mark.django_db
TRUSTED = trusted_keys(SITE_KEY)


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)
    make_guide()


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def download(client, submission):
    return client.get(reverse("evidence:pdf", args=[submission.pk]))


def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- one request ----------------------------------------------------------------------------------


def test_it_downloads_a_pdfa_3b_with_a_signed_record_inside(client):
    submission = filed_request()
    response = download(signed_in(client, submission.user), submission)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="evidence-{submission.pk}-')
    assert "no-store" in response["Cache-Control"]
    content = content_of(response)
    assert pdfa_status(content) == "3B"
    files = embedded_files(content)
    assert list(files) == ["evidence.json"]
    verdict = verify_record(files["evidence.json"], TRUSTED)
    assert verdict.ok, verdict.problems
    assert verdict.summary["submission"] == str(submission.pk)


def test_the_embedded_record_includes_this_downloads_own_export(client):
    submission = filed_request()
    content = content_of(download(signed_in(client, submission.user), submission))
    record = json.loads(embedded_files(content)["evidence.json"])
    last = Event.objects.filter(submission_id=submission.pk).order_by("-seq").first()
    assert last.type == "exported"
    assert record["events"][-1]["hash"] == last.hash == record["head"]["hash"]


def test_another_account_gets_a_404_and_no_event_is_appended(client):
    submission = filed_request()
    before = Event.objects.filter(submission_id=submission.pk).count()
    response = download(signed_in(client, make_person("mallory@example.org")), submission)
    assert response.status_code == 404
    assert Event.objects.filter(submission_id=submission.pk).count() == before


def test_a_visitor_is_sent_to_sign_in(client):
    submission = filed_request()
    response = download(client, submission)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_post_is_not_allowed_for_the_owner_and_a_404_for_others(client):
    submission = filed_request()
    url = reverse("evidence:pdf", args=[submission.pk])
    assert signed_in(client, submission.user).post(url).status_code == 405
    client.logout()
    assert signed_in(client, make_person("mallory@example.org")).post(url).status_code == 404


def test_the_text_is_extractable_and_says_who_what_when(client, tmp_path):
    submission = filed_request()
    text = pdf_text(content_of(download(signed_in(client, submission.user), submission)), tmp_path)
    record = record_for(submission)
    flat = " ".join(text.split())
    assert "Anna Muster" in flat
    assert "Instagram" in flat
    assert submission.action_title in flat
    assert "GDPR Art. 21(1)" in flat
    assert "Friday 31 January 2025, 14:30:00 (Europe/Berlin, UTC+0100)" in flat
    assert "31 January 2025, 13:30:00 UTC" in flat
    assert "REF-123" in flat
    assert "Answer due: 28 February 2025" in flat
    for line in submission.letter_body.splitlines():
        assert " ".join(line.split()) in flat
    assert record["signature"]["key_id"] in flat
    assert record["signature"]["public_key"].splitlines()[1] in flat
    assert "http://testserver/verify/" in flat
    assert "This evidence record was exported as a PDF." in flat


def test_it_says_the_filing_date_is_their_word_and_the_recording_the_sites(client, tmp_path):
    submission = filed_request()
    text = " ".join(pdf_text(content_of(download(signed_in(client, submission.user), submission)), tmp_path).split())
    assert "Filed, as they state it, where they were: Friday 31 January 2025, 14:30:00" in text
    assert "Filed, as they state it, in UTC: 31 January 2025, 13:30:00 UTC" in text
    recorded = submission.filing_recorded_at
    assert (
        f"Recorded on Opt-Out Guide, by its clock: {recorded.astimezone(datetime.UTC):%-d %B %Y, %H:%M:%S} UTC" in text
    )
    days = (submission.recorded_on - datetime.date(2025, 1, 31)).days
    assert (
        f"The filing was recorded here {days} days after the date they give for it. This site attests when it was "
        "recorded, not when it was filed; the deadlines count from the date they give." in text
    )


def test_a_filing_recorded_the_day_it_was_made_needs_no_such_note(client, tmp_path):
    user = make_person()
    now = datetime.datetime(2025, 1, 31, 15, 0, tzinfo=datetime.UTC)
    submission = file(track(user), when=datetime.datetime(2025, 1, 31, 14, 30), now=now)
    text = " ".join(pdf_text(content_of(download(signed_in(client, user), submission)), tmp_path).split())
    assert "Recorded on Opt-Out Guide, by its clock: 31 January 2025, 15:00:00 UTC" in text
    assert "after the date they give for it" not in text


def test_it_says_how_the_clarification_pauses_moved_the_deadline(client, tmp_path, monkeypatch):
    uk_access_requests_pause(monkeypatch)
    user = make_person("sam@example.org", plan=UK_PLAN)
    submission = file(track(user, item=UK_ITEM), when=datetime.datetime(2026, 3, 2, 10), zone="Europe/London")
    for what, day in ((CLARIFICATION_ASKED, "2026-03-03"), (CLARIFICATION_ANSWERED, "2026-03-12")):
        record_update(
            submission=submission, what=what, happened_on=datetime.date.fromisoformat(day), note="", reply_text="",
            token=new_token(),
        )  # fmt: skip
    pdf_bytes = content_of(download(signed_in(client, user), submission))
    text = " ".join(pdf_text(pdf_bytes, tmp_path).split())
    assert "Answer due: 13 April 2026" in text
    assert (
        "Paused for clarification: asked on 3 March 2026, answered on 12 March 2026: 10 days, both days counted."
        in text
    )
    assert "Due without the pauses: 2 April 2026 (2 June 2026 if extended)" in text
    assert "The company asked for clarification on 3 March 2026: the deadline paused." in text
    assert (
        "They answered the request for clarification on 12 March 2026: the deadline ran again, with the answer due on 13 April 2026."
        in text
    )
    record = json.loads(embedded_files(pdf_bytes)["evidence.json"])
    assert record["submission"]["clarification_pauses"][0]["days"] == 10
    assert verify_record(record, TRUSTED).ok

    # Asked again: while the company waits, no date is due; the record says what an answer would give.
    record_update(
        submission=submission, what=CLARIFICATION_ASKED, happened_on=datetime.date(2026, 3, 20), note="",
        reply_text="", token=new_token(),
    )  # fmt: skip
    pdf_bytes = content_of(download(client, submission))
    text = " ".join(pdf_text(pdf_bytes, tmp_path).split())
    assert "Answer due: 13 April 2026" not in text
    assert "Answer due: paused; if they answer on the day this record was made," in text
    assert (
        "Paused for clarification: asked on 20 March 2026, not answered yet: no date is due until the answer." in text
    )
    record = json.loads(embedded_files(pdf_bytes)["evidence.json"])
    assert record["submission"]["paused_since"] == "2026-03-20"
    assert record["submission"]["clarification_pauses"][1] == {
        "asked_on": "2026-03-20",
        "answered_on": None,
        "days": None,
    }


def test_each_page_is_numbered_and_names_its_record(client, tmp_path):
    submission = filed_request(replies=12)
    content = content_of(download(signed_in(client, submission.user), submission))
    pages = pdf_pages(content, tmp_path)
    text = pdf_text(content, tmp_path)
    assert pages > 1
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text
    assert text.count(f"Record {submission.pk}") == pages - 1  # every page but the first, which has it in full


def test_the_qr_code_points_to_the_absolute_verify_url(client, monkeypatch):
    seen = []
    original = qr_data_url

    def spy(url: str) -> str:
        seen.append(url)
        return original(url)

    monkeypatch.setattr(evidence_pdf, "qr_data_url", spy)
    submission = filed_request()
    assert download(signed_in(client, submission.user), submission).status_code == 200
    assert seen == ["http://testserver/verify/"]
    assert original("http://testserver/verify/").startswith("data:image/svg+xml")


def _images(content: bytes, tmp_path) -> list[tuple[int, int]]:
    path = tmp_path / "images.pdf"
    path.write_bytes(content)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return [
        (int(line.split()[3]), int(line.split()[4])) for line in listing.splitlines()[2:] if line.split()[2] == "image"
    ]


def test_the_screenshots_are_embedded(client, tmp_path):
    submission = filed_request(screenshots=2)
    content = content_of(download(signed_in(client, submission.user), submission))
    assert _images(content, tmp_path) == [(320, 200), (320, 200)]


def test_a_request_without_screenshots_has_no_images(client, tmp_path):
    submission = filed_request(screenshots=0)
    content = content_of(download(signed_in(client, submission.user), submission))
    assert _images(content, tmp_path) == []


@pytest.mark.slow  # renders a long PDF
def test_long_letters_and_many_screenshots_flow_onto_further_pages(client, tmp_path):
    submission = filed_request(screenshots=0)
    lines = [f"Paragraph {number}: " + "the processing of my photos for AI harms me. " * 3 for number in range(150)]
    Submission.objects.filter(pk=submission.pk).update(letter_body="\n".join(lines))
    for number in range(10):
        add_attachment(submission=submission, image=screenshot((number * 20, 80, 140), (900, 1400)), token=new_token())
    content = content_of(download(signed_in(client, submission.user), submission))
    text = " ".join(pdf_text(content, tmp_path).split())
    assert pdf_pages(content, tmp_path) >= 15
    assert "Paragraph 0:" in text
    assert "Paragraph 149:" in text
    assert len(_images(content, tmp_path)) == 10
    assert "Screenshot 10, 900 × 1400 pixels" in text


# --- the pack -------------------------------------------------------------------------------------


def _second_request(submission: Submission) -> Submission:
    copy = Submission.objects.get(pk=submission.pk)
    copy.pk, copy.plan_item_key, copy.reference = None, "copy", "REF-SECOND"
    copy.save(force_insert=True)
    return copy


def test_the_pack_covers_every_request_each_with_its_own_record(client, tmp_path):
    first = filed_request()
    second = _second_request(first)
    other = filed_request(make_person("bob@example.org"), reference="REF-NOT-YOURS")
    response = signed_in(client, first.user).get(reverse("evidence:pack_pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="evidence-pack-')
    assert "no-store" in response["Cache-Control"]
    content = content_of(response)
    assert pdfa_status(content) == "3B"
    files = embedded_files(content)
    assert list(files) == ["evidence-pack.json"]
    pack = json.loads(files["evidence-pack.json"])
    assert pack["format"] == "opt-out-guide/evidence-pack/v1"
    assert {record["submission"]["id"] for record in pack["records"]} == {str(first.pk), str(second.pk)}
    assert all(verify_record(record, TRUSTED).ok for record in pack["records"])
    text = pdf_text(content, tmp_path)
    assert "REF-123" in text
    assert "REF-SECOND" in text
    assert "REF-NOT-YOURS" not in text
    assert str(other.pk) not in text


def test_the_pack_lists_screenshots_with_their_hashes_without_embedding_them(client, tmp_path):
    """Bounded work (#16): a pack of many requests would otherwise decode every screenshot of each."""
    submission = filed_request(screenshots=2)
    content = content_of(signed_in(client, submission.user).get(reverse("evidence:pack_pdf")))
    text = " ".join(pdf_text(content, tmp_path).split())
    assert _images(content, tmp_path) == []
    for attachment in submission.attachments.all():
        assert attachment.sha256 in text.replace(" ", "")  # pdftotext may break the hash across lines
    assert "Screenshot 2, 320 × 200 pixels" in text
    assert "in this request's own evidence PDF" in text


def test_the_pack_without_requests_goes_back_to_the_dashboard(client):
    response = signed_in(client, make_person()).get(reverse("evidence:pack_pdf"))
    assert response.status_code == 302
    assert response["Location"] == reverse("tracking:dashboard")


def test_the_pack_needs_an_account(client):
    response = client.get(reverse("evidence:pack_pdf"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- safe rendering -------------------------------------------------------------------------------


@pytest.fixture
def http_server():
    # Every request it gets is redirected to a local file: a fetcher that followed would embed it.
    with RecordingServer(redirect_to="file:///etc/passwd") as server:
        yield server


def hostile(url: str) -> str:
    """Markup that would fetch or embed things if it reached the renderer as HTML or CSS."""
    return (
        f'<link rel="attachment" href="file:///etc/passwd"><link rel="stylesheet" href="{url}/linked.css">'
        f'<style>@import url("{url}/imported.css"); body {{ background: url("file:///etc/passwd") }}</style>'
        f'<img src="{url}/image.png"><img src="file:///etc/passwd"><iframe src="{url}/frame"></iframe>'
        f"url({url}/redirect) @import '{url}/bare.css';"
    )


def test_admin_and_user_text_is_neither_fetched_nor_embedded(client, tmp_path, http_server, monkeypatch):
    seen = []
    original = pdf.fetch_resource

    def spy(url: str):
        seen.append(url)
        return original(url)

    monkeypatch.setattr(pdf, "fetch_resource", spy)
    evil = hostile(http_server.url)
    # Admin-edited content, frozen into the request when it is tracked.
    short = f'<link rel="attachment" href="file:///etc/passwd"><img src="{http_server.url}/title.png">'
    ActionText.objects.filter(action__slug="object-ai-instagram", language="en").update(title="Object " + short)
    LetterTemplate.objects.filter(action__slug="object-ai-instagram", language="en").update(
        body="{{ person.name }} objects. " + evil.replace("{", "(").replace("}", ")")
    )
    # What the person typed: their name, the reference, the confirmation, a reply and a note.
    person = make_person()
    plan = Plan.objects.get(user=person)
    plan.data = {**plan.data, "answers": {**plan.data["answers"], "name": "Anna " + evil}}
    plan.save()
    submission = filed_request(person, reference=evil[:200])
    Submission.objects.filter(pk=submission.pk).update(confirmation_text=evil)
    record_update(
        submission=submission,
        what="acknowledged",
        happened_on=datetime.date(2025, 2, 3),
        note=evil,
        reply_text=evil,
        token=new_token(),
    )
    assert short in Submission.objects.get(pk=submission.pk).action_title

    single = content_of(download(signed_in(client, person), submission))
    pack = content_of(client.get(reverse("evidence:pack_pdf")))

    assert http_server.hits == []
    prefix = pdf.STATIC_BASE_URL + "static/"
    assert [url for url in seen if not url.startswith(("data:", prefix))] == []
    for content, name in ((single, "evidence.json"), (pack, "evidence-pack.json")):
        assert list(embedded_files(content)) == [name]
        text = pdf_text(content, tmp_path)
        assert "root:x:0:0" not in text
        assert "@import" in text  # shown as the text it is
        assert verify_record(
            json.loads(embedded_files(content)[name]).get("records", [None])[0]
            if name.endswith("pack.json")
            else embedded_files(content)[name],
            TRUSTED,
        ).ok


def test_the_spy_sees_what_the_renderer_fetches(monkeypatch, http_server):
    """The negative beside the test above: markup that is HTML does reach the fetcher (and is refused)."""
    seen = []
    original = pdf.fetch_resource

    def spy(url: str):
        seen.append(url)
        return original(url)

    monkeypatch.setattr(pdf, "fetch_resource", spy)
    pdf.render_pdf(f"<html><body>{hostile(http_server.url)}</body></html>")
    assert "file:///etc/passwd" in seen
    assert f"{http_server.url}/imported.css" in seen
    assert http_server.hits == []
