"""/verify/ is public: an upload built to exhaust the server gets a verdict, and the server stays up."""

from __future__ import annotations

import inspect
import io
import json
import resource
import subprocess
import sys
import time

import pikepdf
import pytest

from requests_app.evidence import pdf_reader
from requests_app.evidence.export import PACK_FORMAT
from requests_app.evidence.upload import MAX_JSON_BYTES, UnreadableUpload, read_upload, verify_upload


def object_stream_bomb(size: int) -> bytes:
    """A small, valid PDF whose compressed object stream unpacks to `size` bytes, with an evidence.json."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Big = pdf.make_indirect(pikepdf.Dictionary(Pad=pikepdf.String(b"\0" * size)))
    pdf.attachments["evidence.json"] = pikepdf.AttachedFileSpec(pdf, b'{"format": "x"}', filename="evidence.json")
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()


def _bomb_built_elsewhere(size: int) -> bytes:
    """object_stream_bomb(size), built in another process: building it takes gigabytes, which would
    raise this process's peak memory and hide whether parsing it raised it again."""
    source = f"import io, sys, pikepdf\n{inspect.getsource(object_stream_bomb)}\n"
    source += f"sys.stdout.buffer.write(object_stream_bomb({size}))"
    result = subprocess.run([sys.executable, "-c", source], capture_output=True, check=True, timeout=120)
    return result.stdout


@pytest.mark.slow  # builds and parses a PDF bomb
def test_a_pdf_that_unpacks_to_gigabytes_is_refused_by_a_limited_child(monkeypatch):
    bomb = _bomb_built_elsewhere(300_000_000)
    assert len(bomb) < 1_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    monkeypatch.setattr(pdf_reader, "MEMORY_LIMIT_BYTES", 400 * 1024 * 1024)
    with pytest.raises(UnreadableUpload, match="cannot be read as a PDF"):
        read_upload(bomb)
    # The parsing happened in the child: this process did not grow by the bomb's size.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB


def test_the_same_pdf_small_enough_is_read():
    found = pdf_reader.extract(object_stream_bomb(1000), MAX_JSON_BYTES)
    assert (found.status, found.name, found.content) == ("ok", "evidence.json", b'{"format": "x"}')


def test_a_pack_with_too_many_records_is_refused_before_checking_them():
    pack = json.dumps({"format": PACK_FORMAT, "records": [{}] * 100_000})
    started = time.monotonic()
    with pytest.raises(UnreadableUpload, match="at most 500"):
        verify_upload(pack)
    assert time.monotonic() - started < 2


def test_a_record_lists_at_most_twenty_problems():
    events = [{"seq": n, "type": "bogus", "at": "x", "data": {}, "prev": "0", "hash": "0"} for n in range(200)]
    record = {"format": "opt-out-guide/evidence/v1", "submission": {}, "events": events, "head": {}, "signature": {}}
    [verdict] = verify_upload(json.dumps(record)).verdicts
    assert not verdict.ok
    assert len(verdict.problems) == 21
    assert verdict.problems[-1].startswith("… and ")


@pytest.mark.django_db
def test_pdf_downloads_from_one_address_are_slowed(client):
    from requests_app.wizard import plan_session
    from tests.factories.guide import make_meta_guide
    from tests.factories.tracking import GERMAN_PLAN

    make_meta_guide()
    session = client.session
    session[plan_session.SESSION_KEY] = GERMAN_PLAN
    session.save()
    # Use up the limit without rendering thirty PDFs.
    from allauth.core.internal import ratelimit

    request = client.get("/").wsgi_request
    for _ in range(30):
        assert ratelimit.consume(request, app="allauth.account", action="render_pdf", limit_get=True)
    assert client.get("/plan.pdf").status_code == 429
    assert client.get("/plan/").status_code == 200


def test_the_reader_works_wherever_the_server_was_started(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    found = pdf_reader.extract(object_stream_bomb(1000), MAX_JSON_BYTES)
    assert found.status == "ok"
