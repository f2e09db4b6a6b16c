"""The resource library at /resources/ (namespace ``resources``)."""

from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("mine/", views.resource_mine, name="mine"),
    path("new/", views.resource_create, name="create"),
    path("review/", views.review_list, name="review-list"),
    path("<int:pk>/edit/", views.resource_edit, name="edit"),
    path("<int:pk>/submit/", views.resource_submit, name="submit"),
    path("<int:pk>/review/", views.resource_review, name="review"),
    path("<int:pk>/withdraw/", views.resource_withdraw, name="withdraw"),
    path("<slug:slug>/", views.resource_detail, name="detail"),
    path("<slug:slug>/file/", views.resource_file, name="file"),
]
