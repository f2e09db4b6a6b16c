"""Demo API and webhooks: a token on the office lead's tokens page, and a
receiver whose deliveries show each fate on the webhooks page.

Idempotent: the token is found by its owner and name, the endpoint by its URL,
each event by the audit row it reports.
"""

import datetime as dt

from django.utils import timezone

from dashmentor.models import AuditEvent

from . import services
from .models import ApiToken, EventType, WebhookDelivery, WebhookEndpoint

DEMO_TOKEN_NAME = "Funder dashboard (demo)"
# Nothing listens there: a delivery made now fails, and says why.
DEMO_RECEIVER = "http://127.0.0.1:8009/hooks/portal"


def seed(ctx) -> None:
    staff = ctx.users.get("staff")
    if staff is None:
        return
    if not ApiToken.objects.filter(user=staff, name=DEMO_TOKEN_NAME).exists():
        # Its secret is not kept (only its hash): the page lists it, and the
        # office lead makes a token of their own to try the API.
        services.token_create(user=staff, name=DEMO_TOKEN_NAME)
    endpoint = WebhookEndpoint.objects.filter(url=DEMO_RECEIVER).first()
    if endpoint is None:
        endpoint = services.endpoint_create(
            url=DEMO_RECEIVER,
            description="Office CRM (demo receiver)",
            events=[EventType.DECISION_RELEASED, EventType.APPLICATION_SUBMITTED],
            by=staff,
        )
    released = AuditEvent.objects.filter(action="decision.release").order_by("pk")[:4]
    now = timezone.now()
    for n, audit in enumerate(released):
        event = services.webhook_event_record(
            audit=audit,
            event_type=EventType.DECISION_RELEASED,
            target_type="application",
            endpoint_ids=[endpoint.pk],
        )
        delivery = WebhookDelivery.objects.get(event=event, endpoint=endpoint)
        if delivery.status != WebhookDelivery.Status.PENDING or delivery.attempts:
            continue
        if n < 3:
            # What the receiver took when it was up.
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookDelivery.Status.DELIVERED,
                attempts=1,
                last_status_code=200,
                delivered_at=now - dt.timedelta(days=2, minutes=n),
            )
        else:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=WebhookDelivery.Status.FAILED,
                attempts=8,
                last_status_code=503,
                last_error="The receiver answered HTTP 503.",
            )
