"""Pages: a user's own API tokens; staff's webhook endpoints and deliveries."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dashmentor.roles import Role, role_required
from dashmentor.views_support import form_add_errors, messages_add_errors, posted

from . import auth, forms, permissions, services
from .models import ApiToken, EventType, WebhookDelivery, WebhookEndpoint

ENDPOINT_DELIVERIES_PER_PAGE = 50


# --- tokens ---


@login_required
def token_list(request):
    """The user's tokens; a new one is shown once, on the page that made it."""
    secret = None
    offered = permissions.write_scopes_for(request.user)
    form = forms.TokenForm(posted(request), scopes=offered)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in"]
        try:
            token, secret = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=timezone.now() + dt.timedelta(days=int(days))
                if days
                else None,
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(
                request, gettext("Token “%(name)s” created.") % {"name": token.name}
            )
            form = forms.TokenForm(scopes=offered)
    tokens = list(ApiToken.objects.filter(user=request.user))
    used = auth.last_used(tokens)
    for token in tokens:
        token.last_used = used.get(token.pk)
        token.usable = token.is_usable()
    return render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": tokens, "secret": secret},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        services.token_revoke(token=token, by=request.user)
    except ValidationError as error:
        messages_add_errors(request, error, messages.INFO)
    else:
        messages.success(
            request, gettext("Token “%(name)s” revoked.") % {"name": token.name}
        )
    return redirect("api:token-list")


# --- webhooks (staff) ---


@role_required(Role.STAFF)
def endpoint_list(request):
    endpoints = WebhookEndpoint.objects.annotate(
        delivered=Count(
            "deliveries",
            filter=Q(deliveries__status=WebhookDelivery.Status.DELIVERED),
        ),
        failed=Count(
            "deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)
        ),
        waiting=Count(
            "deliveries",
            filter=Q(
                deliveries__status__in=[
                    WebhookDelivery.Status.PENDING,
                    WebhookDelivery.Status.QUEUED,
                    WebhookDelivery.Status.SENDING,
                ]
            ),
        ),
    )
    labels = dict(EventType.choices)
    return render(
        request,
        "api/endpoint_list.html",
        {"endpoints": endpoints, "labels": labels},
    )


def _endpoint_form_page(request, endpoint=None):
    initial = (
        {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "active": endpoint.active,
        }
        if endpoint
        else {"active": True}
    )
    form = forms.EndpointForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if endpoint is None:
                endpoint = services.endpoint_create(
                    url=data["url"],
                    events=data["events"],
                    description=data["description"],
                    by=request.user,
                )
                return _show_secret(request, endpoint, created=True)
            services.endpoint_update(endpoint=endpoint, by=request.user, **data)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, gettext("Endpoint saved."))
            return redirect("api:endpoint-detail", pk=endpoint.pk)
    return render(
        request,
        "api/endpoint_form.html",
        {"form": form, "endpoint": endpoint},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _show_secret(request, endpoint, *, created: bool):
    return render(
        request,
        "api/endpoint_secret.html",
        {
            "endpoint": endpoint,
            "secret": services.endpoint_secret(endpoint),
            "created": created,
        },
    )


@role_required(Role.STAFF)
def endpoint_create(request):
    return _endpoint_form_page(request)


@role_required(Role.STAFF)
def endpoint_edit(request, pk):
    return _endpoint_form_page(request, get_object_or_404(WebhookEndpoint, pk=pk))


@role_required(Role.STAFF)
def endpoint_detail(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    deliveries = Paginator(
        endpoint.deliveries.select_related("event").order_by("-created_at", "-id"),
        ENDPOINT_DELIVERIES_PER_PAGE,
    ).get_page(request.GET.get("page"))
    labels = dict(EventType.choices)
    return render(
        request,
        "api/endpoint_detail.html",
        {"endpoint": endpoint, "deliveries": deliveries, "labels": labels},
    )


@require_POST
@role_required(Role.STAFF)
def endpoint_rotate(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.endpoint_rotate(endpoint=endpoint, by=request.user)
    return _show_secret(request, endpoint, created=False)


@require_POST
@role_required(Role.STAFF)
def endpoint_ping(request, pk):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.endpoint_ping(endpoint=endpoint, by=request.user)
    messages.success(
        request, gettext("A test delivery is on its way; it is listed below.")
    )
    return redirect("api:endpoint-detail", pk=endpoint.pk)


@require_POST
@role_required(Role.STAFF)
def delivery_redeliver(request, pk):
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        services.delivery_redeliver(delivery=delivery, by=request.user)
    except ValidationError as error:
        messages_add_errors(request, error, messages.INFO)
    else:
        messages.success(request, gettext("The delivery will be sent again."))
    return redirect("api:endpoint-detail", pk=delivery.endpoint_id)
