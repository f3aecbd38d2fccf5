"""The nine languages the site is built for, to switch them all on in a test with
`override_settings(LANGUAGES=NINE)` (settings.LANGUAGES enables only those with content so far)."""

from __future__ import annotations

NINE = [
    ("en", "English"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("sv", "Swedish"),
]
NINE_CODES = [code for code, _name in NINE]
