"""load_guide and export_guide: idempotent upserts, a byte-exact round trip, and refusals that change nothing."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from requests_app.guide.yaml_io import GUIDE_DIR, load_guide
from requests_app.models import Action, Jurisdiction, LetterTemplate, Region, Step

pytestmark = pytest.mark.django_db


def _run(command: str, path: Path) -> str:
    out = StringIO()
    call_command(command, "--path", str(path), stdout=out)
    return out.getvalue()


def _history_rows() -> int:
    return sum(model.history.count() for model in (Jurisdiction, Region, Action, Step, LetterTemplate))


@pytest.fixture
def guide(tmp_path: Path) -> Path:
    """A private copy of the shipped guide that a test may break."""
    return Path(shutil.copytree(GUIDE_DIR, tmp_path / "guide"))


def _files(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*.yaml"))}


def test_it_loads_the_guide_and_prints_counts(guide):
    output = _run("load_guide", guide)
    assert Action.objects.count() == len(list((guide / "actions").glob("*.yaml")))
    assert f"Region              created {Region.objects.count()}, updated 0, unchanged 0" in output
    assert "Total" in output


def test_it_changes_nothing_on_a_second_load(guide):
    _run("load_guide", guide)
    history = _history_rows()
    output = _run("load_guide", guide)
    total = next(line for line in output.splitlines() if line.startswith("Total"))
    assert "created 0, updated 0," in total
    # No save happened, so no history row either.
    assert _history_rows() == history


def test_it_updates_only_the_entry_that_changed(guide):
    _run("load_guide", guide)
    path = guide / "regions.yaml"
    path.write_text(path.read_text().replace("name_de: Österreich", "name_de: Republik Österreich"))
    report = load_guide(guide)
    assert report.counts["Region"].updated == 1
    assert report.counts["Region"].created == 0
    assert Region.objects.get(slug="austria").text("name", "de") == "Republik Österreich"


def test_it_counts_a_changed_jurisdiction_list_as_an_update(guide):
    _run("load_guide", guide)
    path = guide / "actions" / "complaint-dpc.yaml"
    path.write_text(path.read_text().replace("jurisdictions: [gdpr]", "jurisdictions: [gdpr, uk-gdpr]"))
    report = load_guide(guide)
    assert report.counts["Action"].updated == 1
    assert set(Action.objects.get(slug="complaint-dpc").jurisdictions.values_list("slug", flat=True)) == {
        "gdpr",
        "uk-gdpr",
    }


def test_it_reports_entries_that_are_only_in_the_database(guide):
    _run("load_guide", guide)
    action = Action.objects.get(slug="ai-threads")
    Step.objects.create(action=action, slug="added-in-admin").set_text("en", title="Added by an editor")
    output = _run("load_guide", guide)
    assert Step.objects.filter(slug="added-in-admin").exists()
    assert "Step: 1 in the database but not in the files, left as they are: added-in-admin" in output


def test_it_does_not_report_entries_that_are_in_the_files(guide):
    _run("load_guide", guide)
    output = _run("load_guide", guide)
    assert "not in the files" not in output


def test_it_round_trips_byte_for_byte(guide, tmp_path):
    """Export of freshly loaded content gives the shipped files exactly; loading the export changes nothing."""
    _run("load_guide", guide)
    exported = tmp_path / "exported"
    _run("export_guide", exported)
    assert _files(exported) == _files(GUIDE_DIR)
    report = load_guide(exported)
    assert report.total.created == 0
    assert report.total.updated == 0


def test_it_exports_what_an_editor_changed(guide, tmp_path):
    _run("load_guide", guide)
    Step.objects.get(slug="ai-threads-what-is-known").set_text("en", title="Edited in admin")
    exported = tmp_path / "exported"
    _run("export_guide", exported)
    assert "title_en: Edited in admin" in (exported / "actions" / "ai-threads.yaml").read_text()
    assert _files(exported) != _files(GUIDE_DIR)


def test_it_removes_the_file_of_an_action_deleted_in_admin(guide):
    _run("load_guide", guide)
    Action.objects.filter(slug="ai-messenger").delete()
    output = _run("export_guide", guide)
    assert not (guide / "actions" / "ai-messenger.yaml").exists()
    assert (guide / "actions" / "ai-threads.yaml").exists()
    assert "removed" in output


def _assert_refused(guide: Path, *expected: str) -> None:
    counts = {model: model.objects.count() for model in (Jurisdiction, Region, Action, Step, LetterTemplate)}
    with pytest.raises(CommandError) as excinfo:
        _run("load_guide", guide)
    message = str(excinfo.value)
    for text in expected:
        assert text in message
    # The whole load is one transaction: nothing from the files before the bad entry stayed.
    assert {model: model.objects.count() for model in counts} == counts


def test_it_refuses_broken_yaml(guide):
    path = guide / "actions" / "object-ai-facebook.yaml"
    path.write_text(path.read_text() + "\nsteps: [unclosed\n")
    _assert_refused(guide, "object-ai-facebook.yaml", "not valid YAML")
    assert not Jurisdiction.objects.exists()


def test_it_refuses_an_unknown_key(guide):
    path = guide / "actions" / "complaint-ico.yaml"
    path.write_text(path.read_text().replace("kind: escalation", "kind: escalation\ncolour: red"))
    _assert_refused(guide, "complaint-ico.yaml", "complaint-ico", "unknown key 'colour'")


def test_it_refuses_an_unknown_slug_reference(guide):
    path = guide / "regions.yaml"
    path.write_text(
        path.read_text().replace("country_code: AT\n  jurisdiction: gdpr", "country_code: AT\n  jurisdiction: gdrp")
    )
    _assert_refused(guide, "regions.yaml", "austria", "unknown jurisdiction 'gdrp'")


def test_it_refuses_an_invalid_url(guide):
    path = guide / "actions" / "third-party-ai-request.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("source_url: https://www.facebook.com/help/contact/1266025207620918", "source_url: not a url", 1)
    )
    _assert_refused(guide, "third-party-ai-request.yaml", "third-party-ai-open-form", "source_url", "valid URL")


def test_it_refuses_a_missing_required_field(guide):
    path = guide / "platforms.yaml"
    path.write_text(path.read_text().replace("  name: Threads\n", ""))
    _assert_refused(guide, "platforms.yaml", "threads", "name")


def test_it_refuses_a_letter_that_does_not_render(guide):
    path = guide / "actions" / "complaint-cppa.yaml"
    text = path.read_text()
    assert "subject: Complaint about {{ controller.name }} (CCPA)" in text
    path.write_text(text.replace("Complaint about {{ controller.name }}", "Complaint about {{ person.shoe_size }}"))
    _assert_refused(guide, "complaint-cppa.yaml", "complaint-cppa letter in en", "shoe_size")


def test_it_refuses_a_duplicate_slug(guide):
    path = guide / "jurisdictions.yaml"
    path.write_text(path.read_text() + "- slug: gdpr\n  name_en: Again\n  law: gdpr\n")
    _assert_refused(guide, "jurisdictions.yaml", "gdpr", "a second Jurisdiction")


def test_it_leaves_the_database_as_it_was_when_a_later_file_is_bad(guide):
    _run("load_guide", guide)
    regions = guide / "regions.yaml"
    regions.write_text(regions.read_text().replace("name_de: Österreich", "name_de: Geändert"))
    path = guide / "actions" / "complaint-ico.yaml"
    path.write_text(path.read_text().replace("kind: escalation", "kind: nonsense"))
    _assert_refused(guide, "complaint-ico.yaml", "kind")
    # The valid change to regions.yaml, loaded before the bad action, was rolled back too.
    assert Region.objects.get(slug="austria").text("name", "de") == "Österreich"


def test_if_empty_loads_into_an_empty_database():
    out = StringIO()
    call_command("load_guide", "--if-empty", stdout=out)
    assert Action.objects.filter(slug="object-ai-instagram").exists()
    assert "created" in out.getvalue()


def test_if_empty_keeps_what_editors_changed():
    call_command("load_guide", stdout=StringIO())
    step = Step.objects.order_by("pk").first()
    step.set_text("en", title="An editor's better title")
    out = StringIO()
    call_command("load_guide", "--if-empty", stdout=out)
    assert "nothing loaded" in out.getvalue()
    assert Step.objects.get(pk=step.pk).text("title", "en") == "An editor's better title"


@pytest.mark.parametrize(
    ("escape", "described"), [("\\ud800", "a lone surrogate (U+D800)"), ("\\0", "U+0000"), ("\\e", "U+001B")]
)
def test_it_refuses_text_the_site_cannot_show(guide, escape, described):
    """A YAML escape makes what a form cannot send: a lone surrogate answered 500 on every page showing it."""
    path = guide / "platforms.yaml"
    path.write_text(path.read_text().replace("  name: Threads\n", f'  name: "Threads{escape}"\n'))
    _assert_refused(guide, "platforms.yaml", "threads", "name: this text cannot be shown", described)


def test_it_refuses_a_letter_template_the_site_cannot_encode(guide):
    path = guide / "actions" / "complaint-cppa.yaml"
    text = path.read_text()
    path.write_text(text.replace("Complaint about {{ controller.name }}", 'Complaint about {{ "\\ud800" }}'))
    _assert_refused(guide, "complaint-cppa.yaml", "complaint-cppa letter in en", "lone surrogate (U+D800)")


def test_it_refuses_a_translated_text_the_site_cannot_show(guide):
    path = guide / "actions" / "ai-messenger.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("title_de: Was über KI-Training", 'title_de: "Was \\e über KI-Training', 1).replace(
            "und Messenger bekannt ist\n", 'und Messenger bekannt ist"\n', 1
        )
    )
    _assert_refused(guide, "ai-messenger.yaml", "ai-messenger", "title_de: this text cannot be shown", "U+001B")
