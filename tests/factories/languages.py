"""The nine languages the site is built for (`override_settings(LANGUAGES=NINE)` keeps a test right
whatever settings.LANGUAGES enables), and TWO, English and German only, for the tests of a language
that has its catalogue but is not switched on (as the seven others were before their content)."""

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
TWO = NINE[:2]
