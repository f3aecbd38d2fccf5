"""Which text the site can show: the one rule for what a person or an editor may type.

A response is text encoded with `DEFAULT_CHARSET` (UTF-8), and WeasyPrint parses HTML made from the
same text. A lone surrogate (`"\\ud800"`, which Python strings can hold and UTF-8 cannot) fails that
encoding, so a single one in a letter or a step answered 500 to every visitor whose plan held it. NUL
and the other control characters encode, but PostgreSQL refuses NUL in text, and none of them prints:
they hide or garble what follows. Line breaks and tabs are the only control characters text may hold.

Pure: the admin's checks, the YAML loader, the letter sandbox and the person-facing forms all ask here.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings

# C0 and C1 control characters, DEL included, but not tab, line feed or carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Explicit bidirectional formatting: embeddings, overrides and isolates (and their terminators).
_BIDI_FORMATTING = re.compile("[\u202a-\u202e\u2066-\u2069]")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def first_unshowable(text: str) -> int | None:
    """The index of the first character of `text` the site cannot show, or None when all can be shown."""
    found = []
    try:
        text.encode(settings.DEFAULT_CHARSET)
    except UnicodeEncodeError as error:
        found.append(error.start)
    control = _CONTROL.search(text)
    if control:
        found.append(control.start())
    return min(found) if found else None


def describe(char: str) -> str:
    """`char` as an editor or a person can recognise it: 'the control character U+0000 (NUL)'."""
    code = f"U+{ord(char):04X}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return f"a lone surrogate ({code}), which cannot be encoded as {settings.DEFAULT_CHARSET}"
    name = unicodedata.name(char, "") or {0: "NUL", 0x7F: "DELETE"}.get(ord(char), "")
    return f"the control character {code}" + (f" ({name})" if name else "")


def line_of(text: str, index: int) -> int:
    """The line (from 1) of `text` on which `index` falls."""
    return text.count("\n", 0, index) + 1


def unshowable_problem(text: str) -> str | None:
    """What is wrong with `text`, for a message ('line 3: the control character U+0000 (NUL)'), or None."""
    index = first_unshowable(text)
    if index is None:
        return None
    return f"line {line_of(text, index)}: {describe(text[index])}"


def strings_in(value: object) -> list[str]:
    """Every string in `value`, through nested lists and dicts (keys too): a JSON field's text."""
    found: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return found


def isolated(text: str) -> str:
    """`text` as a directional isolate when it holds explicit bidirectional formatting, else unchanged.

    For plain text (letters, emails) where HTML's <bdi> cannot reach: inside FSI ... PDI an override
    such as U+202E ends at the PDI (Unicode's bidirectional algorithm closes every embedding and
    override opened within an isolate), so a name typed with one cannot reorder the letter after it.
    Text without such characters is left as typed, so ordinary letters carry no invisible characters.
    """
    if not _BIDI_FORMATTING.search(text):
        return text
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
