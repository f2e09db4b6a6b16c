from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from notifications.views import PasswordResetView

from . import health, views

handler400 = "dashmentor.views.error_400"
handler403 = "dashmentor.views.error_403"
handler404 = "dashmentor.views.error_404"
handler500 = "dashmentor.views.error_500"

admin.site.site_header = "DASH Mentor Portal — program office"
admin.site.site_title = "DASH Mentor Portal"
admin.site.index_title = "Program administration"

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("home/", views.home, name="home"),
    path("staff/", include("staffdesk.home_urls")),
    path("staff/", include("staffdesk.urls")),
    path("health/", health.health, name="health"),
    path("health/live/", health.live, name="health-live"),
    path("language/", views.language_set, name="language-set"),
    path(
        "jsi18n/<str:language>/",
        views.javascript_catalog,
        name="javascript-catalog",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("notifications/", include("notifications.urls")),
    path("apply/", include("applications.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("surveys/", include("surveys.urls")),
    path("groups/", include("affinity.urls")),
    path("awards/", include("awards.urls")),
    path("resources/", include("awards.library.urls")),
    # Challenges under /peers/challenges/, spaces under /discussions/.
    path("", include("discussions.urls")),
    path("peers/", include("peers.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
