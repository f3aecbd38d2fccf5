"""Load the shipped guide from YAML data files into the database, and export it back.

The files in `guide/data/` are the reviewed source of the shipped content: editors change them in a
pull request, `manage.py load_guide` upserts them, and `manage.py export_guide` writes what editors
changed in admin back into the same format so it can be reviewed as a diff.

Layout of a guide directory (keys are model field names; references are by slug):

- `jurisdictions.yaml`: a list of jurisdictions.
- `regions.yaml`: a list of regions, `jurisdiction` by slug.
- `platforms.yaml`: a list of platforms, each with its `controllers` (one per jurisdiction).
- `actions/<slug>.yaml`: one action per file, with `jurisdictions` (slugs), its `steps` and its
  `letter_templates` (one per language) nested.

Translated text is stored in text rows (one per object and language, models/guide.py) but written
as `<field>_<language>` keys (`title_en`, `title_de`, `title_fr`...) where the columns used to be, so
the files read as they always did; a language not in settings.LANGUAGES is an error naming the
file and the key. Review status travels as `reviewed_on_<language>` (a text row) or `reviewed_on`
(a letter template): a date, no user, since the review is the pull request that set it.

Loading is one transaction: every entry is validated with `full_clean()` (and letter templates and
form fields by `letters`, as admin does on save), and the first invalid entry stops the
load with a `GuideError` naming the file, the entry and the reason, leaving the database unchanged.
Only entries whose values differ are saved, so loading the same files twice writes nothing and adds
no history rows. Entries that exist in the database but not in the files are left alone (editors may
have added them in admin) and reported.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from ..letters.sandbox import LetterError
from ..letters.validate import validate_form_fields, validate_template
from ..models import (
    SOURCE_LANGUAGE,
    Action,
    Jurisdiction,
    LetterTemplate,
    Platform,
    PlatformController,
    Region,
    Step,
    Translated,
)
from ..web.text import strings_in, unshowable_problem

GUIDE_DIR = Path(__file__).resolve().parent / "data"

JURISDICTIONS_FILE = "jurisdictions.yaml"
REGIONS_FILE = "regions.yaml"
PLATFORMS_FILE = "platforms.yaml"
ACTIONS_DIR = "actions"

# Models in the order they are loaded and reported: references point backwards only.
MODELS: tuple[type[models.Model], ...] = (
    Jurisdiction,
    Region,
    Platform,
    PlatformController,
    Action,
    Step,
    LetterTemplate,
)

HEADER = (
    "# Part of the shipped guide. `manage.py load_guide` loads it; `manage.py export_guide` rewrites it\n"
    "# from the database. Keys are model field names; references to other entries are by slug.\n"
)


# Keys of JSON objects (such as form fields) come first in this order on export (labels in the order
# of the files' languages, then the value), the rest sorted, so that the files do not depend on how a
# database stores JSON (PostgreSQL's jsonb reorders keys).
def _json_key_order() -> tuple[str, ...]:
    return (*(f"label_{code}" for code in _languages()), "value")


# Where each translated field's `<field>_<language>` keys stand among a model's own keys (after the
# key named here, a model field or another translated field): where the columns stood, so the
# files did not change when the columns became rows.
TEXT_KEYS_AFTER: dict[type[models.Model], dict[str, str]] = {
    Jurisdiction: {"name": "slug", "authority_name": "acknowledge_business_days"},
    Region: {"name": "slug", "local_authority_name": "jurisdiction"},
    Action: {"title": "platform", "summary": "title", "legal_basis": "summary", "caveat": "legal_basis"},
    Step: {"title": "order", "body": "title", "caveat": "unverified"},
}
# Review status lives in the database as who and when; files carry the day only.
REVIEW_FIELDS = ("reviewed_by", "reviewed_at")
REVIEWED_ON = "reviewed_on"


class GuideError(Exception):
    """A guide file that cannot be loaded: which file, which entry, and why."""

    def __init__(self, file: Path | str, entry: str, reason: str) -> None:
        self.file = str(file)
        self.entry = entry
        self.reason = reason
        super().__init__(f"{self.file}: {entry}: {reason}" if entry else f"{self.file}: {reason}")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    """What a load did, per model label such as "Step"."""

    counts: dict[str, Counts] = field(default_factory=lambda: {m.__name__: Counts() for m in MODELS})
    # Entries in the database that no file mentions, e.g. {"Step": ["added-in-admin"]}.
    not_in_files: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> Counts:
        return Counts(
            created=sum(c.created for c in self.counts.values()),
            updated=sum(c.updated for c in self.counts.values()),
            unchanged=sum(c.unchanged for c in self.counts.values()),
        )

    def lines(self) -> list[str]:
        """The report as printed by `load_guide`."""
        width = max(len(name) for name in self.counts)
        out = [
            f"{name:<{width}}  created {c.created}, updated {c.updated}, unchanged {c.unchanged}"
            for name, c in self.counts.items()
        ]
        t = self.total
        out.append(f"{'Total':<{width}}  created {t.created}, updated {t.updated}, unchanged {t.unchanged}")
        for name, keys in self.not_in_files.items():
            out.append(f"{name}: {len(keys)} in the database but not in the files, left as they are: {', '.join(keys)}")
        return out


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"written {len(self.written)}, unchanged {len(self.unchanged)}, removed {len(self.removed)}"]
        out += [f"written {p}" for p in self.written]
        out += [f"removed {p} (its action is no longer in the database)" for p in self.removed]
        return out


# --- field handling shared by load and export ---------------------------------------------------


def _data_fields(model: type[models.Model], parent: str | None = None) -> list[models.Field]:
    """The fields a file spells out for `model`, in declaration order (the parent is implied by nesting)."""
    return [
        f for f in model._meta.concrete_fields if not f.primary_key and f.name != parent and f.name not in REVIEW_FIELDS
    ]


def _languages() -> list[str]:
    """The languages of settings.LANGUAGES, English (the source) first: the order of keys in the files."""
    codes = [code for code, _name in settings.LANGUAGES]
    return [SOURCE_LANGUAGE, *(code for code in codes if code != SOURCE_LANGUAGE)]


def _reviewed_at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def _reviewed_on(row: Any) -> datetime.date | None:
    return row.reviewed_at.astimezone(datetime.UTC).date() if row.reviewed_at else None


def _set_review(row: Any, day: Any) -> None:
    """Apply a file's `reviewed_on` to a row, keeping who reviewed it when the day is the same."""
    if day is None:
        row.reviewed_by, row.reviewed_at = None, None
    elif _reviewed_on(row) != day:
        row.reviewed_by, row.reviewed_at = None, _reviewed_at(day)


def _empty_value(f: models.Field) -> Any:
    return f.get_default()


def _is_omitted_on_export(f: models.Field, value: Any) -> bool:
    """Optional fields left at their default are not written, to keep the files short."""
    optional = f.blank or f.null or f.has_default()
    return optional and value == _empty_value(f)


# --- loading ------------------------------------------------------------------------------------


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.report = LoadReport()
        self.seen: dict[str, set[str]] = {m.__name__: set() for m in MODELS}

    # Files

    def read(self, path: Path) -> Any:
        if not path.is_file():
            raise GuideError(path, "", "file not found")
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise GuideError(path, "", f"not valid YAML: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise GuideError(path, "", f"not UTF-8 text: {exc}") from exc

    def read_list(self, path: Path) -> list[dict[str, Any]]:
        data = self.read(path)
        if data is None:
            return []
        if not isinstance(data, list):
            raise GuideError(path, "", "expected a list of entries at the top level")
        for index, entry in enumerate(data):
            if not isinstance(entry, dict):
                raise GuideError(path, f"entry {index + 1}", "expected a mapping of field names to values")
        return data

    def run(self) -> LoadReport:
        for entry in self.read_list(self.root / JURISDICTIONS_FILE):
            self.load_entry(self.root / JURISDICTIONS_FILE, Jurisdiction, entry)
        for entry in self.read_list(self.root / REGIONS_FILE):
            self.load_entry(self.root / REGIONS_FILE, Region, entry, refs={"jurisdiction": Jurisdiction})
        for entry in self.read_list(self.root / PLATFORMS_FILE):
            self.load_platform(self.root / PLATFORMS_FILE, entry)
        actions_dir = self.root / ACTIONS_DIR
        for path in sorted(actions_dir.glob("*.yaml")) if actions_dir.is_dir() else []:
            data = self.read(path)
            if not isinstance(data, dict):
                raise GuideError(path, "", "expected one action as a mapping of field names to values")
            self.load_action(path, data)
        self.collect_not_in_files()
        return self.report

    # Entries

    def load_platform(self, path: Path, entry: dict[str, Any]) -> None:
        controllers = entry.get("controllers") or []
        platform = self.load_entry(path, Platform, entry, nested=("controllers",))
        if not isinstance(controllers, list):
            raise GuideError(path, platform.slug, "'controllers' must be a list")
        for item in controllers:
            where = f"{platform.slug} controller for {_describe_ref(item, 'jurisdiction')}"
            self.load_entry(
                path,
                PlatformController,
                item,
                parent=("platform", platform),
                key=("jurisdiction",),
                refs={"jurisdiction": Jurisdiction},
                where=where,
            )

    def load_action(self, path: Path, entry: dict[str, Any]) -> None:
        steps = entry.get("steps") or []
        templates = entry.get("letter_templates") or []
        action, status = self.upsert(
            path,
            Action,
            entry,
            refs={"platform": Platform},
            nested=("jurisdictions", "steps", "letter_templates"),
        )
        self.check_form_fields(path, action)
        if self.set_jurisdictions(path, action, entry.get("jurisdictions") or []) and status == "unchanged":
            status = "updated"
        self.count(Action, status)
        for name, items in (("steps", steps), ("letter_templates", templates)):
            if not isinstance(items, list):
                raise GuideError(path, action.slug, f"'{name}' must be a list")
        for item in steps:
            self.load_entry(path, Step, item, parent=("action", action))
        for item in templates:
            where = f"{action.slug} letter in {_describe_ref(item, 'language')}"
            template = self.load_entry(
                path, LetterTemplate, item, parent=("action", action), key=("language",), where=where
            )
            self.check_letter(path, where, template)

    def set_jurisdictions(self, path: Path, action: Action, slugs: Any) -> bool:
        if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
            raise GuideError(path, action.slug, "'jurisdictions' must be a list of jurisdiction slugs")
        found = {j.slug: j for j in Jurisdiction.objects.filter(slug__in=slugs)}
        missing = [s for s in slugs if s not in found]
        if missing:
            raise GuideError(path, action.slug, f"unknown jurisdiction {', '.join(map(repr, missing))}")
        current = set(action.jurisdictions.values_list("slug", flat=True))
        # Only touch the relation when it differs: every change adds a history row.
        if current == set(slugs):
            return False
        action.jurisdictions.set(found.values())
        return True

    def check_letter(self, path: Path, where: str, template: LetterTemplate) -> None:
        try:
            validate_template(template.subject, template.body)
        except LetterError as exc:
            raise GuideError(path, where, _describe_error(exc)) from exc

    def check_form_fields(self, path: Path, action: Action) -> None:
        try:
            validate_form_fields(action.form_fields)
        except LetterError as exc:
            raise GuideError(path, action.slug, f"form_fields: {_describe_error(exc)}") from exc

    def load_entry(self, path: Path, model: type[models.Model], entry: Any, **options: Any) -> models.Model:
        obj, status = self.upsert(path, model, entry, **options)
        self.count(model, status)
        return obj

    def count(self, model: type[models.Model], status: str) -> None:
        counts = self.report.counts[model.__name__]
        setattr(counts, status, getattr(counts, status) + 1)

    def upsert(
        self,
        path: Path,
        model: type[models.Model],
        entry: Any,
        *,
        parent: tuple[str, models.Model] | None = None,
        key: tuple[str, ...] = ("slug",),
        refs: dict[str, type[models.Model]] | None = None,
        nested: Iterable[str] = (),
        where: str | None = None,
    ) -> tuple[models.Model, str]:
        """Upsert one entry by its key: the object, and "created", "updated" or "unchanged"."""
        refs = refs or {}
        name = model.__name__
        where = where or _describe_ref(entry, "slug")
        if not isinstance(entry, dict):
            raise GuideError(path, where, "expected a mapping of field names to values")
        fields = _data_fields(model, parent[0] if parent else None)
        texts, entry = _split_texts(path, where, model, entry)
        allowed = {f.name for f in fields} | set(nested)
        if model is LetterTemplate:
            allowed.add(REVIEWED_ON)
        unknown = sorted(str(k) for k in entry if k not in allowed)
        if unknown:
            raise GuideError(
                path, where, f"unknown key {', '.join(map(repr, unknown))} (allowed: {', '.join(sorted(allowed))})"
            )
        for part in key:
            if entry.get(part) in (None, ""):
                raise GuideError(path, where, f"missing '{part}'")

        values: dict[str, Any] = {}
        for f in fields:
            if f.name in refs:
                values[f.name] = self.resolve(path, where, refs[f.name], f.name, entry.get(f.name))
            elif f.name in entry:
                values[f.name] = entry[f.name]
            else:
                values[f.name] = _empty_value(f)

        lookup = {part: values[part] for part in key}
        if parent:
            lookup[parent[0]] = parent[1]
        seen_key = _seen_key(model, lookup)
        if seen_key in self.seen[name]:
            raise GuideError(path, where, f"a second {name} with the same {' and '.join(key)}")
        self.seen[name].add(seen_key)

        obj = model._default_manager.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        before = _snapshot(obj)
        for field_name, value in values.items():
            setattr(obj, field_name, value)
            # What the admin refuses at the field (GuideContentForm), the loader refuses too.
            self.refuse_unshowable(path, where, field_name, value)
        if model is LetterTemplate:
            _set_review(obj, self.date(path, where, REVIEWED_ON, entry.get(REVIEWED_ON)))
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise GuideError(path, where, _describe_error(exc)) from exc

        if created:
            obj.save()
            if isinstance(obj, Translated):
                self.upsert_texts(path, where, obj, texts)
            return obj, "created"
        changed = _snapshot(obj) != before
        if changed:
            obj.save()
        if isinstance(obj, Translated) and self.upsert_texts(path, where, obj, texts):
            changed = True
        return obj, "updated" if changed else "unchanged"

    def refuse_unshowable(self, path: Path, where: str, key: str, value: Any) -> None:
        for text in strings_in(value):
            if problem := unshowable_problem(text):
                raise GuideError(path, where, f"{key}: this text cannot be shown on the site, {problem}")

    def date(self, path: Path, where: str, key: str, value: Any) -> datetime.date | None:
        if value is None or (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)):
            return value
        raise GuideError(path, where, f"'{key}' must be a date such as 2026-12-03")

    def upsert_texts(self, path: Path, where: str, obj: Translated, texts: dict[str, dict[str, Any]]) -> bool:
        """Create or change the object's text row in each language of the file: whether any changed.

        A language the file does not mention is left as it is (an editor may have added it in admin).
        """
        text_model = obj.text_model()
        fields = text_model.translated_fields()
        rows = obj.text_rows()
        changed = False
        for language in _languages():
            given = texts.get(language)
            if given is None and language != SOURCE_LANGUAGE:
                continue
            given = given or {}
            row = rows.get(language) or text_model(**{text_model.parent_field(): obj, "language": language})
            before = _snapshot(row)
            for name in fields:
                value = given.get(name, "")
                self.refuse_unshowable(path, where, f"{name}_{language}", value)
                setattr(row, name, "" if value is None else value)
            key = f"{REVIEWED_ON}_{language}"
            _set_review(row, self.date(path, where, key, given.get(REVIEWED_ON)))
            try:
                row.full_clean(exclude=[text_model.parent_field()])
            except ValidationError as exc:
                raise GuideError(path, where, f"in {language}: {_describe_error(exc)}") from exc
            if row.pk is None or _snapshot(row) != before:
                row.save()
                changed = True
        obj.__dict__.pop("_text_rows", None)
        return changed

    def resolve(self, path: Path, where: str, model: type[models.Model], name: str, slug: Any) -> Any:
        if slug in (None, ""):
            return None
        if not isinstance(slug, str):
            raise GuideError(path, where, f"'{name}' must be a {model.__name__.lower()} slug")
        obj = model._default_manager.filter(slug=slug).first()
        if obj is None:
            raise GuideError(path, where, f"unknown {model.__name__.lower()} '{slug}' in '{name}'")
        return obj

    def collect_not_in_files(self) -> None:
        for model in MODELS:
            keys = sorted(set(_db_keys(model)) - self.seen[model.__name__])
            if keys:
                self.report.not_in_files[model.__name__] = keys


def _split_texts(
    path: Path, where: str, model: type[models.Model], entry: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Take the `<field>_<language>` keys out of an entry: {language: {field: value}}, and the rest.

    A key naming a translated field (or `reviewed_on`) in a language the site does not offer is an
    error naming the key, not an unknown field.
    """
    if not (isinstance(model, type) and issubclass(model, Translated)):
        return {}, entry
    names = {*model.translated_fields(), REVIEWED_ON}
    offered = _languages()
    texts: dict[str, dict[str, Any]] = {}
    rest: dict[str, Any] = {}
    for key, value in entry.items():
        name, _sep, language = str(key).rpartition("_")
        if name not in names:
            rest[key] = value
            continue
        if language not in offered:
            raise GuideError(
                path,
                where,
                f"'{key}': '{language}' is not a language of this site (settings.LANGUAGES: {', '.join(offered)})",
            )
        texts.setdefault(language, {})[name] = value
    return texts, rest


def _describe_ref(entry: Any, name: str) -> str:
    if isinstance(entry, dict) and entry.get(name) not in (None, ""):
        return str(entry[name])
    return f"entry without '{name}'"


def _describe_error(exc: Exception) -> str:
    if not isinstance(exc, ValidationError):
        return str(exc)
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{'' if name == '__all__' else name + ': '}{' '.join(messages)}"
            for name, messages in sorted(exc.message_dict.items())
        )
    return " ".join(exc.messages)


def _snapshot(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _seen_key(model: type[models.Model], lookup: dict[str, Any]) -> str:
    parts = []
    for name in sorted(lookup):
        value = lookup[name]
        parts.append(value.slug if isinstance(value, models.Model) else str(value))
    return "/".join(parts) if model in (PlatformController, LetterTemplate) else str(lookup.get("slug"))


def _db_keys(model: type[models.Model]) -> list[str]:
    if model is PlatformController:
        # Matches _seen_key: lookup names sorted, "jurisdiction" before "platform".
        return [f"{j}/{p}" for j, p in model.objects.values_list("jurisdiction__slug", "platform__slug")]
    if model is LetterTemplate:
        return [f"{a}/{lang}" for a, lang in model.objects.values_list("action__slug", "language")]
    return list(model._default_manager.values_list("slug", flat=True))


def load_guide(path: Path | str = GUIDE_DIR) -> LoadReport:
    """Upsert the guide in `path` in one transaction; raise GuideError (and change nothing) on a bad entry."""
    loader = _Loader(Path(path))
    with transaction.atomic():
        return loader.run()


# --- exporting ----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, indented lists, multi-line text as literal blocks (`|`), no line wrapping."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.SequenceNode:
    # Short lists of words (slugs, rights) read best on one line: `jurisdictions: [gdpr, uk-gdpr]`.
    words = all(isinstance(item, str) and "\n" not in item for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=bool(data) and words)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def _dump(data: Any) -> str:
    body = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000, indent=2
    )
    return HEADER + body


def _canonical_json(value: Any) -> Any:
    if isinstance(value, dict):
        order = _json_key_order()
        ordered = sorted(value, key=lambda k: (order.index(k) if k in order else len(order), k))
        return {k: _canonical_json(value[k]) for k in ordered}
    if isinstance(value, list):
        return [_canonical_json(v) for v in value]
    return value


def _text_keys(obj: Translated) -> dict[str, dict[str, Any]]:
    """Each translated field's `<field>_<language>` keys, by field; empty values left out, except in English."""
    rows = obj.text_rows()
    keys: dict[str, dict[str, Any]] = {}
    required = obj.text_model().required_in_source
    for name in obj.translated_fields():
        keys[name] = {}
        for language in _languages():
            row = rows.get(language)
            value = getattr(row, name) if row is not None else ""
            if value or (language == SOURCE_LANGUAGE and name in required):
                keys[name][f"{name}_{language}"] = value
    return keys


def _review_keys(obj: Translated) -> dict[str, Any]:
    rows = obj.text_rows()
    return {
        f"{REVIEWED_ON}_{language}": _reviewed_on(rows[language])
        for language in _languages()
        if language in rows and rows[language].reviewed_at
    }


def _entry(obj: models.Model, parent: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    texts = _text_keys(obj) if isinstance(obj, Translated) else {}
    after = TEXT_KEYS_AFTER.get(type(obj), {})

    def place_texts_after(key: str) -> None:
        for name, anchor in after.items():
            if anchor == key:
                out.update(texts.get(name, {}))
                place_texts_after(name)

    for f in _data_fields(type(obj), parent):
        if f.is_relation:
            related = getattr(obj, f.name)
            value = related.slug if related is not None else None
        else:
            value = getattr(obj, f.attname)
            if isinstance(f, models.JSONField):
                value = _canonical_json(value)
            elif isinstance(value, datetime.datetime):
                value = value.isoformat()
        if not (f.is_relation and value is None and (f.null or f.blank)) and not (
            not f.is_relation and _is_omitted_on_export(f, value)
        ):
            out[f.name] = value
        place_texts_after(f.name)
    if isinstance(obj, Translated):
        out.update(_review_keys(obj))
    if isinstance(obj, LetterTemplate) and obj.reviewed_at:
        out[REVIEWED_ON] = _reviewed_on(obj)
    return out


def _write(path: Path, text: str, report: ExportReport) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        report.unchanged.append(path)
        return
    path.write_text(text, encoding="utf-8")
    report.written.append(path)


def export_guide(path: Path | str = GUIDE_DIR) -> ExportReport:
    """Write the guide content in the database to `path`, in the format load_guide reads."""
    root = Path(path)
    (root / ACTIONS_DIR).mkdir(parents=True, exist_ok=True)
    report = ExportReport()

    jurisdictions = [_entry(j) for j in Jurisdiction.objects.order_by("slug")]
    _write(root / JURISDICTIONS_FILE, _dump(jurisdictions), report)

    regions = [_entry(r) for r in Region.sorted_by_name(Region.objects.select_related("jurisdiction"))]
    _write(root / REGIONS_FILE, _dump(regions), report)

    platforms = []
    for platform in Platform.objects.order_by("order", "slug"):
        entry = _entry(platform)
        controllers = platform.controllers.select_related("jurisdiction").order_by("jurisdiction__slug")
        if controller_entries := [_entry(c, parent="platform") for c in controllers]:
            entry["controllers"] = controller_entries
        platforms.append(entry)
    _write(root / PLATFORMS_FILE, _dump(platforms), report)

    written_actions = set()
    for action in Action.objects.select_related("platform").order_by("order", "slug"):
        entry = _entry(action)
        nested = {
            "jurisdictions": sorted(action.jurisdictions.values_list("slug", flat=True)),
            "steps": [_entry(s, parent="action") for s in action.steps.order_by("order", "slug")],
            "letter_templates": [_entry(t, parent="action") for t in action.letter_templates.order_by("language")],
        }
        # Like optional fields, empty lists are left out: an info action has no letters.
        entry.update({name: items for name, items in nested.items() if items})
        file = root / ACTIONS_DIR / f"{action.slug}.yaml"
        _write(file, _dump(entry), report)
        written_actions.add(file.name)

    # A file for an action deleted in admin would bring the action back on the next load.
    for stale in sorted((root / ACTIONS_DIR).glob("*.yaml")):
        if stale.name not in written_actions:
            stale.unlink()
            report.removed.append(stale)
    return report
