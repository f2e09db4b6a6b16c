"""Every write of the API app: tokens, webhook endpoints, and the webhook
outbox (record, hand out, deliver, retry, sweep).

The webhook outbox follows the e-mail outbox (``notifications/services.py``):

    pending ──(handed to Celery)──▶ queued ──(claimed by a worker)──▶ sending
       ▲                              │                                  │
       │   retry later (backoff)      │                       2xx answer │
       └──────────────────────────────┴──────── failure ◀────────────────┤
                                                   │                     ▼
                                     too many ─▶ failed              delivered

* A delivery is a row written in the transaction of the change it reports
  (``webhook_event_record``, from the audit observer of ``events.py``): one
  event per change (unique on its audit row), one delivery per event and
  endpoint (unique on the pair). A rolled-back change owes nothing.
* The Celery task published after the commit only wakes a worker
  (``dashmentor/broker.py``); ``webhook_sweep`` (beat, every minute) hands out
  what is pending, due for a retry, or was left by a dead worker.
* A worker claims a row (conditional UPDATE) before it connects, and marks
  it delivered as soon as the receiver answers 2xx. A worker killed between
  the answer and that mark leaves a row the sweep sends again: a repeat, with
  the same ``X-Portal-Delivery`` id, which a receiver recognises.
* Each attempt is signed afresh (a new timestamp) over the same body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashmentor import broker
from dashmentor.services import audit_record
from dashmentor.status import status_update

from . import rules
from .models import (
    WRITE_SCOPES,
    ApiToken,
    EventType,
    Scope,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from .permissions import write_scopes_for

logger = logging.getLogger(__name__)

TOKEN_NAME_REQUIRED = _("Give the token a name that says what it is for.")
TOKEN_NAME_TAKEN = _(
    "You already have a token named “{name}”: revoke it or choose another name."
)
ENDPOINT_URL_TAKEN = _("An endpoint with this URL is already registered.")
TOKEN_SCOPE_UNKNOWN = _("Unknown scope: {scope}.")
TOKEN_SCOPE_NOT_YOURS = _("Your roles cannot use this write: {scope}.")
TOKEN_EXPIRY_PAST = _("The expiry date must be in the future.")
TOKEN_ALREADY_REVOKED = _("This token was already revoked.")
ENDPOINT_NO_EVENTS = _("Choose at least one event.")
ENDPOINT_EVENT_UNKNOWN = _("Unknown event: {event}.")
REDELIVER_ONLY_FAILED = _("Only a failed delivery can be sent again.")
ENDPOINT_OFF = "The endpoint was turned off before this was delivered."
ERROR_WORKER_LOST = "The worker stopped while delivering; handed out again."
ENDPOINTS_CACHE_KEY = "api:webhook-endpoints"
ENDPOINTS_CACHE_TIMEOUT = 300
SUBSCRIBABLE = [t for t in EventType if t != EventType.PING]


# --- tokens ---


@transaction.atomic
def token_create(
    *, user, name: str, scopes: Iterable[str] = (), expires_at=None
) -> tuple[ApiToken, str]:
    """Make a token for ``user``; return it and its secret (shown once, never
    stored: the row keeps its SHA-256)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": TOKEN_NAME_REQUIRED})
    scopes = sorted(set(scopes))
    for scope in scopes:
        if scope not in WRITE_SCOPES:
            raise ValidationError({"scopes": TOKEN_SCOPE_UNKNOWN.format(scope=scope)})
        if scope not in write_scopes_for(user):
            raise ValidationError(
                {"scopes": TOKEN_SCOPE_NOT_YOURS.format(scope=Scope(scope).label)}
            )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": TOKEN_EXPIRY_PAST})
    # A form sent twice makes one token: the second finds the name taken.
    taken = ApiToken.objects.select_for_update().filter(
        user=user, name__iexact=name[:100], revoked_at__isnull=True
    )
    if taken.exists():
        raise ValidationError({"name": TOKEN_NAME_TAKEN.format(name=name)})
    secret = rules.token_new()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=rules.token_prefix(secret),
        key_hash=rules.token_hash(secret),
        scopes=scopes,
        expires_at=expires_at,
    )
    audit_record(
        actor=user,
        action="api.token_create",
        target=token,
        after={"name": token.name, "scopes": scopes},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke ``token`` at once: its next request is refused (401)."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not changed:
        raise ValidationError(TOKEN_ALREADY_REVOKED)
    token.refresh_from_db()
    audit_record(actor=by, action="api.token_revoke", target=token)
    return token


# --- endpoints ---


def endpoint_secret(endpoint: WebhookEndpoint) -> str:
    """The endpoint's signing secret, derived, never stored (see the model)."""
    message = f"webhook:{endpoint.pk}:{endpoint.secret_salt}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256)
    return "whsec_" + digest.hexdigest()


def _clean_endpoint(url: str, events: Iterable[str], *, pk=None) -> list[str]:
    if WebhookEndpoint.objects.filter(url=url).exclude(pk=pk).exists():
        raise ValidationError({"url": ENDPOINT_URL_TAKEN})
    problem = rules.endpoint_url_problem(
        url, require_https=settings.WEBHOOK_REQUIRE_HTTPS
    )
    if problem:
        raise ValidationError({"url": problem})
    events = sorted(set(events))
    if not events:
        raise ValidationError({"events": ENDPOINT_NO_EVENTS})
    for event in events:
        if event not in SUBSCRIBABLE:
            raise ValidationError(
                {"events": ENDPOINT_EVENT_UNKNOWN.format(event=event)}
            )
    return events


def _endpoints_changed() -> None:
    def forget():
        try:
            cache.delete(ENDPOINTS_CACHE_KEY)
        except Exception:
            logger.warning("webhooks: endpoints cache unwritable", exc_info=True)

    forget()
    transaction.on_commit(forget)


def _endpoint_state(endpoint: WebhookEndpoint) -> dict:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }


@transaction.atomic
def endpoint_create(
    *, url: str, events: Iterable[str], description: str = "", by
) -> WebhookEndpoint:
    """Register a receiver for ``events``; its secret is ``endpoint_secret``."""
    events = _clean_endpoint(url, events)
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        events=events,
        description=description.strip(),
        secret_salt=secrets.token_hex(16),
        created_by=by,
    )
    audit_record(
        actor=by,
        action="api.endpoint_create",
        target=endpoint,
        after=_endpoint_state(endpoint),
    )
    _endpoints_changed()
    return endpoint


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str,
    events: Iterable[str],
    description: str,
    active: bool,
    by,
) -> WebhookEndpoint:
    """Change an endpoint; saved back unchanged, it writes nothing."""
    events = _clean_endpoint(url, events, pk=endpoint.pk)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _endpoint_state(endpoint)
    endpoint.url, endpoint.events = url, events
    endpoint.description, endpoint.active = description.strip(), active
    after = _endpoint_state(endpoint)
    if after == before:
        return endpoint
    endpoint.save()
    audit_record(
        actor=by,
        action="api.endpoint_update",
        target=endpoint,
        before=before,
        after=after,
    )
    _endpoints_changed()
    return endpoint


@transaction.atomic
def endpoint_rotate(*, endpoint: WebhookEndpoint, by) -> WebhookEndpoint:
    """Draw a new secret: deliveries signed from now on use it."""
    endpoint.secret_salt = secrets.token_hex(16)
    endpoint.save(update_fields=["secret_salt", "updated_at"])
    audit_record(actor=by, action="api.endpoint_rotate", target=endpoint)
    return endpoint


def _subscribed_endpoints() -> list[tuple[int, list[str]]]:
    """(id, events) of the active endpoints, from the cache where it is shared."""

    def read():
        return [
            (pk, events)
            for pk, events in WebhookEndpoint.objects.filter(active=True)
            .order_by("pk")
            .values_list("pk", "events")
        ]

    if not settings.WEBHOOK_ENDPOINTS_CACHE_ENABLED:
        return read()
    try:
        kept = cache.get(ENDPOINTS_CACHE_KEY)
    except Exception:
        logger.warning("webhooks: endpoints cache unreadable", exc_info=True)
        return read()
    if kept is not None:
        return kept
    endpoints = read()
    try:
        cache.add(ENDPOINTS_CACHE_KEY, endpoints, ENDPOINTS_CACHE_TIMEOUT)
    except Exception:
        logger.warning("webhooks: endpoints cache unwritable", exc_info=True)
    return endpoints


# --- recording events ---


def webhook_event_record(
    *, audit, event_type: str, target_type: str, endpoint_ids=None
) -> WebhookEvent | None:
    """Write the event of an audited change and one delivery per endpoint that
    wants it, in the caller's transaction; hand them out after the commit.

    Nothing is written when no endpoint wants the event. Called twice for the
    same audit row, it writes nothing more.
    """
    if endpoint_ids is None:
        endpoint_ids = [
            pk for pk, events in _subscribed_endpoints() if event_type in events
        ]
    if not endpoint_ids:
        return None
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                type=event_type,
                audit_event=audit,
                target_type=target_type,
                target_id=int(audit.object_id) if audit else 0,
                change={"before": audit.before, "after": audit.after} if audit else {},
                occurred_at=audit.created_at if audit else timezone.now(),
            )
    except IntegrityError:
        return WebhookEvent.objects.get(audit_event=audit)
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint_id=pk, event=event) for pk in endpoint_ids]
    )
    ids = [d.pk for d in deliveries if d.pk]
    if not ids:  # backends that do not return ids from a bulk insert
        ids = list(event.deliveries.values_list("pk", flat=True))
    transaction.on_commit(lambda: delivery_dispatch(ids))
    return event


@transaction.atomic
def endpoint_ping(*, endpoint: WebhookEndpoint, by) -> WebhookDelivery:
    """Queue a test delivery to ``endpoint`` (a ``ping`` event)."""
    event = WebhookEvent.objects.create(
        type=EventType.PING,
        target_type="endpoint",
        target_id=endpoint.pk,
        change={"by": by.email if by else ""},
    )
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event)
    transaction.on_commit(lambda: delivery_dispatch([delivery.pk]))
    return delivery


# --- handing out ---


def delivery_dispatch(delivery_ids: Iterable[int], *, countdown: int | None = None):
    """Hand pending deliveries to Celery in batches; return the batches sent.

    Rows move from ``pending`` to ``queued`` before their task is published,
    and a task carries only the rows that moved. If the broker cannot be
    reached they go back to ``pending`` for the sweep; nothing is raised.
    """
    from .tasks import webhook_deliver_batch_task

    ids = list(dict.fromkeys(delivery_ids))
    size = max(1, settings.WEBHOOK_BATCH_SIZE)
    batches = 0
    for start in range(0, len(ids), size):
        if not broker.available():
            break
        chunk = ids[start : start + size]
        stamp = timezone.now()
        moved = status_update(
            WebhookDelivery.objects.filter(pk__in=chunk),
            WebhookDelivery.Status.QUEUED,
            before=[WebhookDelivery.Status.PENDING],
            queued_at=stamp,
        )
        if not moved:
            continue
        ours = WebhookDelivery.objects.filter(
            pk__in=chunk, status=WebhookDelivery.Status.QUEUED, queued_at=stamp
        )
        chunk = list(ours.values_list("pk", flat=True))
        if not broker.publish(webhook_deliver_batch_task, [chunk], countdown=countdown):
            status_update(
                ours,
                WebhookDelivery.Status.PENDING,
                before=[WebhookDelivery.Status.QUEUED],
            )
            break
        batches += 1
    return batches


# --- delivering ---


@dataclass
class BatchResult:
    delivered: list[int] = field(default_factory=list)
    retry: dict[int, int] = field(default_factory=dict)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A receiver that redirects is answering with a 3xx: a failure to see,
    # not a place to send signed payloads to.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _claim(delivery_id: int, now) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        status_update(
            WebhookDelivery.objects.filter(due, pk=delivery_id),
            WebhookDelivery.Status.SENDING,
            before=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.QUEUED],
            sending_started_at=now,
            attempts=F("attempts") + 1,
        )
    )


def event_body(event: WebhookEvent) -> bytes:
    """The body every delivery of ``event`` sends: made once, then kept."""
    if event.payload is None:
        from .payloads import payload_for

        payload = payload_for(event)
        # The first to store it wins; a concurrent maker reads that one.
        WebhookEvent.objects.filter(pk=event.pk, payload__isnull=True).update(
            payload=payload
        )
        event.refresh_from_db(fields=["payload"])
    return json.dumps(
        event.payload, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")
    ).encode()


def _post(delivery: WebhookDelivery, body: bytes) -> int:
    """POST the signed body; return the HTTP status (raises on no answer)."""
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - staff-registered http(s) URL
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "DASH-Mentor-Portal-Webhooks/1",
            rules.EVENT_HEADER: delivery.event.type,
            rules.DELIVERY_HEADER: str(delivery.delivery_id),
            rules.SIGNATURE_HEADER: rules.signature_header(
                endpoint_secret(delivery.endpoint), timestamp, body
            ),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _mark_failed_attempt(delivery: WebhookDelivery, now, error: str, code=None):
    """Record a failed attempt: pending with its backoff, or failed for good.

    Returns the delay of the retry, or None when no attempt is left.
    """
    attempts = WebhookDelivery.objects.values_list("attempts", flat=True).get(
        pk=delivery.pk
    )
    fields = {"last_error": error[:2000], "last_status_code": code}
    if attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        status_update(
            WebhookDelivery.objects.filter(pk=delivery.pk),
            WebhookDelivery.Status.FAILED,
            before=[WebhookDelivery.Status.SENDING],
            **fields,
        )
        return None
    delay = rules.retry_delay(
        attempts,
        base=settings.WEBHOOK_RETRY_BASE_SECONDS,
        cap=settings.WEBHOOK_RETRY_MAX_SECONDS,
    )
    status_update(
        WebhookDelivery.objects.filter(pk=delivery.pk),
        WebhookDelivery.Status.PENDING,
        before=[WebhookDelivery.Status.SENDING],
        next_attempt_at=now + dt.timedelta(seconds=delay),
        **fields,
    )
    return delay


def webhook_deliver_batch(*, delivery_ids: Iterable[int]) -> BatchResult:
    """Deliver each due delivery once: claim, sign, POST, record the answer."""
    result = BatchResult()
    ids = list(dict.fromkeys(delivery_ids))
    rows = {
        d.pk: d
        for d in WebhookDelivery.objects.filter(pk__in=ids).select_related(
            "endpoint", "event"
        )
    }
    for delivery_id in ids:
        delivery = rows.get(delivery_id)
        now = timezone.now()
        if delivery is None:
            result.skipped.append(delivery_id)
            continue
        if not delivery.endpoint.active and delivery.event.type != EventType.PING:
            # Turned off after the event: kept as failed, for a redelivery
            # once it is on again.
            status_update(
                WebhookDelivery.objects.filter(pk=delivery_id),
                WebhookDelivery.Status.FAILED,
                before=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.QUEUED],
                last_error=ENDPOINT_OFF,
            )
            result.failed.append(delivery_id)
            continue
        if not _claim(delivery_id, now):
            result.skipped.append(delivery_id)
            continue
        try:
            body = event_body(delivery.event)
            code = _post(delivery, body)
        except Exception as exc:  # no answer: refused, timed out, bad TLS...
            reason = getattr(exc, "reason", None) or exc
            delay = _mark_failed_attempt(delivery, now, f"No answer: {reason}")
        else:
            if 200 <= code < 300:
                status_update(
                    WebhookDelivery.objects.filter(pk=delivery_id),
                    WebhookDelivery.Status.DELIVERED,
                    before=[WebhookDelivery.Status.SENDING],
                    delivered_at=timezone.now(),
                    last_status_code=code,
                    last_error="",
                    next_attempt_at=None,
                )
                result.delivered.append(delivery_id)
                continue
            delay = _mark_failed_attempt(
                delivery, now, f"The receiver answered HTTP {code}.", code
            )
        if delay is None:
            result.failed.append(delivery_id)
        else:
            result.retry[delivery_id] = delay
    return result


def schedule_retries(result: BatchResult) -> None:
    """Queue the short retries now; longer ones wait in the rows for the sweep."""
    from celery import current_app

    if current_app.conf.task_always_eager:
        return  # in process there is no waiting: the sweep retries when due
    by_delay: dict[int, list[int]] = {}
    for delivery_id, delay in result.retry.items():
        if delay <= settings.CELERY_MAX_COUNTDOWN:
            by_delay.setdefault(delay, []).append(delivery_id)
    for delay, ids in by_delay.items():
        delivery_dispatch(ids, countdown=delay + 1)


# --- the sweep ---


@dataclass
class SweepResult:
    pending: int = 0
    stuck_queued: int = 0
    stuck_sending: int = 0
    given_up: int = 0


def webhook_sweep(*, now=None, limit: int = 2000) -> SweepResult:
    """Hand out again what is due, or what a dead worker or a down broker left."""
    now = now or timezone.now()
    stuck_before = now - dt.timedelta(seconds=settings.WEBHOOK_STUCK_AFTER_SECONDS)
    result = SweepResult()
    Status = WebhookDelivery.Status

    stale = WebhookDelivery.objects.filter(sending_started_at__lt=stuck_before)
    result.given_up = status_update(
        stale.filter(attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS),
        Status.FAILED,
        before=[Status.SENDING],
        last_error=ERROR_WORKER_LOST,
    )
    result.stuck_sending = status_update(
        stale,
        Status.PENDING,
        before=[Status.SENDING],
        last_error=ERROR_WORKER_LOST,
        next_attempt_at=None,
    )

    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    pending = list(
        WebhookDelivery.objects.filter(due, status=Status.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    result.pending = len(pending)
    stuck = list(
        WebhookDelivery.objects.filter(status=Status.QUEUED, queued_at__lt=stuck_before)
        .order_by("queued_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if stuck:
        result.stuck_queued = status_update(
            WebhookDelivery.objects.filter(pk__in=stuck, queued_at__lt=stuck_before),
            Status.PENDING,
            before=[Status.QUEUED],
        )
    delivery_dispatch([*pending, *stuck])
    return result


# --- staff actions ---


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Give a failed delivery a fresh set of attempts (same delivery id)."""
    changed = status_update(
        WebhookDelivery.objects.filter(pk=delivery.pk),
        WebhookDelivery.Status.PENDING,
        before=[WebhookDelivery.Status.FAILED],
        attempts=0,
        next_attempt_at=None,
        sending_started_at=None,
    )
    if not changed:
        raise ValidationError(REDELIVER_ONLY_FAILED)
    audit_record(
        actor=by,
        action="api.delivery_redeliver",
        target=delivery.endpoint,
        note=str(delivery.delivery_id),
    )
    transaction.on_commit(lambda: delivery_dispatch([delivery.pk]))
    delivery.refresh_from_db()
    return delivery
