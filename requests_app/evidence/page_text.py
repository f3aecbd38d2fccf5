"""Whether the pages of an uploaded PDF state what its embedded record says.

The record inside a PDF is signed; the pages a person reads are not that record. A PDF whose
signature is stripped, or a foreign one carrying a genuine record, can show other facts than the
record states. So the pages' visible text is read (`pdftotext`, in a child process under the same
memory and CPU limits as `pdf_reader.py`, from the page body only: the running header and footer
are cropped off, as they repeat on every page and would split text that runs across pages), and
each fact the PDF renders from the record must be found in it: the request id, the request, the
platform, the recipient, the name and account, the reference, the filing, recording and record
times in UTC as the page writes them (in any language a PDF of ours may be in), the subject, the text as
filed and its SHA-256, every event in order with its number, its time in UTC and its hash, the
chain head and the signature.

Text is compared with all whitespace and hyphens removed (line breaks fall anywhere, and pdftotext
joins a word hyphenated at a line's end) and in Unicode NFKC (ligatures). The check finds facts
changed or removed; it cannot find text added beside them, which is what the PDF's own signature
is for. `check_pages(data, records)` is the entry.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from ..templatetags.dates import long_date
from .pdf_reader import WALL_TIMEOUT_SECONDS, _limit_child

logger = logging.getLogger(__name__)

# A4 in points (72 per inch) less most of the 20 mm top and bottom margins, where pdf.css draws the
# running header and footer: what is left is the page body.
CROP = ("-x", "0", "-y", "51", "-W", "596", "-H", "740")
PDFTOTEXT = "pdftotext"  # poppler-utils, found on PATH
# Far more text than a pack of ours holds; a PDF that yields more is not one of ours.
MAX_TEXT_BYTES = 16 * 1024 * 1024
SHOWN_CHARACTERS = 80
_IGNORED = re.compile(r"[\s\-\u00ad\u2010\u2011\u2012\u2013\u2014]+")


@dataclass(frozen=True)
class PageVerdict:
    """What the pages' text states (facts) or where it differs from the record (problems)."""

    problems: list[str]
    facts: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def normalized(text: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


class NoPdfToText(RuntimeError):
    """poppler's pdftotext is not installed on this server (a deployment fault, not the upload's)."""


def pdftotext_installed() -> bool:
    return shutil.which(PDFTOTEXT) is not None


def page_text(data: bytes) -> str | None:
    """The visible text of the pages' bodies, or None when pdftotext cannot read it within the limits.

    Raises `NoPdfToText` when the tool is missing."""
    if not pdftotext_installed():
        raise NoPdfToText(PDFTOTEXT)
    try:
        result = subprocess.run(  # noqa: S603 (a fixed poppler tool, the PDF on stdin)
            [PDFTOTEXT, "-q", "-enc", "UTF-8", "-r", "72", *CROP, "-", "-"],
            input=data,
            capture_output=True,
            timeout=WALL_TIMEOUT_SECONDS,
            preexec_fn=_limit_child,  # noqa: PLW1509 (the child execs at once; no threads involved)
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
    if result.returncode != 0 or len(result.stdout) > MAX_TEXT_BYTES:
        return None
    return result.stdout.decode("utf-8", "replace")


def _moment(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str) or not value.endswith("Z"):
        return None
    try:
        return datetime.datetime.fromisoformat(value[:-1]).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


@functools.cache
def _languages() -> tuple[str, ...]:
    """Each language a PDF of this site may have been made in: those offered, and those with a catalogue."""
    catalogues = sorted(path.parent.name for path in Path(settings.BASE_DIR).glob("locale/*/LC_MESSAGES"))
    return tuple(dict.fromkeys(["en", *(code for code, _name in settings.LANGUAGES), *catalogues]))


def _in_each_language(label: str, value: Any, *, utc: bool = False) -> list[str]:
    """`label: value` as the pages write it, in each language a PDF may have (the value, when `utc`,
    an ISO 8601 UTC time written as "31 January 2025, 13:30:00 UTC")."""
    moment = _moment(value) if utc else None
    if moment is None if utc else not isinstance(value, str) or not value.strip():
        return []
    renderings = []
    for language in _languages():
        with translation.override(language):
            shown = f"{long_date(moment, 'seconds')} UTC" if moment is not None else value
            renderings.append(f"{gettext(label)}: {shown}")
    return list(dict.fromkeys(renderings))


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= SHOWN_CHARACTERS else value[: SHOWN_CHARACTERS - 1] + "…"


def _string(container: Any, *path: str) -> str:
    for name in path:
        container = container.get(name) if isinstance(container, dict) else None
    return container if isinstance(container, str) else ""


# What the pages write before each fact, as pdf/section.html does (translated when compared).
LABELLED = (
    (gettext_noop("Record id"), ("id",), False),
    (gettext_noop("Request"), ("action",), False),
    (gettext_noop("Platform"), ("platform",), False),
    (gettext_noop("Sent to"), ("recipient",), False),
    (gettext_noop("Name, as given"), ("person", "name"), False),
    (gettext_noop("Account"), ("person", "account"), False),
    (gettext_noop("Reference"), ("reference",), False),
    (gettext_noop("Filed, as they state it, in UTC"), ("filed_at",), True),
    (gettext_noop("Recorded on Opt-Out Guide, by its clock"), ("recorded_at",), True),
    (gettext_noop("This record was made"), ("generated_at",), True),
    (gettext_noop("Subject"), ("subject",), False),
    (gettext_noop("SHA-256 of the text"), ("text_sha256",), False),
)


def _value(container: Any, path: Sequence[str]) -> Any:
    for name in path:
        container = container.get(name) if isinstance(container, dict) else None
    return container


def _differences(record: Any, text: str) -> list[str]:
    """Each fact of `record` its pages should state but do not, in words."""
    if not isinstance(record, dict) or not isinstance(record.get("submission"), dict):
        return []
    facts = record["submission"]
    missing: list[tuple[str, str]] = []

    def expect(label: str, value: str, variants: Sequence[str]) -> None:
        if variants and not any(normalized(variant) in text for variant in variants):
            missing.append((label, value))

    for label, path, utc in LABELLED:
        value = _value(facts, path)
        variants = _in_each_language(label, value, utc=utc)
        moment = _moment(value) if utc else None
        shown = f"{long_date(moment, 'seconds')} UTC" if moment is not None else value if isinstance(value, str) else ""
        expect(_(label), shown, variants)
    body = _string(facts, "text")
    expect(_("The text exactly as filed"), body, [body] if body.strip() else [])
    missing += _event_differences(record.get("events"), text)
    for label, path in (
        (_("Chain head (hash of the last event)"), ("head", "hash")),
        (_("Signature"), ("signature", "value")),
    ):
        value = _string(record, *path)
        expect(label, value, [value] if value else [])
    return [
        _("The pages do not state what the record does. %(fact)s: %(value)s") % {"fact": label, "value": _shown(value)}
        for label, value in missing
    ]


def _event_differences(events: Any, text: str) -> list[tuple[str, str]]:
    """Every event in the record's order, each with its number and UTC time before its hash."""
    if not isinstance(events, list):
        return []
    missing = []
    position = 0
    for event in events:
        if not isinstance(event, dict):
            continue
        moment = _moment(event.get("at"))
        digest = event.get("hash") if isinstance(event.get("hash"), str) else ""
        seq = event.get("seq")
        expected = f"{moment:%H:%M:%S} UTC, {digest}" if moment else digest
        label = _("Event %(number)s") % {"number": seq}
        found = text.find(normalized(digest), position) if digest else -1
        if found < 0:
            missing.append((label, expected))
            continue
        before = text[position:found]
        if moment is not None and normalized(f"{moment:%H:%M:%S} UTC") not in before or f"{seq}." not in before:
            missing.append((label, expected))
        position = found + len(normalized(digest))
    return missing


def check_pages(data: bytes, records: Sequence[Any]) -> PageVerdict | None:
    """Whether the visible pages of PDF `data` state the facts of each of its `records`.

    None (not checked) when pdftotext is not installed: the system check `evidence.W001` says so at
    startup, and an error is logged. A PDF is valid only with its own signature intact over the whole
    file, so an unchecked page text never lets an edited page through; it loses only the detail of
    what differs on an unsigned one."""
    try:
        text = page_text(data)
    except NoPdfToText:
        logger.error("pdftotext is not installed: the pages of uploaded PDFs are not compared with their records")
        return None
    if text is None or not text.strip():
        return PageVerdict([_("The pages' text cannot be read, so it cannot be compared with the record.")], [])
    flat = normalized(text)
    problems = []
    for number, record in enumerate(records, start=1):
        found = _differences(record, flat)
        if len(records) > 1:
            found = [_("Record %(number)s: %(problem)s") % {"number": number, "problem": item} for item in found]
        problems += found
    if problems:
        return PageVerdict(problems, [])
    return PageVerdict(
        [],
        [
            _(
                "The pages state the record's facts: the request, who it was sent to, the filing times, "
                "the text as filed and every event with its time and hash."
            )
        ],
    )
