"""RFC 3161 timestamps of chain heads: each event appended to a chain gets one, when an authority is configured.

An event's `hash` is the head of its chain as that event made it: SHA-256 of a zero byte, the
previous hash and the event as canonical JSON (`chain.py`). The token asks the time-stamping
authority (`EVIDENCE_TSA_URL`) to sign that hash as the message imprint (hash algorithm SHA-256,
hashed message = the 32 bytes of the head): the authority states, by its own clock and key, that
the chain with this head existed at its `genTime`, which the site's clock alone cannot show.

Nothing of this can hold up a filing. The event is appended and committed first; then (on commit)
a `timestamp_event` task is enqueued, and the worker asks the authority. When the authority is
down, slow or answers garbage the task logs a warning (the exception's type only) and enqueues
itself again later, with a growing delay, up to `MAX_ATTEMPTS`; `manage.py timestamp_events`
(cron, like send_reminders) enqueues again whatever still has no token, so nothing is lost. A token
is stored in its own append-only row (`EventTimestamp`, one per event): Event rows are never updated.

`check_token` verifies a stored token against the authorities this site trusts
(`EVIDENCE_TSA_ROOTS`): intact, its imprint the event's hash, signed by a certificate for time
stamping that chains to a trusted root.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from asn1crypto import cms, tsp
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Event
from ..models.tracking import EventTimestamp
from . import tsa
from .pdf_certificate import pem, trusted_tsa_roots

logger = logging.getLogger(__name__)
# Attempts by the task itself (1, 2, 4 ... minutes apart: about 4 hours in all); the sweep does the rest.
MAX_ATTEMPTS = 9
FIRST_RETRY = datetime.timedelta(minutes=1)
# Enqueued at most this many a sweep: a long outage's backlog drains over a few runs.
SWEEP_BATCH = 500
# On /verify/, at most this many of a record's stored tokens are checked (the newest first).
MAX_CHECKED_PER_RECORD = 3


@dataclass(frozen=True)
class TokenCheck:
    ok: bool  # intact, its imprint the head, signed by a trusted authority
    authority: str
    time: datetime.datetime | None
    problem: str = ""


def request_timestamps(events: Iterable[Event]) -> None:
    """Once the transaction that appended `events` commits, enqueue a timestamp task for each.

    Nothing when no authority is configured. Called where events are appended (`events.append_event`,
    `export._gather`); the filing never waits for the authority.
    """
    if not tsa.configured():
        return
    ids = [event.pk for event in events if event.pk is not None]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids: list[int]) -> None:
    for event_id in ids:
        try:
            timestamp_event.enqueue(event_id)
        except Exception as exc:  # noqa: BLE001 (a queue that is down must not fail the request; the sweep retries)
            logger.warning("Could not enqueue the timestamp of event %s (%s)", event_id, type(exc).__name__)


def _token_info(token: cms.ContentInfo) -> tuple[bytes, str, datetime.datetime]:
    """(the imprint, the authority's subject, genTime) of a timestamp token; ValueError if it is none."""
    try:
        signed = token["content"]
        info = signed["encap_content_info"]["content"].parsed
        if not isinstance(info, tsp.TSTInfo):
            raise ValueError("not a TSTInfo")
        imprint = info["message_imprint"]
        if imprint["hash_algorithm"]["algorithm"].native != "sha256":
            raise ValueError("not a SHA-256 imprint")
        signer_id = signed["signer_infos"][0]["sid"]
        authority = ""
        for certificate in signed["certificates"] or []:
            chosen = certificate.chosen
            if (
                signer_id.name == "issuer_and_serial_number"
                and chosen.issuer == signer_id.chosen["issuer"]
                and chosen.serial_number == signer_id.chosen["serial_number"].native
            ) or (signer_id.name == "subject_key_identifier" and chosen.key_identifier == signer_id.chosen.native):
                authority = chosen.subject.human_friendly
        return bytes(imprint["hashed_message"].native), authority, info["gen_time"].native
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError("not a timestamp token") from exc


def stamp(event_id: int) -> bool:
    """Ask the authority for the event's head timestamp and store it; False when that has to be retried."""
    event = Event.objects.filter(pk=event_id).only("pk", "hash").first()
    if event is None or EventTimestamp.objects.filter(event_id=event_id).exists():
        return True  # nothing (left) to do
    stamper = tsa.timestamper()
    if stamper is None:
        return True  # no authority configured (any more): nothing to ask
    head = bytes.fromhex(event.hash)
    try:
        token = asyncio.run(stamper.async_timestamp(head, "sha256"))
        imprint, authority, stated = _token_info(token)
        if imprint != head:
            raise ValueError("the token is for another imprint")
    except Exception as exc:  # noqa: BLE001 (down, slow, garbage, a wrong token: all retried later)
        # The exception's type only: an authority's answer is not ours to log.
        logger.warning("Time-stamping authority failed (%s); event %s will be retried", type(exc).__name__, event_id)
        return False
    try:
        with transaction.atomic():
            EventTimestamp.objects.create(
                event_id=event.pk, hash=event.hash, token=token.dump(), authority=authority[:300], time=stated
            )
    except IntegrityError:
        pass  # another worker stored it first
    return True


@task()
def timestamp_event(event_id: int, attempt: int = 1) -> bool:
    """The worker's side: get the token; if the authority failed, try again later (a growing delay)."""
    if stamp(event_id):
        return True
    backend = timestamp_event.get_backend()
    if attempt < MAX_ATTEMPTS and backend.supports_defer:
        delay = FIRST_RETRY * 2 ** (attempt - 1)
        timestamp_event.using(run_after=timezone.now() + delay).enqueue(event_id, attempt + 1)
    return False


def enqueue_missing(*, since: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Enqueue the timestamp of each event (appended since `since`) that has none yet; how many."""
    if not tsa.configured():
        return 0
    missing = Event.objects.filter(timestamp__isnull=True)
    if since is not None:
        missing = missing.filter(at__gte=since)
    ids = list(missing.order_by("-at", "-pk").values_list("pk", flat=True)[:limit])
    _enqueue(ids)
    return len(ids)


def check_token(stored: EventTimestamp, *, roots_pem: str | None = None) -> TokenCheck:
    """Whether a stored token holds: intact, over the event's hash, from an authority this site trusts."""
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko.sign.validation.status import TimestampSignatureStatus

    from .pdf_signature import _context

    try:
        token = cms.ContentInfo.load(bytes(stored.token))
        imprint, authority, stated = _token_info(token)
    except ValueError:
        return TokenCheck(False, stored.authority, None, _("the token cannot be read"))
    head = bytes.fromhex(stored.hash)
    if imprint != head or stored.hash != stored.event.hash:
        return TokenCheck(False, authority, stated, _("the token is not over this event's chain head"))
    roots = roots_pem if roots_pem is not None else pem(*trusted_tsa_roots())
    try:
        kwargs = asyncio.run(
            validate_tst_signed_data(
                token["content"], _context(roots), lambda algorithm: head if algorithm == "sha256" else b""
            )
        )
        status = TimestampSignatureStatus(**kwargs)
    except Exception:  # noqa: BLE001 (a damaged signature: one verdict, whatever the cause)
        return TokenCheck(False, authority, stated, _("the token's signature is broken"))
    if not (status.intact and status.valid):
        return TokenCheck(False, authority, stated, _("the token's signature is broken"))
    if not status.trusted:
        return TokenCheck(False, authority, stated, _("the token comes from an authority this site does not trust"))
    return TokenCheck(True, authority, stated)


def shown_time(moment: datetime.datetime | None) -> str:
    """A token's time as the pages write UTC times ("31 January 2025, 13:30:00 UTC")."""
    from ..templatetags.dates import long_date

    return f"{long_date(moment.astimezone(datetime.UTC), 'seconds')} UTC" if moment else ""


@dataclass(frozen=True)
class RecordTimestamps:
    """What the stored timestamps of a record's events say: facts, and tokens that could not be confirmed."""

    facts: list[str]
    notes: list[str]


def record_timestamps(record: dict) -> RecordTimestamps:
    """The timestamps this site holds of the chain heads in `record` (matched by request, number and hash)."""
    events = record.get("events") if isinstance(record, dict) else None
    facts_id = record.get("submission", {}).get("id") if isinstance(record.get("submission"), dict) else None
    if not isinstance(events, list) or not isinstance(facts_id, str):
        return RecordTimestamps([], [])
    hashes = {event.get("seq"): event.get("hash") for event in events if isinstance(event, dict)}
    try:
        stored = list(
            EventTimestamp.objects.select_related("event")
            .filter(event__submission_id=facts_id, event__seq__in=[seq for seq in hashes if isinstance(seq, int)])
            .order_by("event__seq")
        )
    except (ValueError, TypeError):  # not a UUID: no request of ours
        return RecordTimestamps([], [])
    stored = [item for item in stored if hashes.get(item.event.seq) == item.event.hash == item.hash]
    if not stored:
        return RecordTimestamps([], [])
    roots = pem(*trusted_tsa_roots())
    # Checking a token costs milliseconds, and a pack holds up to 500 records of many events each: the
    # latest few are checked, newest first, until one holds (verify_evidence checks every one).
    notes: list[str] = []
    facts: list[str] = []
    for item in reversed(stored[-MAX_CHECKED_PER_RECORD:]):
        checked = check_token(item, roots_pem=roots)
        if not checked.ok:
            notes.append(
                _("The timestamp of event %(number)s could not be confirmed: %(reason)s.")
                % {"number": item.event.seq, "reason": checked.problem}
            )
            continue
        facts.append(
            _("The chain head of event %(number)s was timestamped by %(authority)s: %(time)s (RFC 3161).")
            % {"number": item.event.seq, "authority": checked.authority, "time": shown_time(checked.time)}
        )
        facts.append(
            _("Events whose chain head has an RFC 3161 timestamp kept by this site: %(count)s of %(total)s.")
            % {"count": len(stored), "total": len(events)}
        )
        break
    return RecordTimestamps(facts, notes)
