from django.apps import AppConfig


class AffinityConfig(AppConfig):
    verbose_name = "Affinity groups"
    name = "affinity"

    def ready(self):
        from django.db.models import Exists, OuterRef

        from dashmentor import registry
        from dashmentor import signals as role_signals
        from dashmentor.roles import Role

        from . import reminders, signals
        from .models import Group, GroupMember

        signals.connect()
        # Asking to join, waitlisted or admitted (not declined or gone), leading
        # or supporting a group: each makes a participant.
        registry.register_data_role(
            "group_member",
            Role.PARTICIPANT,
            lambda: Exists(
                GroupMember.objects.filter(
                    user_id=OuterRef("pk"), status__in=GroupMember.LEAVABLE
                )
            ),
        )
        registry.register_data_role(
            "group_leader",
            Role.PARTICIPANT,
            lambda: Exists(
                Group.leaders.through.objects.filter(user_id=OuterRef("pk"))
            ),
        )
        registry.register_data_role(
            "group_support",
            Role.PARTICIPANT,
            lambda: Exists(
                Group.support_staff.through.objects.filter(user_id=OuterRef("pk"))
            ),
        )
        role_signals.follow_person_rows(GroupMember)
        role_signals.follow_people(Group, "leaders")
        role_signals.follow_people(Group, "support_staff")
        role_signals.follow_deletion(
            Group,
            lambda g: [
                *g.leaders.values_list("pk", flat=True),
                *g.support_staff.values_list("pk", flat=True),
                *g.members.values_list("user_id", flat=True),
            ],
        )
        registry.register_role_home(Role.PARTICIPANT, "affinity:group-list")
        registry.register_reminder_scan("meeting", reminders.meeting_reminders)
        registry.register_demo_seed("affinity", "affinity.demo:seed", order=70)
