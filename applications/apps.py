from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        from dashmentor import registry
        from dashmentor.roles import Role
        from notifications import links

        from . import reminders, selectors, services
        from .outreach import links as outreach_links
        from .outreach import reminders as outreach_reminders
        from .outreach import selectors as outreach_selectors

        links.register(services.CONFIRMATION_LINK, services.email_confirmation_link)
        outreach_links.register()
        registry.register_role_home(Role.REVIEWER, "applications:reviewer-queue")
        registry.register_role_home(Role.APPLICANT, "applications:applicant-home")
        registry.register_reminder_scan("deadline", reminders.deadline_reminders)
        registry.register_reminder_scan("award", reminders.award_reminders)
        registry.register_reminder_scan(
            outreach_reminders.SCAN, outreach_reminders.webinar_reminders
        )
        registry.register_home_card(
            "public",
            "open-rounds",
            template="applications/includes/_open_rounds.html",
            context=selectors.open_rounds_card,
            order=10,
        )
        registry.register_home_card(
            "staff",
            "questions-waiting",
            template="applications/outreach/includes/_staff_home_queue.html",
            context=outreach_selectors.questions_waiting_card,
            order=5,
        )
        registry.register_home_card(
            "staff",
            "round-funnel",
            template="applications/includes/_round_funnel.html",
            context=selectors.round_funnel_card,
            order=10,
        )
        registry.register_demo_seed("rounds", "applications.demo:seed_rounds", order=10)
        registry.register_demo_seed("applications", "applications.demo:seed", order=20)
        registry.register_demo_seed(
            "outreach", "applications.outreach.demo:seed", order=25
        )
        registry.register_demo_seed("review", "applications.review.demo:seed", order=30)
