"""build_plan: which actions and steps apply, for every region kind, platform and situation of the guide."""

from __future__ import annotations

import io
import itertools

import pytest

from requests_app.guide.content import load_content
from requests_app.guide.planning import Answers, UnknownRegion, applies, build_plan
from requests_app.guide.snapshot import ActionInfo, GuideContent, PlatformInfo, RegionInfo, StepInfo
from tests.factories.guide import make_meta_guide

pytestmark = pytest.mark.django_db

GDPR_REGIONS = ["germany", "ireland", "norway", "united-kingdom"]
NON_GDPR_REGIONS = ["us-california", "us-texas", "us-iowa", "us-alabama", "another-country"]
PLATFORMS = ["facebook", "instagram", "threads", "whatsapp", "messenger"]
SITUATIONS = ["public_posts", "in_others_posts", "meta_ai_showed_info"]

# What one account on one platform adds to the third-party request that everyone gets.
EXPECTED_GDPR = {
    "facebook": ["object-ai-facebook#1", "off-meta-activity-facebook"],
    "instagram": ["object-ai-instagram#1", "off-meta-activity-instagram"],
    "threads": ["ai-threads"],
    "whatsapp": ["rights-whatsapp"],
    "messenger": ["ai-messenger"],
}
EXPECTED_ELSEWHERE = {
    "facebook": ["off-meta-activity-facebook"],
    "instagram": ["off-meta-activity-instagram"],
    "threads": ["ai-threads"],
    "whatsapp": [],
    "messenger": ["ai-messenger"],
}


@pytest.fixture
def guide():
    return make_meta_guide()


@pytest.fixture
def content(guide):
    return load_content("en")


def answers(region: str, accounts: dict[str, int] | None = None, situations=(), **fields) -> Answers:
    accounts = accounts or {}
    return Answers(
        region=region, platforms=tuple(accounts), accounts=accounts, situations=frozenset(situations), **fields
    )


def keys(plan) -> list[str]:
    return [item.key for item in plan.items]


@pytest.mark.parametrize(
    ("region", "platform", "situations"),
    [
        (region, platform, situations)
        for region, platform in itertools.product(GDPR_REGIONS + NON_GDPR_REGIONS, PLATFORMS)
        for situations in [(), tuple(SITUATIONS)]
    ],
)
def test_it_plans_each_region_platform_and_situation(content, region, platform, situations):
    plan = build_plan(answers(region, {platform: 1}, situations), content)
    expected = (EXPECTED_GDPR if region in GDPR_REGIONS else EXPECTED_ELSEWHERE)[platform]
    assert keys(plan) == [*expected, "third-party-ai-request"]


@pytest.mark.parametrize("region", GDPR_REGIONS + NON_GDPR_REGIONS)
def test_it_gives_a_person_with_no_account_the_third_party_route(content, region):
    plan = build_plan(answers(region, {}, ["in_others_posts"]), content)
    assert keys(plan) == ["third-party-ai-request"]
    assert [group.key for group in plan.groups] == ["everyone"]


@pytest.mark.parametrize("region", ["germany", "united-kingdom", "us-texas"])
def test_it_does_not_plan_account_actions_for_a_platform_used_without_an_account(content, region):
    plan = build_plan(answers(region, {"facebook": 0, "instagram": 0}), content)
    assert keys(plan) == ["third-party-ai-request"]


def test_it_gives_the_uk_the_instagram_objection_form(content):
    plan = build_plan(answers("united-kingdom", {"instagram": 1}, handles={"instagram": ("@me",)}), content)
    item = plan.items[0]
    assert item.key == "object-ai-instagram#1"
    assert item.action.official_url == "https://help.instagram.com/contact/767264225370182"
    assert item.account_handle == "@me"
    assert plan.law_name == "UK GDPR"


def test_it_makes_one_objection_per_account_in_germany(content):
    plan = build_plan(
        answers(
            "germany",
            {"facebook": 1, "instagram": 2},
            handles={"facebook": ("fb.me/anna",), "instagram": ("@anna", "@anna_cats")},
        ),
        content,
    )
    objections = [item for item in plan.items if item.action.slug.startswith("object-ai-")]
    assert [(item.key, item.account_handle) for item in objections] == [
        ("object-ai-facebook#1", "fb.me/anna"),
        ("object-ai-instagram#1", "@anna"),
        ("object-ai-instagram#2", "@anna_cats"),
    ]
    assert plan.law_name == "GDPR"
    assert plan.jurisdiction.authority_name == "Data Protection Commission (Ireland)"


def test_it_gives_texas_no_gdpr_objection_but_the_third_party_request_and_off_meta_controls(content):
    plan = build_plan(answers("us-texas", {"facebook": 1}), content)
    assert keys(plan) == ["off-meta-activity-facebook", "third-party-ai-request"]
    assert all("GDPR" not in item.action.legal_basis for item in plan.items)
    assert plan.law_name == "US state law"


def test_it_gives_whatsapp_in_the_eu_the_general_rights_form_with_its_caveat(content):
    plan = build_plan(answers("ireland", {"whatsapp": 1}), content)
    item = plan.items[0]
    assert item.key == "rights-whatsapp"
    assert "unverified" in item.action.caveat


def test_it_never_plans_escalations(content):
    plan = build_plan(answers("germany", dict.fromkeys(PLATFORMS, 1), SITUATIONS), content)
    assert not {"complaint-dpc", "complaint-ico", "complaint-cppa", "reminder-to-company"} & {
        item.action.slug for item in plan.items
    }


def test_it_groups_by_platform_in_platform_order_then_everyone(content):
    plan = build_plan(answers("germany", {"instagram": 1, "facebook": 1, "whatsapp": 1}), content)
    assert [group.key for group in plan.groups] == ["facebook", "instagram", "whatsapp", "everyone"]
    assert plan.groups[-1].platform is None


def test_it_gives_stable_step_keys_and_distinct_anchors(content):
    plan = build_plan(answers("germany", {"instagram": 2}), content)
    step_keys = [step.key for step in plan.steps]
    assert step_keys[:4] == [
        "object-ai-instagram#1:object-ai-instagram-1",
        "object-ai-instagram#1:object-ai-instagram-2",
        "object-ai-instagram#2:object-ai-instagram-1",
        "object-ai-instagram#2:object-ai-instagram-2",
    ]
    anchors = [step.anchor for step in plan.steps]
    assert len(set(anchors)) == len(anchors)
    assert all("#" not in anchor and ":" not in anchor for anchor in anchors)


def test_it_counts_progress_only_for_steps_in_the_plan(content):
    plan = build_plan(answers("germany", {"facebook": 1}), content)
    first = plan.steps[0].key
    assert plan.progress([first, "gone-action:gone-step"]) == (1, len(plan.steps))
    assert plan.progress([]) == (0, len(plan.steps))


def test_it_refuses_a_region_that_no_longer_exists(content):
    with pytest.raises(UnknownRegion):
        build_plan(answers("atlantis", {"facebook": 1}), content)


def test_it_ignores_accounts_on_platforms_not_chosen(content):
    plan = build_plan(Answers(region="germany", platforms=(), accounts={"facebook": 3}), content)
    assert keys(plan) == ["third-party-ai-request"]


# Rules checked on hand-made content, without the database: situations and the no-account audience.
STEP = StepInfo(slug="s", title="S")
REGION = RegionInfo(slug="here", name="Here", kind="eu_eea", jurisdiction="gdpr")


def action(**fields) -> ActionInfo:
    return ActionInfo(**{"slug": "a", "kind": "info", "title": "A", "steps": (STEP,), **fields})


@pytest.mark.parametrize(
    ("situations", "person", "expected"),
    [
        (frozenset(), frozenset(), True),
        (frozenset({"meta_ai_showed_info"}), frozenset(), False),
        (frozenset({"meta_ai_showed_info"}), frozenset({"public_posts"}), False),
        (frozenset({"meta_ai_showed_info", "in_others_posts"}), frozenset({"in_others_posts"}), True),
    ],
)
def test_it_applies_an_action_only_in_its_situations(situations, person, expected):
    answers_ = Answers(region="here", situations=person)
    assert applies(action(situations=situations), answers_, "gdpr") is expected


@pytest.mark.parametrize(
    ("accounts", "expected"),
    [({}, True), ({"facebook": 0}, True), ({"facebook": 1}, False), ({"instagram": 1}, True)],
)
def test_it_applies_a_no_account_action_only_without_an_account_there(accounts, expected):
    answers_ = Answers(region="here", platforms=tuple(accounts), accounts=accounts)
    assert applies(action(platform="facebook", audience="no_account"), answers_, "gdpr") is expected


@pytest.mark.parametrize(("jurisdiction", "expected"), [("gdpr", True), ("ccpa", False)])
def test_it_applies_an_action_only_in_its_jurisdictions(jurisdiction, expected):
    assert applies(action(jurisdictions=frozenset({"gdpr"})), Answers(region="here"), jurisdiction) is expected


def test_it_builds_plans_without_a_database():
    content = GuideContent(
        language="en",
        regions=(REGION,),
        platforms=(PlatformInfo(slug="facebook", name="Facebook", multiple_accounts=True),),
        actions=(action(slug="per", platform="facebook", audience="account", per_account=True),),
    )
    plan = build_plan(
        Answers(region="here", platforms=("facebook",), accounts={"facebook": 3}, handles={"facebook": ("a", "b")}),
        content,
    )
    assert [(item.key, item.account_handle) for item in plan.items] == [("per#1", "a"), ("per#2", "b"), ("per#3", "")]


@pytest.mark.parametrize(
    ("data", "region"),
    [
        ({"country": "germany"}, "germany"),
        ({"country": "us", "us_state": "us-texas"}, "us-texas"),
        ({"country": "us"}, ""),
        ({}, ""),
    ],
)
def test_it_reads_the_region_from_session_answers(data, region):
    assert Answers.from_dict(data).region == region


def test_it_drops_malformed_session_answers():
    parsed = Answers.from_dict(
        {
            "country": "germany",
            "platforms": ["facebook", 3],
            "accounts": {"facebook": "2", "instagram": 99},
            "handles": {"x": "y"},
        }
    )
    assert parsed.platforms == ("facebook",)
    assert parsed.accounts == {"instagram": 10}
    assert parsed.handles == {}


# The shipped guide, as `manage.py load_guide` loads it.


@pytest.fixture
def shipped():
    from django.core.management import call_command

    call_command("load_guide", stdout=io.StringIO())
    return load_content("en")


@pytest.mark.parametrize(
    ("region", "accounts", "expected"),
    [
        (
            "united-kingdom",
            {"instagram": 1},
            ["object-ai-instagram#1", "activity-other-businesses-instagram", "third-party-ai-request"],
        ),
        (
            "germany",
            {"facebook": 1, "instagram": 2},
            [
                "object-ai-facebook#1",
                "off-meta-activity-facebook",
                "object-ai-instagram#1",
                "object-ai-instagram#2",
                "off-meta-activity-instagram",
                "third-party-ai-request",
            ],
        ),
        (
            "us-texas",
            {"facebook": 1},
            ["activity-other-businesses-facebook", "ai-chats-for-ads", "third-party-ai-request"],
        ),
        ("us-california", {}, ["third-party-ai-request"]),
        (
            "another-country",
            {"threads": 1, "messenger": 1},
            [
                "ai-threads",
                "ai-messenger",
                "object-ai-switzerland-brazil",
                "ai-chats-for-ads",
                "third-party-ai-request",
            ],
        ),
        ("france", {"whatsapp": 1}, ["rights-whatsapp", "third-party-ai-request"]),
    ],
)
def test_it_plans_with_the_shipped_guide(shipped, region, accounts, expected):
    plan = build_plan(answers(region, accounts), shipped)
    assert sorted(keys(plan)) == sorted(expected)
    assert keys(plan)[-1] == "third-party-ai-request"
    assert all(item.steps for item in plan.items)


def test_it_gives_whatsapp_its_caveat_and_the_uk_its_form_in_the_shipped_guide(shipped):
    whatsapp = build_plan(answers("ireland", {"whatsapp": 1}), shipped).items[0]
    assert whatsapp.action.caveat
    instagram = build_plan(answers("united-kingdom", {"instagram": 1}), shipped).items[0]
    assert instagram.action.official_url == "https://help.instagram.com/contact/767264225370182"
    assert instagram.action.letter is not None


def test_an_alternative_step_is_in_the_plan_but_not_in_its_progress(guide):
    from requests_app.models import Step

    Step.objects.filter(pk=Step.objects.filter(action__slug="object-ai-facebook").order_by("order").last().pk).update(
        alternative=True
    )
    plan = build_plan(answers("germany", {"facebook": 1}), load_content("en"))
    alternative = [step for step in plan.steps if step.step.alternative]
    assert len(alternative) == 1
    counted = [step.key for step in plan.steps if not step.step.alternative]
    assert plan.progress(counted) == (len(counted), len(counted))
    assert plan.progress([alternative[0].key]) == (0, len(counted))
