"""The guide snapshot: plain data that names its kinds as the models' choices do."""

from __future__ import annotations

from requests_app.guide.snapshot import ESCALATION, ActionInfo, GuideContent, PlatformInfo, RegionInfo
from requests_app.models import ActionKind


def test_it_names_an_escalation_as_the_model_does():
    # The snapshot imports no models; this keeps its copy of the value in step.
    assert ESCALATION == ActionKind.ESCALATION


def test_an_action_knows_whether_it_is_an_escalation():
    assert ActionInfo(slug="complaint-dpc", kind=ActionKind.ESCALATION, title="Complain").is_escalation
    assert not ActionInfo(slug="object-ai-instagram", kind=ActionKind.REQUEST, title="Object").is_escalation


def test_it_finds_regions_and_platforms_by_slug():
    germany = RegionInfo(slug="germany", name="Germany", kind="eu_eea", jurisdiction="gdpr")
    instagram = PlatformInfo(slug="instagram", name="Instagram")
    content = GuideContent(language="en", regions=(germany,), platforms=(instagram,))
    assert content.region("germany") is germany
    assert content.platform("instagram") is instagram
    assert content.region("atlantis") is None
    assert content.platform(None) is None
