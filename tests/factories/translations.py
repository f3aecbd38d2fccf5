"""Reading gettext catalogues without gettext tools: the .po with a small parser, the .mo with `gettext`."""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def __str__(self) -> str:
        return f"django.po:{self.line}: {self.msgid[:70]!r}"


def _unquote(text: str) -> str:
    # A PO string is a C string in double quotes; Python's literal syntax reads it the same way.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete `#~` entries are left out), header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if current is not None and current.msgid and target and target[0] == "msgstr":
                finish()
            if line.startswith("#,"):
                current = current or Entry(line=number)
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise AssertionError(f"django.po:{number}: continuation without a keyword")
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index or 0] += _unquote(line)
            else:
                setattr(current, kind, (getattr(current, kind) or "") + _unquote(line))
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and current is not None and target and target[0] == "msgstr":
            finish()
        current = current or Entry(line=number)
        if keyword.startswith("msgstr["):
            index = int(keyword[len("msgstr[") : -1])
            current.msgstr[index] = _unquote(value)
            target = ("msgstr", index)
        elif keyword == "msgstr":
            current.msgstr[0] = _unquote(value)
            target = ("msgstr", 0)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, _unquote(value))
            target = (keyword, None)
        else:
            raise AssertionError(f"django.po:{number}: unexpected line {raw!r}")
    finish()
    return entries


def compiled_mismatches(entries: list[Entry], mo_path: Path) -> list[str]:
    """Keys whose compiled text in `mo_path` is missing, extra or different from the .po `entries`."""
    with mo_path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in entries:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is not None:
            expected.update({(key, index): text for index, text in entry.msgstr.items()})
        else:
            expected[key] = entry.msgstr[0]
    compiled = {key: text for key, text in catalog.items() if key != ""}
    stale = {str(key) for key in expected.keys() ^ compiled.keys()}
    differs = {str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key]}
    return sorted(stale | differs)
