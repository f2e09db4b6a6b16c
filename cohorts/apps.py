from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"

    def ready(self):
        from dashmentor import registry
        from notifications import links

        from .placement import services as placement_services
        from .year import reminders, signals

        signals.connect()
        links.register(
            placement_services.INVITATION_LINK, placement_services.invitation_link
        )
        _register_roles()
        registry.register_reminder_scan("workplan", reminders.workplan_reminders)
        registry.register_reminder_scan("event", reminders.event_reminders)
        registry.register_demo_seed(
            "mentorships", "cohorts.placement.demo:seed_mentorships", order=15
        )
        registry.register_demo_seed(
            "placement", "cohorts.placement.demo:seed", order=40
        )
        registry.register_demo_seed("year", "cohorts.year.demo:seed", order=50)


def _register_roles() -> None:
    """Leading a mentorship makes a mentor; an active membership, a mentee while
    the award runs, and alumni once it has ended (they keep the peer network,
    not the cohort's pages). The rows they come from drop the cached roles."""
    from django.db.models import Exists, OuterRef

    from applications.models import Award
    from dashmentor import registry
    from dashmentor import signals as role_signals
    from dashmentor.roles import Role

    from .models import CohortMember, Mentorship

    registry.register_data_role(
        "leads",
        Role.MENTOR,
        lambda: Exists(
            Mentorship.mentors.through.objects.filter(user_id=OuterRef("pk"))
        ),
    )
    active = {"user_id": OuterRef("pk"), "active": True}
    registry.register_data_role(
        "mentee",
        Role.MENTEE,
        lambda: Exists(
            CohortMember.objects.filter(**active).exclude(
                award__status=Award.Status.ENDED
            )
        ),
    )
    registry.register_data_role(
        "alumnus",
        Role.ALUMNI,
        lambda: Exists(
            CohortMember.objects.filter(**active, award__status=Award.Status.ENDED)
        ),
    )
    registry.register_role_home(Role.MENTOR, "cohorts:mentor-home")
    registry.register_role_home(Role.MENTEE, "cohorts:mentee-home")
    role_signals.follow_person_rows(CohortMember)
    role_signals.follow_people(Mentorship, "mentors")
    role_signals.follow_deletion(
        Mentorship, lambda m: m.mentors.values_list("pk", flat=True)
    )
