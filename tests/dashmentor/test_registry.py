"""What the apps register with the core, which the core reaches only through
dashmentor/registry.py (the core imports no app: tests/test_layers.py)."""

from dashmentor import registry
from dashmentor.roles import ROLE_ORDER, role_home_url_name


def test_every_role_has_a_home():
    assert {role: role_home_url_name(role) for role in ROLE_ORDER} == {
        "staff": "staff-home",
        "reviewer": "applications:reviewer-queue",
        "mentor": "cohorts:mentor-home",
        "mentee": "cohorts:mentee-home",
        "alumni": "peers:alumni-home",
        "applicant": "applications:applicant-home",
        "participant": "affinity:group-list",
    }


def test_the_apps_add_their_roles_reminders_cards_and_demo():
    assert {r.name for r in registry.data_roles()} == {
        "leads",
        "mentee",
        "alumnus",
        "group_member",
        "group_leader",
        "group_support",
    }
    assert set(registry.reminder_scans()) == {
        "deadline",
        "award",
        "workplan",
        "event",
        "meeting",
        "final_report",
        "webinar",
    }
    assert [c.name for c in registry.home_cards("public")] == [
        "open-rounds",
        "resources",
    ]
    assert [c.name for c in registry.home_cards("staff")] == [
        "questions-waiting",
        "round-funnel",
        "closeout",
        "discussions",
        "api",
    ]
    assert [s.name for s in registry.demo_seeds()] == [
        "rounds",
        "mentorships",
        "applications",
        "outreach",
        "review",
        "placement",
        "year",
        "surveys",
        "affinity",
        "closeout",
        "outbox",
        "peers",
        "discussions",
        "staffdesk",
        "api",
    ]
