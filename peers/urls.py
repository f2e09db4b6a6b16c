from django.urls import path

from . import views

app_name = "peers"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("mine/", views.network, name="network"),
    path("profile/", views.my_profile, name="my-profile"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile-detail"),
    path("profiles/<int:pk>/edit/", views.profile_edit, name="profile-edit"),
    path("profiles/<int:pk>/prefill/", views.profile_prefill, name="profile-prefill"),
    path(
        "profiles/<int:pk>/introduce/",
        views.introduction_request,
        name="introduction-request",
    ),
    path("profiles/<int:pk>/block/", views.block, name="block"),
    path("blocks/<int:pk>/remove/", views.unblock, name="unblock"),
    path(
        "introductions/<int:pk>/",
        views.introduction_detail,
        name="introduction-detail",
    ),
    path(
        "introductions/<int:pk>/answer/",
        views.introduction_respond,
        name="introduction-respond",
    ),
    path(
        "introductions/<int:pk>/withdraw/",
        views.introduction_withdraw,
        name="introduction-withdraw",
    ),
    path("introductions/new/", views.introduction_broker, name="introduction-broker"),
    path("alumni/", views.alumni_home, name="alumni-home"),
    path(
        "groups/members/<int:member_pk>/suggest/",
        views.group_move_suggest,
        name="group-move-suggest",
    ),
    path(
        "groups/moves/<int:pk>/answer/",
        views.group_move_respond,
        name="group-move-respond",
    ),
    path("report/", views.network_report, name="report"),
    path("report/network.svg", views.network_svg, name="report-svg"),
    path("report/<slug:table>.csv", views.network_csv, name="report-csv"),
]
