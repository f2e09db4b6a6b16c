from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("peers/challenges/", views.challenge_list, name="challenges"),
    path("peers/challenges/new/", views.challenge_create, name="challenge-create"),
    path("peers/challenges/<int:pk>/", views.challenge_detail, name="challenge"),
    path(
        "peers/challenges/<int:pk>/reply/",
        views.challenge_reply,
        name="challenge-reply",
    ),
    path(
        "peers/challenges/<int:pk>/close/",
        views.challenge_close,
        name="challenge-close",
    ),
    path(
        "peers/challenges/<int:pk>/bring/",
        views.challenge_bring,
        name="challenge-bring",
    ),
    path(
        "peers/challenges/replies/<int:pk>/helpful/",
        views.reply_helpful,
        name="reply-helpful",
    ),
    path(
        "peers/challenges/replies/<int:pk>/hide/",
        views.reply_hide,
        name="reply-hide",
    ),
    path("discussions/", views.space_list, name="spaces"),
    path("discussions/search/", views.search, name="search"),
    path("discussions/activity/", views.activity, name="activity"),
    path("discussions/email/", views.email_settings, name="email-settings"),
    path("discussions/threads/<int:pk>/", views.thread_detail, name="thread"),
    path("discussions/threads/<int:pk>/post/", views.post_create, name="post-create"),
    path("discussions/threads/<int:pk>/lock/", views.thread_lock, name="thread-lock"),
    path("discussions/posts/<int:pk>/hide/", views.post_hide, name="post-hide"),
    path("discussions/in/<str:token>/", views.signin, name="signin"),
    path(
        "discussions/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    # Last: a space is named by its kind (cohort or group) and owner.
    path("discussions/<str:kind>/<int:owner>/", views.space_detail, name="space"),
    path(
        "discussions/<str:kind>/<int:owner>/new/",
        views.thread_create,
        name="thread-create",
    ),
    path(
        "discussions/<str:kind>/<int:owner>/meetings/<int:meeting>/thread/",
        views.meeting_thread,
        name="meeting-thread",
    ),
]
