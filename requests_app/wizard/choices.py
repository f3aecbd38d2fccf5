"""A question's choices made from the guide: built once per guide snapshot and language, in reading order.

`guide_choices` keeps each list on the snapshot (`GuideContent.memo`), so a page does not build it
again; `alphabetical` sorts country and state names as a reader of the language expects.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.choices import BaseChoiceIterator

from ..guide.snapshot import GuideContent


def frozen(choices: Any) -> tuple:
    """Choices as a key: (value, label) pairs and (group, pairs), labels in the active language."""
    if isinstance(choices, GuideChoices):
        return choices.frozen
    return tuple(
        (str(key), frozen(label)) if isinstance(label, (list, tuple)) else (str(key), str(label))
        for key, label in choices
    )


class GuideChoices(BaseChoiceIterator):
    """A question's choices made from the guide, in one language, built once per guide snapshot.

    Building them, and Django normalising them again as it does a plain list, was a large part of
    the first question's page (bench/README.md). As a BaseChoiceIterator they are taken as they are.
    """

    def __init__(self, choices: list[tuple[str, Any]]) -> None:
        self.choices = tuple(choices)  # shared by every form: not to be changed in place
        self.frozen = frozen(choices)

    def __iter__(self) -> Any:
        return iter(self.choices)


def guide_choices(content: GuideContent, name: str, build: Callable[[], list[tuple[str, Any]]]) -> GuideChoices:
    """`build()`'s choices for this snapshot of the guide and the active language, built once."""
    key = ("choices", name, translation.get_language())
    choices = content.memo.get(key)  # one lookup: another thread may clear the memo (MEMO_LIMIT)
    if choices is None:
        choices = content.memo[key] = GuideChoices(build())
    return choices


# Letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def alphabetical(label: Any) -> tuple[str, str]:
    """A sort key that files letters with accents under their base letter, as German dictionaries
    do (Österreich among the O's, Dänemark before Deutschland, ß as ss), and ignores case; names
    equal but for accents keep one order."""
    folded = str(label).casefold().translate(_UNDECOMPOSED)
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii"), str(label)
