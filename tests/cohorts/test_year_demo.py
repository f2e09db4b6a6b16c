"""The demo seed puts a cohort mid-year where a mentor sees who needs attention."""

import pytest
from django.urls import reverse

from cohorts.models import CohortMember, Event, WorkPlan
from dashmentor.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_cohorts_mid_year_show_plans_events_and_quiet_mentees(
    client, demo_snapshot
):
    demo_snapshot.restore()
    mentee = User.objects.get(email="mentee@dash.test")
    member = CohortMember.objects.get(user=mentee)
    mentorship = member.award.mentorship
    assert mentorship.slug == "civic-canopy"
    assert mentorship.round.slug == "in-progress"
    mentor = mentorship.mentors.get()
    assert mentor.email == "mentor.civic@dash.test"
    statuses = set(
        WorkPlan.objects.filter(award__mentorship=mentorship).values_list(
            "status", flat=True
        )
    )
    assert statuses == {"draft", "submitted", "changes", "approved"}
    kinds = set(mentorship.events.values_list("kind", flat=True))
    assert kinds == {k.value for k in Event.Kind}
    assert mentorship.action_periods.count() >= 3

    client.force_login(mentor)
    rows = client.get(reverse("cohorts:mentor-home")).context["rows"]
    assert len(rows) == 4
    assert rows[0].quiet.quiet  # who needs attention is on top
    assert sum(r.quiet.quiet for r in rows) == 1
    assert all(r.attendance_rate is not None for r in rows)
    assert all(r.goal_progress is not None for r in rows)

    client.force_login(mentee)
    page = client.get(reverse("cohorts:mentee-home")).content.decode()
    assert "revise and resubmit your work plan" in page
    assert mentor.full_name in page

    staff = User.objects.get(email="staff@dash.test")
    client.force_login(staff)
    response = client.get(reverse("cohorts:program-dashboard"))
    assert response.context["round"] == mentorship.round
    assert response.context["mentee_total"] == 12
    assert response.context["quiet_total"] == 3
    assert response.context["open_changes"] == 1
