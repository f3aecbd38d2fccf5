"""Canonical JSON: the one byte form of a value that the evidence chain hashes and signs.

`canonical_json` writes JSON in the spirit of RFC 8785 (JCS); `parse_json` reads untrusted JSON
strictly (no floats, no huge numbers, no duplicate keys), with reasons in the active language
because they are shown on /verify/. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# Reasons are shown to people on /verify/, so they are in the active language.
from django.utils.translation import gettext as _

# Integers that every JSON implementation reads exactly (I-JSON, RFC 7493 2.2).
MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64
# An evidence record holds text and hashes, not images; anything larger is not one of ours.
MAX_RECORD_BYTES = 5 * 1024 * 1024

# The standard library's own string encoder for ensure_ascii=False: ECMAScript's
# escapes (\n, \t, \", \\, \u00xx for other controls), everything else literal.
_quote = json.encoder.encode_basestring


class CanonicalJSONError(ValueError):
    """The value cannot be written as canonical JSON (a float, a non-JSON type, a lone surrogate...)."""


def canonical_json(obj: Any) -> bytes:
    """Deterministic UTF-8 JSON in the spirit of RFC 8785 (JCS).

    Keys sorted by their UTF-16 code units, no insignificant whitespace, strings
    escaped as ECMAScript's JSON.stringify does. Floats are refused rather than
    given a canonical form (write amounts as strings or integers), as are
    integers beyond 2**53 - 1 and anything that is not dict, list, tuple, str,
    int, bool or None.
    """
    out: list[str] = []
    _encode(obj, out, 0)
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalJSONError(_("a string contains a lone surrogate, which is not valid Unicode")) from exc


def _encode(value: Any, out: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CanonicalJSONError(_("nested more than %(depth)d levels deep") % {"depth": MAX_DEPTH})
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalJSONError(
                _("integer %(value)s is beyond 2**53 - 1; write it as a string") % {"value": int(value)}
            )
        out.append(str(int(value)))
    elif isinstance(value, float):
        raise CanonicalJSONError(
            _("float %(value)s has no exact JSON form; write it as a string or an integer") % {"value": repr(value)}
        )
    elif isinstance(value, str):
        out.append(_quote(value))
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalJSONError(_("object key %(key)s is not a string") % {"key": repr(key)})
        out.append("{")
        # RFC 8785 3.2.3: property names sorted by UTF-16 code units, which
        # differs from code-point order only beyond ASCII.
        keys = sorted(value) if all(key.isascii() for key in value) else sorted(value, key=_utf16)
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            out.append(_quote(key))
            out.append(":")
            _encode(value[key], out, depth + 1)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out, depth + 1)
        out.append("]")
    else:
        raise CanonicalJSONError(_("%(type)s is not a JSON type") % {"type": type(value).__name__})


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def parse_json(data: bytes | str) -> Any:
    """Parse untrusted JSON strictly: no NaN or Infinity, no floats, no huge numbers, no duplicate keys.

    Raises ValueError with a plain reason in the active language.
    """
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_RECORD_BYTES:
            raise ValueError(_("larger than %(limit)d bytes") % {"limit": MAX_RECORD_BYTES})
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(_("not UTF-8")) from exc
    elif len(data) > MAX_RECORD_BYTES:
        raise ValueError(_("larger than %(limit)d bytes") % {"limit": MAX_RECORD_BYTES})
    try:
        return json.loads(
            data,
            object_pairs_hook=_unique_keys,
            parse_float=_refuse_float,
            parse_int=_bounded_int,
            parse_constant=_refuse_constant,
        )
    except RecursionError as exc:
        raise ValueError(_("nested too deeply")) from exc
    except json.JSONDecodeError as exc:
        # json's own reason (exc.msg) is English in every language.
        raise ValueError(
            _("not valid JSON (%(reason)s at line %(line)d column %(column)d)")
            % {"reason": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(_("duplicate key %(key)s") % {"key": repr(key)})
        result[key] = value
    return result


def _refuse_float(text: str) -> Any:
    raise ValueError(_("number %(number)s is not an integer") % {"number": text[:20]})


def _refuse_constant(text: str) -> Any:
    raise ValueError(_("%(text)s is not JSON") % {"text": text})


def _bounded_int(text: str) -> int:
    # Checked on the text so that a megabyte of digits is never converted.
    if len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE_INTEGER:
        raise ValueError(_("number %(number)s is too large") % {"number": text[:20]})
    return int(text)
