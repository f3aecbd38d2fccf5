"""Evidence events can be added, never changed or deleted: by the model API nor by the database."""

from __future__ import annotations

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from requests_app.models import Event

pytestmark = pytest.mark.django_db


def make_event(**overrides) -> Event:
    fields = {
        "submission_id": uuid.uuid4(),
        "seq": 0,
        "type": "created",
        "at": timezone.now(),
        "data": {},
        "prev_hash": "0" * 64,
        "hash": "a" * 64,
    }
    return Event.objects.create(**(fields | overrides))


def test_it_appends():
    event = make_event()
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_model_refuses_to_save_an_existing_event():
    event = make_event()
    event.type = "filed"
    with pytest.raises(TypeError, match="append-only"):
        event.save()


def test_the_model_and_queryset_refuse_to_delete():
    event = make_event()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.all().delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(type="filed")
    assert Event.objects.get(pk=event.pk).type == "created"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE requests_app_event SET type = 'filed' WHERE id = %s",
        "UPDATE requests_app_event SET hash = 'b' WHERE id = %s",
        "DELETE FROM requests_app_event WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(sql):
    event = make_event()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.type == "created"
    assert event.hash == "a" * 64


def test_the_database_accepts_raw_inserts():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO requests_app_event (submission_id, seq, type, at, data, prev_hash, hash) "
            "VALUES (%s, 0, 'created', %s, '{}', %s, %s)",
            [uuid.uuid4().hex, timezone.now(), "0" * 64, "c" * 64],
        )
    assert Event.objects.filter(hash="c" * 64).exists()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_leave_events_behind():
    """The suite's flush after transactional tests must still work with events in the table."""
    make_event()
    assert Event.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_starts_empty():
    assert Event.objects.count() == 0
