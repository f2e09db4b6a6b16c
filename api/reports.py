"""Reports as aggregates: the figures the staff report pages show, computed
by the same code (and kept the same way), so the same small-cell protection
applies. Anonymous survey answers never leave as rows: a question gives
counts, shares and summaries only, and free texts only their number."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from dashmentor.roles import Role

from .permissions import RoleRequired, TokenScope

ROUND_PARAMETER = OpenApiParameter(
    "round",
    str,
    description="The round's slug; without it, the round the dashboard opens on.",
)
CYCLE_PARAMETER = OpenApiParameter(
    "cycle", int, description="The affinity cycle's id; without it, the latest."
)


class StaffReportView(APIView):
    permission_classes = [TokenScope, RoleRequired]
    roles = (Role.STAFF,)


# --- the program dashboard ---


class CohortSummarySerializer(serializers.Serializer):
    mentorship = serializers.IntegerField(source="mentorship.pk")
    topic = serializers.CharField(source="mentorship.topic")
    mentees = serializers.IntegerField(source="mentee_count")
    plans_approved = serializers.IntegerField()
    plans_awaiting_review = serializers.IntegerField()
    plans_changes_requested = serializers.IntegerField(source="plans_changes")
    plans_not_filed = serializers.IntegerField()
    attendance_percent = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.IntegerField(allow_null=True)
    surveys_completed = serializers.IntegerField()
    quiet = serializers.SerializerMethodField()
    last_check_in = serializers.DateField(allow_null=True)

    def get_quiet(self, summary) -> int:
        return len(summary.quiet_rows)


class ProgramReportSerializer(serializers.Serializer):
    round = serializers.CharField()
    as_of = serializers.DateTimeField(allow_null=True)
    cohorts = CohortSummarySerializer(many=True)


class ProgramReportView(StaffReportView):
    """Every cohort of a round rolled up, as the program dashboard shows it."""

    @extend_schema(parameters=[ROUND_PARAMETER], responses=ProgramReportSerializer)
    def get(self, request):
        from django.utils import timezone

        from cohorts.year import selectors
        from cohorts.year.reports import program_summary

        rounds = list(selectors.round_list_with_cohorts())
        slug = request.query_params.get("round")
        if slug is None:
            round_ = selectors.default_round(rounds, timezone.localdate())
        else:
            round_ = next((r for r in rounds if r.slug == slug), None)
        if round_ is None:
            raise NotFound(_("No such round."))
        summaries, as_of = program_summary(round_=round_)
        data = {"round": round_.slug, "as_of": as_of, "cohorts": summaries}
        return Response(ProgramReportSerializer(data).data)


# --- survey results ---


class ChoiceCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class NumberSummarySerializer(serializers.Serializer):
    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    minimum = serializers.FloatField(allow_null=True)
    maximum = serializers.FloatField(allow_null=True)
    stdev = serializers.FloatField(allow_null=True)


class QuestionFiguresSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    section = serializers.CharField(allow_blank=True)
    prompt = serializers.CharField()
    kind = serializers.CharField()
    answered = serializers.IntegerField()
    choices = serializers.SerializerMethodField()
    mean = serializers.FloatField(allow_null=True)
    summary = NumberSummarySerializer(allow_null=True)
    text_answers = serializers.SerializerMethodField(
        help_text="How many wrote something; the texts stay on the report page."
    )

    @extend_schema_field(ChoiceCountSerializer(many=True))
    def get_choices(self, question):
        return [
            {"label": label, "count": count, "percent": percent}
            for label, count, percent in question.rows
        ]

    def get_text_answers(self, question) -> int:
        return len(question.texts)


class RateRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    invited = serializers.IntegerField()
    completed = serializers.IntegerField(allow_null=True)
    rate = serializers.FloatField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class BreakdownRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    respondents = serializers.IntegerField(allow_null=True)
    means = serializers.ListField(child=serializers.FloatField(allow_null=True))
    reason = serializers.CharField(allow_blank=True)


class SurveyReportSerializer(serializers.Serializer):
    survey = serializers.IntegerField(source="survey.pk")
    title = serializers.CharField(source="survey.title")
    anonymous = serializers.BooleanField(source="survey.anonymous")
    status = serializers.CharField(source="survey.status")
    minimum_group_size = serializers.IntegerField(source="k")
    invited = serializers.IntegerField()
    completed = serializers.IntegerField()
    released = serializers.IntegerField()
    waiting = serializers.IntegerField()
    completion = RateRowSerializer(many=True, source="rate_rows")
    questions = QuestionFiguresSerializer(many=True)
    breakdown = BreakdownRowSerializer(many=True)
    notes = serializers.SerializerMethodField()

    def get_notes(self, report) -> list[str]:
        return [
            text
            for text in (
                report.hidden_message,
                report.waiting_message,
                report.suppression_note,
            )
            if text
        ]


class SurveyReportView(StaffReportView):
    """A survey's results as figures, from the same kept report as its page."""

    @extend_schema(responses=SurveyReportSerializer)
    def get(self, request, pk: int):
        from surveys.models import Survey
        from surveys.reports import cached_survey_report

        survey = get_object_or_404(Survey, pk=pk)
        report, _as_of = cached_survey_report(survey)
        return Response(SurveyReportSerializer(report).data)


# --- affinity attendance ---


class MeetingPointSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting.pk")
    number = serializers.IntegerField()
    present = serializers.IntegerField()
    recorded = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class GroupSeriesSerializer(serializers.Serializer):
    group = serializers.IntegerField(source="group.pk")
    topic = serializers.CharField(source="group.topic")
    members = serializers.IntegerField(source="group.member_count")
    tapers = serializers.BooleanField()
    meetings = MeetingPointSerializer(many=True, source="points")


class AffinityAttendanceSerializer(serializers.Serializer):
    cycle = serializers.CharField(source="cycle.name")
    groups = GroupSeriesSerializer(many=True, source="series")


class AffinityAttendanceView(StaffReportView):
    """Attendance per group per meeting over a cycle (the affinity report)."""

    @extend_schema(parameters=[CYCLE_PARAMETER], responses=AffinityAttendanceSerializer)
    def get(self, request):
        from affinity.selectors import attendance_report, cycle_get, cycle_list

        cycle = cycle_get(cycle_list(), request.query_params.get("cycle"))
        if cycle is None:
            raise NotFound(_("No such cycle."))
        return Response(
            AffinityAttendanceSerializer(attendance_report(cycle=cycle)).data
        )
