"""What each resource of the API shows, per role.

Read serializers take rows their view already chose by the role rules and
fetched with everything they show (``select_related``/``prefetch_related`` in
the views), so a page of rows costs a fixed number of queries. Write
serializers are strict: an unknown field is an error, not ignored.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from affinity.models import Group, Meeting, MeetingAttendance
from applications.models import (
    Application,
    Award,
    Decision,
    ReviewAssignment,
    Round,
)
from cohorts.models import Attendance, CohortMember, Event, Measure, Mentorship
from peers.models import CollaborationProfile

UNKNOWN_FIELD = _("Unknown field.")


class StrictSerializer(serializers.Serializer):
    """Refuse fields the resource does not have (a typo must not pass silently)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [UNKNOWN_FIELD] for name in unknown}
                )
        return super().to_internal_value(data)


# --- who am I ---


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    token = serializers.CharField(allow_null=True, help_text="The token's name.")
    scopes = serializers.ListField(child=serializers.CharField())


# --- public: rounds and mentorships ---


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "opens_at",
            "closes_at",
            "time_zone",
            "award_amount",
            "awards_count",
            "contract_start",
            "contract_end",
        ]


class MentorshipSerializer(serializers.ModelSerializer):
    round = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    mentor_organization = serializers.CharField(source="mentor_organization.name")
    tags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "round",
            "topic",
            "slug",
            "description",
            "tags",
            "capacity",
            "mentor_organization",
        ]


# --- applications ---


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EligibilityResultSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    outcome = serializers.CharField()
    reason = serializers.CharField()
    override_outcome = serializers.CharField(allow_blank=True)
    override_justification = serializers.CharField(allow_blank=True)


class PreferenceSerializer(serializers.Serializer):
    mentorship = serializers.IntegerField(source="mentorship_id")
    rank = serializers.IntegerField()


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "outcome",
            "note",
            "share_feedback",
            "decided_at",
            "released_at",
            "version",
        ]


class ReleasedDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["outcome", "released_at"]


class AwardRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    mentorship = serializers.IntegerField(source="mentorship_id")


class ApplicationStaffSerializer(serializers.ModelSerializer):
    """An application as program staff read it: eligibility, scores, decision."""

    round = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization = serializers.SerializerMethodField()
    eligibility_results = EligibilityResultSerializer(many=True, read_only=True)
    preferences = PreferenceSerializer(many=True, read_only=True)
    decision = serializers.SerializerMethodField()
    award = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "round",
            "organization",
            "status",
            "collaboration_name",
            "state",
            "submitted_at",
            "first_submitted_at",
            "eligibility",
            "eligibility_results",
            "preferences",
            "reviews_assigned",
            "reviews_done",
            "score_mean",
            "score_spread",
            "score_normalized",
            "disagreement",
            "decision",
            "award",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OrganizationRefSerializer)
    def get_organization(self, application):
        org = application.applicant
        return {"id": application.organization_id, "name": org.name}

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, application):
        decision = getattr(application, "decision", None)
        return DecisionSerializer(decision).data if decision else None

    @extend_schema_field(AwardRefSerializer(allow_null=True))
    def get_award(self, application):
        award = getattr(application, "award", None)
        return AwardRefSerializer(award).data if award else None


class ApplicationApplicantSerializer(serializers.ModelSerializer):
    """An application as its organization reads it: no scores, and the
    decision only once it is released."""

    round = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization = serializers.SerializerMethodField()
    preferences = PreferenceSerializer(many=True, read_only=True)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "round",
            "organization",
            "status",
            "collaboration_name",
            "submitted_at",
            "first_submitted_at",
            "preferences",
            "decision",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OrganizationRefSerializer)
    def get_organization(self, application):
        return {"id": application.organization_id, "name": application.applicant.name}

    @extend_schema_field(ReleasedDecisionSerializer(allow_null=True))
    def get_decision(self, application):
        decision = getattr(application, "decision", None)
        if decision is None or decision.released_at is None:
            return None
        return ReleasedDecisionSerializer(decision).data


class DecisionWriteSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )
    share_feedback = serializers.BooleanField(required=False, default=False)
    seen_version = serializers.IntegerField(
        min_value=0,
        max_value=1_000_000,
        help_text="The decision version you last read (0 for none): a decision "
        "saved by someone else since is not overwritten (409).",
    )


# --- review ---


class AssignmentSerializer(serializers.ModelSerializer):
    """A reviewer's assignment; the title is blinded as the review desk does."""

    application = serializers.IntegerField(source="application_id")
    round = serializers.CharField(source="application.round.slug")
    title = serializers.SerializerMethodField()
    review_submitted_at = serializers.SerializerMethodField()

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "application",
            "round",
            "title",
            "status",
            "assigned_at",
            "review_submitted_at",
        ]

    def get_title(self, assignment) -> str:
        from applications.review.selectors import application_title_for

        return application_title_for(
            self.context["request"].user, assignment.application
        )

    def get_review_submitted_at(self, assignment) -> str | None:
        review = getattr(assignment, "review", None)
        if review is None or review.submitted_at is None:
            return None
        return serializers.DateTimeField().to_representation(review.submitted_at)


class PartnerViewSerializer(serializers.Serializer):
    name = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    sectors = serializers.ListField(child=serializers.CharField())
    role = serializers.CharField(allow_blank=True)


class AnswerViewSerializer(serializers.Serializer):
    prompt = serializers.CharField()
    text = serializers.CharField(allow_blank=True)


class AssignmentApplicationSerializer(serializers.Serializer):
    """The application as the review desk shows it to this reviewer."""

    id = serializers.IntegerField(source="application.pk")
    blind = serializers.BooleanField()
    withheld = serializers.ListField(child=serializers.CharField())
    title = serializers.CharField()
    organization = serializers.DictField(allow_null=True)
    collaboration_name = serializers.CharField(allow_null=True, allow_blank=True)
    collaboration_status = serializers.CharField(allow_blank=True)
    collaboration_description = serializers.CharField(allow_blank=True)
    partners = PartnerViewSerializer(many=True)
    learning_goal = serializers.CharField(allow_blank=True)
    answers = serializers.SerializerMethodField()
    preferences = serializers.SerializerMethodField()

    @extend_schema_field(AnswerViewSerializer(many=True))
    def get_answers(self, view):
        return [
            {"prompt": prompt, "text": text} for prompt, text, _limit in view.answers
        ]

    @extend_schema_field(PreferenceSerializer(many=True))
    def get_preferences(self, view):
        return PreferenceSerializer(view.preferences, many=True).data


class AssignmentDetailSerializer(AssignmentSerializer):
    application_file = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "application_file"]

    @extend_schema_field(AssignmentApplicationSerializer)
    def get_application_file(self, assignment):
        from applications.review.selectors import application_view

        view = application_view(
            assignment.application, viewer=self.context["request"].user
        )
        return AssignmentApplicationSerializer(view).data


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField(source="criterion.key")
    value = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    application = serializers.IntegerField(source="assignment.application_id")
    overall_comment = serializers.CharField(allow_blank=True)
    weighted_total = serializers.DecimalField(
        max_digits=8, decimal_places=3, allow_null=True
    )
    submitted_at = serializers.DateTimeField(allow_null=True)
    scores = ScoreSerializer(many=True)


# --- awards and the mentorship year ---


class AwardSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id")
    organization = serializers.SerializerMethodField()
    mentorship = serializers.IntegerField(source="mentorship_id")
    round = serializers.CharField(source="application.round.slug")

    class Meta:
        model = Award
        fields = [
            "id",
            "application",
            "organization",
            "round",
            "mentorship",
            "amount",
            "contract_start",
            "contract_end",
            "status",
            "offer_expires_at",
            "from_waitlist",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OrganizationRefSerializer)
    def get_organization(self, award):
        org = award.application.organization
        return {"id": org.pk, "name": org.name}


class CohortMemberSerializer(serializers.ModelSerializer):
    award = serializers.IntegerField(source="award_id")
    mentorship = serializers.IntegerField(source="award.mentorship_id")
    organization = serializers.CharField(source="award.application.organization.name")

    class Meta:
        model = CohortMember
        fields = [
            "id",
            "award",
            "mentorship",
            "organization",
            "name",
            "email",
            "role",
            "active",
            "joined_at",
            "left_at",
        ]


class EventSerializer(serializers.ModelSerializer):
    mentorship = serializers.IntegerField(source="mentorship_id")
    award = serializers.IntegerField(source="award_id", allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "mentorship",
            "award",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "agenda",
        ]


class AttendanceSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id")
    member = serializers.IntegerField(source="member_id")
    award = serializers.IntegerField(source="member.award_id")

    class Meta:
        model = Attendance
        fields = ["id", "event", "member", "award", "status", "recorded_at"]


class AttendanceMarkSerializer(StrictSerializer):
    member = serializers.IntegerField(min_value=1, max_value=2**62)
    status = serializers.ChoiceField(choices=Attendance.Status.choices)


class AttendanceWriteSerializer(StrictSerializer):
    marks = AttendanceMarkSerializer(many=True, allow_empty=False, max_length=500)

    def validate_marks(self, marks):
        members = [mark["member"] for mark in marks]
        if len(members) != len(set(members)):
            raise serializers.ValidationError(_("A member is marked twice."))
        return marks


class ProgressEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    note = serializers.CharField(allow_blank=True)


class MeasureSerializer(serializers.ModelSerializer):
    award = serializers.IntegerField(source="success_goal.award_id")
    progress = ProgressEntrySerializer(many=True)

    class Meta:
        model = Measure
        fields = ["id", "award", "name", "unit", "baseline", "target", "progress"]


class ProgressWriteSerializer(StrictSerializer):
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )


# --- affinity groups ---


class GroupSerializer(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.name")
    members = serializers.IntegerField(source="member_count")

    class Meta:
        model = Group
        fields = [
            "id",
            "cycle",
            "topic",
            "slug",
            "description",
            "learning_goals",
            "cadence",
            "capacity",
            "members",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    group = serializers.IntegerField(source="group_id")

    class Meta:
        model = Meeting
        fields = ["id", "group", "title", "starts_at", "agenda"]


class MeetingAttendanceSerializer(serializers.ModelSerializer):
    meeting = serializers.IntegerField(source="meeting_id")
    group = serializers.IntegerField(source="meeting.group_id")
    member = serializers.IntegerField(source="member_id")
    name = serializers.CharField(source="member.user.full_name")

    class Meta:
        model = MeetingAttendance
        fields = ["id", "meeting", "group", "member", "name", "present", "recorded_at"]


# --- the peer network ---


class CollaborationProfileSerializer(serializers.ModelSerializer):
    """A collaboration profile as the directory shows it (never contacts)."""

    organization = serializers.CharField(source="organization.name")
    partner_sectors = serializers.ListField(child=serializers.CharField())
    data_systems = serializers.ListField(child=serializers.CharField())
    data_systems_planned = serializers.ListField(child=serializers.CharField())
    populations = serializers.ListField(child=serializers.CharField())
    topics = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    challenges = serializers.SlugRelatedField(
        slug_field="text", many=True, read_only=True
    )

    class Meta:
        model = CollaborationProfile
        fields = [
            "id",
            "organization",
            "visibility",
            "works_on",
            "offers",
            "partner_sectors",
            "data_systems",
            "data_systems_planned",
            "populations",
            "topics",
            "challenges",
            "state",
            "region",
            "updated_at",
        ]
