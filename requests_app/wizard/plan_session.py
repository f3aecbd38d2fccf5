"""A visitor's answers and plan progress, kept in their session and nowhere else.

The session holds one small JSON-serialisable dict under `SESSION_KEY`, so it can later be claimed
into an account as it is:

    {
        "version": 1,
        "answers": {
            "country": "germany",           # a Region slug, or "us" (then "us_state" is set)
            "us_state": "us-texas",         # the Region slug of the US state
            "platforms": ["facebook", "instagram"],            # Platform slugs; [] = "none of these"
            "accounts": {"facebook": 1, "instagram": 2},       # per chosen platform; 0 = no account
            "situations": ["public_posts"],                    # Situation values; [] = none apply
            "name": "Anna Muster",
            "email": "anna@example.org",
            "handles": {"facebook": ["fb.com/anna"], "instagram": ["@anna", "@anna_cats"]},
            "explanation": "Free text, at most 2,000 characters.",
        },
        "done": ["object-ai-instagram#2:object-ai-instagram-1"],   # plan step keys ticked done
        "started_at": "2025-01-20T09:30:00+00:00",                # when the first answer was saved (UTC)
    }

`started_at` is when the plan began, and it survives claiming into an account (the account's
`Plan.created_at` takes the earlier of the two). A request may have been filed long before it
(tracking/services.py, `filing_time`).

Every answer is optional: which ones are given decides where the wizard resumes. `planning.Answers.
from_dict(read(session)["answers"])` turns the answers into the planner's input. Anything that is not
a dict of this version reads as empty, so an old or tampered session never breaks a page.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping, MutableMapping
from typing import Any

SESSION_KEY = "plan"
VERSION = 1


def empty() -> dict[str, Any]:
    return {"version": VERSION, "answers": {}, "done": []}


def read(session: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the stored plan (empty when there is none or it is not of this version)."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return empty()
    answers = data.get("answers")
    done = data.get("done")
    return {
        "version": VERSION,
        "answers": copy.deepcopy(answers) if isinstance(answers, dict) else {},
        "done": [key for key in done if isinstance(key, str)] if isinstance(done, list) else [],
        **({"started_at": started_at} if _is_timestamp(started_at := data.get("started_at")) else {}),
    }


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def started_at(data: Mapping[str, Any]) -> datetime.datetime | None:
    """When the plan in `data` (as `read` returns it) began, if known."""
    value = data.get("started_at")
    return datetime.datetime.fromisoformat(value) if _is_timestamp(value) else None


def write(session: MutableMapping[str, Any], data: Mapping[str, Any]) -> None:
    """Store a whole plan dict (e.g. one restored from an account), normalised through `read`."""
    session[SESSION_KEY] = read({SESSION_KEY: dict(data)})


def answers(session: Mapping[str, Any]) -> dict[str, Any]:
    return read(session)["answers"]


def save_answers(session: MutableMapping[str, Any], new_answers: Mapping[str, Any]) -> None:
    """Replace the answers, keeping progress (keys of steps no longer planned are simply not counted)."""
    data = read(session)
    data["answers"] = dict(new_answers)
    data.setdefault("started_at", datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))
    session[SESSION_KEY] = data


def done(session: Mapping[str, Any]) -> list[str]:
    return read(session)["done"]


def set_done(session: MutableMapping[str, Any], step_key: str, is_done: bool) -> None:
    data = read(session)
    keys = [key for key in data["done"] if key != step_key]
    if is_done:
        keys.append(step_key)
    data["done"] = keys
    session[SESSION_KEY] = data


def clear(session: MutableMapping[str, Any]) -> None:
    session.pop(SESSION_KEY, None)


def merge_plan_data(account: Mapping[str, Any], session: Mapping[str, Any]) -> dict[str, Any]:
    """The account's plan updated with the session's: session answers win, done steps are unioned."""
    old = read({SESSION_KEY: dict(account)})
    new = read({SESSION_KEY: dict(session)})
    answers = {**old["answers"], **new["answers"]}
    done = list(old["done"])
    done.extend(key for key in new["done"] if key not in done)
    merged = {"version": VERSION, "answers": answers, "done": done}
    starts = [start for start in (started_at(old), started_at(new)) if start]
    if starts:
        merged["started_at"] = min(starts).isoformat(timespec="seconds")
    return merged
