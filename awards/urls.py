from django.urls import path

from . import views

app_name = "awards"

ROUND = "rounds/<int:round_id>/"
AWARD = "<int:award_id>/"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("reports/", views.reports_waiting, name="reports-waiting"),
    path(ROUND, views.round_closeout, name="round"),
    path(ROUND + "letter/", views.letter_template, name="letter-template"),
    path(ROUND + "schedule/", views.schedule, name="schedule"),
    path(ROUND + "questions/", views.report_questions, name="report-questions"),
    path(ROUND + "payments/", views.payments, name="payments"),
    path(ROUND + "payments.csv", views.payments_csv, name="payments-csv"),
    path(ROUND + "funder/", views.funder_report, name="funder-report"),
    path(ROUND + "funder.pdf", views.funder_report_pdf, name="funder-report-pdf"),
    path(ROUND + "funder.csv", views.funder_report_csv, name="funder-report-csv"),
    path(
        ROUND + "funder/refresh/",
        views.funder_report_refresh,
        name="funder-report-refresh",
    ),
    path("tranches/<int:tranche_id>/pay/", views.tranche_pay, name="tranche-pay"),
    path(AWARD, views.award, name="award"),
    path(AWARD + "letter/issue/", views.letter_issue, name="letter-issue"),
    path(AWARD + "letter/accept/", views.letter_accept, name="letter-accept"),
    path(AWARD + "letter/upload/", views.letter_upload, name="letter-upload"),
    path(
        AWARD + "letter/countersign/",
        views.letter_countersign,
        name="letter-countersign",
    ),
    path(AWARD + "letters/<int:number>.pdf", views.letter_pdf, name="letter-pdf"),
    path(
        AWARD + "letters/<int:number>/signed/",
        views.letter_signed,
        name="letter-signed",
    ),
    path(AWARD + "report/", views.report, name="report"),
    path(AWARD + "report/submit/", views.report_submit, name="report-submit"),
    path(AWARD + "report/comment/", views.report_comment, name="report-comment"),
    path(AWARD + "report/decide/", views.report_decide, name="report-decide"),
    path(
        AWARD + "report/versions/<int:number>/",
        views.report_version,
        name="report-version",
    ),
    path(AWARD + "report/files/", views.report_attach, name="report-attach"),
    path(
        AWARD + "report/files/<int:attachment_id>/delete/",
        views.report_detach,
        name="report-detach",
    ),
    path(
        AWARD + "report/documents/<int:document_id>/",
        views.report_file,
        name="report-file",
    ),
]
