"""Letter contexts and the errors a letter template raises, for the letters tests."""

from __future__ import annotations

import datetime

import pytest

from requests_app.letters.contract import build_context, sample_context
from requests_app.letters.render import render_letter
from requests_app.letters.sandbox import LetterError

TODAY = datetime.date(2026, 11, 28)


def context(**person) -> dict:
    return build_context(
        person={"name": "Alex Example", "email": "alex@example.org", **person},
        platform={"name": "Instagram"},
        controller={"name": "Meta Platforms Ireland Limited", "address": "Merrion Road, Dublin 4"},
        law={"name": "GDPR", "legal_basis": "GDPR Art. 21(1)"},
        language="en",
        today=TODAY,
    )


def body_error(body: str, ctx: dict | None = None) -> LetterError:
    with pytest.raises(LetterError) as caught:
        render_letter("Subject", body, ctx or sample_context("en"))
    return caught.value
