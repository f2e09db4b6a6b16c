"""The resources of /api/v1/: each view chooses its rows with the same role
rules as the pages (the apps' ``permissions.py``), and writes only through
the apps' services, so the audit trail and e-mails are those of the pages.

Rows out of a user's reach answer 404, as on the pages: a token does not tell
whether another organization's application exists.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from affinity.models import Group, Meeting, MeetingAttendance
from applications.models import (
    Application,
    Award,
    Review,
    ReviewAssignment,
    Round,
    Score,
)
from cohorts import permissions as cohort_permissions
from cohorts.models import Attendance, CohortMember, Event, Measure, Mentorship
from dashmentor.roles import ROLE_ORDER, Role, user_roles
from peers import permissions as peer_permissions
from peers.models import CollaborationProfile

from . import filters, serializers
from .models import ApiToken, Scope
from .permissions import RoleRequired, TokenScope, is_staff


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only resource for the given ``roles`` (empty: every signed-in
    user; ``public``: anyone). Ordered by ``id`` unless asked otherwise."""

    permission_classes = [TokenScope, RoleRequired]
    roles: tuple[Role, ...] = ()
    # The write scope of a write action (set per action with @action).
    required_scope: str | None = None
    ordering = ("id",)
    ordering_fields = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return self.queryset.none()
        return self.rows()

    def rows(self):
        """The rows this request's user reaches, by the pages' rules."""
        return self.queryset.all()


# --- who am I ---


class MeView(APIView):
    """The token's owner, its roles and the token's scopes."""

    permission_classes = [TokenScope]

    @extend_schema(responses=serializers.MeSerializer)
    def get(self, request):
        user = request.user
        token = request.auth if isinstance(request.auth, ApiToken) else None
        roles = user_roles(user)
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "roles": [role.value for role in ROLE_ORDER if role in roles],
            "token": token.name if token else None,
            "scopes": [Scope.READ, *token.scopes] if token else [Scope.READ],
        }
        return Response(serializers.MeSerializer(data).data)


# --- public ---


class RoundViewSet(ReadViewSet):
    """Rounds of the program (public, as the round pages are)."""

    public = True
    serializer_class = serializers.RoundSerializer
    queryset = Round.objects.all()
    lookup_field = "slug"
    ordering_fields = ["id", "opens_at", "closes_at"]


class MentorshipViewSet(ReadViewSet):
    """Mentorships and their mentor organizations (public)."""

    public = True
    serializer_class = serializers.MentorshipSerializer
    queryset = Mentorship.objects.select_related("round", "mentor_organization")
    filterset_class = filters.MentorshipFilter


# --- applications ---


class ApplicationViewSet(ReadViewSet):
    """Applications: staff read every one with its eligibility, scores and
    decision; an applicant reads its own organization's, with the decision
    once released. Any other role reads none."""

    roles = (Role.STAFF, Role.APPLICANT)
    filterset_class = filters.ApplicationFilter
    ordering_fields = ["id", "created_at", "updated_at"]

    queryset = Application.objects.all()

    def rows(self):
        qs = Application.objects.select_related(
            "round", "organization", "decision", "award"
        ).prefetch_related(
            Prefetch("preferences", queryset=_preferences()),
        )
        user = self.request.user
        if is_staff(user):
            return qs.prefetch_related("eligibility_results")
        return qs.filter(organization__memberships__user=user)

    def get_serializer_class(self):
        if is_staff(self.request.user):
            return serializers.ApplicationStaffSerializer
        return serializers.ApplicationApplicantSerializer

    @extend_schema(
        request=serializers.DecisionWriteSerializer,
        responses={
            200: serializers.DecisionSerializer,
            409: OpenApiResponse(description="Someone else decided meanwhile."),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        required_scope=Scope.WRITE_DECISIONS,
        roles=(Role.STAFF,),
        permission_classes=[TokenScope, RoleRequired],
    )
    def decision(self, request, pk=None):
        """Record or change the application's unreleased decision (staff).

        The same service as the review desk's decision form: audited, and
        refused (409) when someone decided since ``seen_version``.
        """
        from applications.review.services import DecisionConflict, decision_record

        application = self.get_object()
        data = _valid(serializers.DecisionWriteSerializer, request)
        try:
            decision = decision_record(application=application, by=request.user, **data)
        except DecisionConflict as conflict:
            return Response(
                {
                    "detail": conflict.messages[0],
                    "decision": serializers.DecisionSerializer(conflict.decision).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(serializers.DecisionSerializer(decision).data)


def _preferences():
    from applications.models import Preference

    return Preference.objects.order_by("rank")


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- review (reviewers) ---


class AssignmentViewSet(ReadViewSet):
    """The reviewer's own assignments. An external reviewer of a blind round
    reads the application without what identifies it, as on the review desk."""

    roles = (Role.REVIEWER,)
    filterset_class = filters.AssignmentFilter
    ordering_fields = ["id", "assigned_at"]

    queryset = ReviewAssignment.objects.all()

    def rows(self):
        from applications.review.selectors import ACTIVE

        return ReviewAssignment.objects.filter(
            reviewer=self.request.user, status__in=ACTIVE
        ).select_related("application__round", "application__organization", "review")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.AssignmentDetailSerializer
        return serializers.AssignmentSerializer


class ReviewViewSet(ReadViewSet):
    """The reviewer's own reviews with their scores. Other reviewers' reviews
    are not the reviewer's to read, here as on the pages."""

    roles = (Role.REVIEWER,)
    serializer_class = serializers.ReviewSerializer

    queryset = Review.objects.all()

    def rows(self):
        return (
            Review.objects.filter(assignment__reviewer=self.request.user)
            .select_related("assignment")
            .prefetch_related(
                Prefetch(
                    "scores",
                    queryset=Score.objects.select_related("criterion").order_by(
                        "criterion__order", "criterion_id"
                    ),
                )
            )
        )


# --- awards and the mentorship year ---


class AwardViewSet(ReadViewSet):
    """Awards (staff)."""

    roles = (Role.STAFF,)
    serializer_class = serializers.AwardSerializer
    filterset_class = filters.AwardFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    queryset = Award.objects.select_related(
        "application__organization", "application__round"
    )


class CohortMemberViewSet(ReadViewSet):
    """The people of mentee organizations: staff read all, a mentor its own
    cohorts' (as the cohort page shows them, with contacts)."""

    roles = (Role.STAFF, Role.MENTOR)
    serializer_class = serializers.CohortMemberSerializer
    filterset_class = filters.CohortMemberFilter

    queryset = CohortMember.objects.all()

    def rows(self):
        qs = CohortMember.objects.select_related("award__application__organization")
        if is_staff(self.request.user):
            return qs
        return qs.filter(award__mentorship__mentors=self.request.user)


class EventViewSet(ReadViewSet):
    """Cohort events: staff all; mentors their cohorts'; mentees their
    cohort's shared events and their own check-ins."""

    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    ordering_fields = ["id", "starts_at"]

    queryset = Event.objects.all()

    def rows(self):
        return cohort_permissions.events_visible_to(self.request.user)

    @extend_schema(
        request=serializers.AttendanceWriteSerializer,
        responses={200: serializers.AttendanceSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["post"],
        required_scope=Scope.WRITE_ATTENDANCE,
        permission_classes=[TokenScope],
    )
    def attendance(self, request, pk=None):
        """Record who came (the cohort's mentors and staff), as the event's
        attendance page does: all marks or none, audited."""
        from cohorts.year.services import attendance_record

        event = self.get_object()
        if not cohort_permissions.can_manage_events(request.user, event.mentorship):
            raise NotFound(_("No such event."))
        data = _valid(serializers.AttendanceWriteSerializer, request)
        attendance_record(
            event=event,
            statuses={mark["member"]: mark["status"] for mark in data["marks"]},
            by=request.user,
        )
        rows = Attendance.objects.filter(event=event).select_related("member")
        return Response(serializers.AttendanceSerializer(rows, many=True).data)


class AttendanceViewSet(ReadViewSet):
    """Attendance at cohort events: staff all; mentors their cohorts'."""

    roles = (Role.STAFF, Role.MENTOR)
    serializer_class = serializers.AttendanceSerializer
    filterset_class = filters.AttendanceFilter
    ordering_fields = ["id", "recorded_at"]

    queryset = Attendance.objects.all()

    def rows(self):
        qs = Attendance.objects.select_related("member")
        if is_staff(self.request.user):
            return qs
        return qs.filter(event__mentorship__mentors=self.request.user)


class MeasureViewSet(ReadViewSet):
    """Success-goal measures with their progress: the mentee organization's
    own, its cohort's mentors', and staff's."""

    serializer_class = serializers.MeasureSerializer
    filterset_class = filters.MeasureFilter

    queryset = Measure.objects.all()

    def rows(self):
        awards = cohort_permissions.awards_visible_to(self.request.user)
        return (
            Measure.objects.filter(success_goal__award__in=awards.values("pk"))
            .select_related("success_goal")
            .prefetch_related("progress")
        )

    @extend_schema(
        request=serializers.ProgressWriteSerializer,
        responses={201: serializers.ProgressEntrySerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        required_scope=Scope.WRITE_PROGRESS,
        permission_classes=[TokenScope],
    )
    def progress(self, request, pk=None):
        """Log a dated value on a measure (the mentee organization, or staff),
        through the same service as the success-goal page."""
        from cohorts.year.services import progress_record

        measure = self.get_object()
        award = measure.success_goal.award
        if not cohort_permissions.can_edit_workplan(request.user, award):
            raise NotFound(_("No such measure."))
        data = _valid(serializers.ProgressWriteSerializer, request)
        entry = progress_record(award=award, measure=measure, by=request.user, **data)
        return Response(
            serializers.ProgressEntrySerializer(entry).data,
            status=status.HTTP_201_CREATED,
        )


# --- affinity groups ---


class GroupViewSet(ReadViewSet):
    """Affinity groups (every signed-in user, as the group pages)."""

    serializer_class = serializers.GroupSerializer
    filterset_class = filters.GroupFilter

    queryset = Group.objects.all()

    def rows(self):
        from affinity.selectors import _admitted_count

        return Group.objects.select_related("cycle").annotate(
            member_count=_admitted_count()
        )


class MeetingViewSet(ReadViewSet):
    """Affinity-group meetings (every signed-in user; notes and links stay
    on the pages, for the group's members)."""

    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    ordering_fields = ["id", "starts_at"]
    queryset = Meeting.objects.all()


class MeetingAttendanceViewSet(ReadViewSet):
    """Meeting attendance: staff, and each group's leaders and support staff."""

    serializer_class = serializers.MeetingAttendanceSerializer
    filterset_class = filters.MeetingAttendanceFilter

    queryset = MeetingAttendance.objects.all()

    def rows(self):
        qs = MeetingAttendance.objects.select_related("meeting", "member__user")
        user = self.request.user
        if is_staff(user):
            return qs
        groups = Group.objects.filter(Q(leaders=user) | Q(support_staff=user)).values(
            "pk"
        )
        return qs.filter(meeting__group__in=groups)


# --- the peer network ---


class CollaborationProfileViewSet(ReadViewSet):
    """Collaboration profiles where their visibility lets the user read them,
    as in the peer directory: the program's participants read those open to
    participants; anyone signed in those open to everyone signed in; a
    profile shown to nobody only its own organization's people."""

    serializer_class = serializers.CollaborationProfileSerializer
    ordering_fields = ["id", "updated_at"]
    queryset = CollaborationProfile.objects.all()

    def rows(self):
        return (
            CollaborationProfile.objects.filter(
                peer_permissions.visibility_filter(self.request.user)
            )
            .select_related("organization")
            .prefetch_related("topics", "challenges")
        )


def get_or_404(queryset, **lookup):
    try:
        return get_object_or_404(queryset, **lookup)
    except (ValueError, TypeError):
        raise NotFound()
