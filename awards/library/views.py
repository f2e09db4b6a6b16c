"""The resource library: the public "Resources" pages, what mentors and
mentees share into it, and the program office's review before publication."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from applications.models import Award
from cohorts.models import CohortMember, Mentorship
from dashmentor.models import Membership, Organization
from dashmentor.params import id_param
from dashmentor.roles import Role, has_role, role_required
from dashmentor.views_support import form_add_errors, messages_add_errors

from .. import forms, permissions, selectors, services
from ..models import Resource
from ..views import _download

PAGE_SIZE = 20
SHARERS = (Role.MENTOR, Role.MENTEE, Role.ALUMNI)


def resource_list(request):
    """Published resources: search, filters, twenty a page."""
    topics = selectors.topic_vocabulary()
    form = forms.ResourceFilterForm(request.GET or None, topics=topics)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.published_resources(
        q=filters.get("q", ""),
        topic=filters.get("topic", ""),
        sector=filters.get("sector", ""),
        kind=filters.get("kind", ""),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "awards/resource_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(filters and any(filters.values())),
        },
    )


def resource_detail(request, slug):
    resource = permissions.get_resource_for_user(request.user, slug=slug)
    return render(
        request,
        "awards/resource_detail.html",
        {
            "resource": resource,
            "can_edit": permissions.can_edit_resource(request.user, resource),
            "is_staff": has_role(request.user, Role.STAFF),
            "review_form": forms.ResourceReviewForm(),
        },
    )


def resource_file(request, slug):
    resource = permissions.get_resource_for_user(request.user, slug=slug)
    if resource.document is None:
        raise Http404("No file.")
    return _download(resource.document)


@role_required(*SHARERS)
def resource_mine(request):
    return render(
        request,
        "awards/resource_mine.html",
        {"resources": list(selectors.resources_of_user(request.user)[:200])},
    )


def _sharing_context(user, award_id):
    """(award, mentorship, organizations) a new resource is credited to."""
    if award_id is not None:
        award = permissions.get_award(user, award_id)
        if not permissions.can_write_report(user, award):
            raise Http404("No such award.")
        return award, award.mentorship, [award.application.organization]
    if has_role(user, Role.MENTOR):
        mentorship = (
            Mentorship.objects.filter(mentors=user)
            .select_related("mentor_organization")
            .order_by("-round__contract_start")
            .first()
        )
        orgs = list(
            Organization.objects.filter(
                memberships__user=user, memberships__role=Membership.Role.MENTOR
            )
        )
        if mentorship and mentorship.mentor_organization not in orgs:
            orgs.append(mentorship.mentor_organization)
        return None, mentorship, orgs
    member = (
        CohortMember.objects.filter(
            user=user, active=True, award__status__in=Award.ACTIVE
        )
        .select_related("award__application__organization", "award__mentorship")
        .order_by("-award__contract_start")
        .first()
    )
    if member is None:
        raise Http404("No award to share from.")
    award = member.award
    return award, award.mentorship, [award.application.organization]


def _values(form) -> dict:
    c = form.cleaned_data
    return {k: c[k] for k in services.RESOURCE_FIELDS}


@role_required(*SHARERS)
def resource_create(request):
    """Share a product or resource: saved as a draft, then sent for review."""
    award_id = id_param(request.GET, "award")
    award, mentorship, orgs = _sharing_context(request.user, award_id)
    form = forms.ResourceForm(
        request.POST or None, request.FILES or None, topics=selectors.topic_vocabulary()
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                resource = services.resource_save(
                    by=request.user,
                    award=award,
                    mentorship=mentorship,
                    organizations=orgs,
                    upload=form.cleaned_data.get("file"),
                    **_values(form),
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                return _after_save(request, resource)
        status = 400
    return render(
        request,
        "awards/resource_form.html",
        {"form": form, "award": award, "resource": None},
        status=status,
    )


def _after_save(request, resource):
    if "submit" in request.POST:
        try:
            services.resource_submit(resource=resource, by=request.user)
        except ValidationError as exc:
            messages_add_errors(request, exc)
            return redirect("resources:edit", resource.pk)
        messages.success(
            request,
            "Sent to the program office: they review it before it is published.",
        )
    else:
        messages.success(request, "Your draft is saved.")
    return redirect("resources:mine")


@role_required(*SHARERS)
def resource_edit(request, pk):
    resource = permissions.get_editable_resource(request.user, pk)
    initial = {
        "title": resource.title,
        "summary": resource.summary,
        "kind": resource.kind,
        "link": resource.link,
        "topics": resource.topics,
        "sectors": resource.sectors,
        "license": resource.license,
        "authors": resource.authors,
    }
    form = forms.ResourceForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        topics=sorted(
            set(selectors.topic_vocabulary()) | set(resource.topics), key=str.lower
        ),
        has_file=bool(resource.document_id),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                resource = services.resource_save(
                    by=request.user,
                    resource=resource,
                    organizations=list(resource.organizations.all()),
                    upload=form.cleaned_data.get("file"),
                    **_values(form),
                )
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                return _after_save(request, resource)
        status = 400
    return render(
        request,
        "awards/resource_form.html",
        {"form": form, "award": resource.award, "resource": resource},
        status=status,
    )


@require_POST
@role_required(*SHARERS)
def resource_submit(request, pk):
    resource = permissions.get_editable_resource(request.user, pk)
    try:
        services.resource_submit(resource=resource, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(request, "Sent to the program office for review.")
    return redirect("resources:mine")


@role_required(Role.STAFF)
def review_list(request):
    return render(
        request,
        "awards/resource_review_list.html",
        {
            "resources": list(selectors.resources_to_review()[:200]),
            "published": Resource.objects.filter(
                status=Resource.Status.PUBLISHED
            ).count(),
            "review_form": forms.ResourceReviewForm(),
        },
    )


@require_POST
@role_required(Role.STAFF)
def resource_review(request, pk):
    resource = permissions.get_resource_for_user(request.user, pk=pk)
    form = forms.ResourceReviewForm(request.POST)
    if form.is_valid():
        publish = form.cleaned_data["decision"] == "publish"
        try:
            services.resource_review(
                resource=resource,
                publish=publish,
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            messages_add_errors(request, exc)
        else:
            messages.success(
                request,
                f"“{resource.title}” is published on the Resources page."
                if publish
                else f"Changes are requested for “{resource.title}”.",
            )
    else:
        messages.error(request, "Choose whether to publish it or ask for changes.")
    return redirect("resources:review-list")


@require_POST
@role_required(Role.STAFF)
def resource_withdraw(request, pk):
    resource = permissions.get_resource_for_user(request.user, pk=pk)
    try:
        services.resource_withdraw(resource=resource, by=request.user)
    except ValidationError as exc:
        messages_add_errors(request, exc)
    else:
        messages.success(request, f"“{resource.title}” is no longer published.")
    return redirect("resources:review-list")
