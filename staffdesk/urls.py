from django.urls import path

from . import views

app_name = "staffdesk"

urlpatterns = [
    path("messages/", views.mailing_list, name="mailing-list"),
    path("messages/new/", views.mailing_compose, name="mailing-compose"),
    path("messages/<int:pk>/", views.mailing_detail, name="mailing-detail"),
    path("messages/templates/new/", views.template_edit, name="template-create"),
    path("messages/templates/<int:pk>/", views.template_edit, name="template-edit"),
    path(
        "messages/templates/<int:pk>/delete/",
        views.template_delete,
        name="template-delete",
    ),
    path("reviews/late/", views.late_reviews, name="late-reviews"),
    path(
        "reviews/schedule/<slug:slug>/", views.review_schedule, name="review-schedule"
    ),
    path("to-do/<slug:which>/", views.todo, name="todo"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<slug:slug>/", views.report_page, name="report"),
    path("reports/<slug:slug>.csv", views.report_csv, name="report-csv"),
    path("audit/", views.audit_trail, name="audit"),
]
