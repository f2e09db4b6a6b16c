"""The portal's URLs plus two probes, for bench/request_profile.py only.

The probes split a signed-in page's fixed cost in two: ``touch-user`` loads the
session and the user and answers nothing; ``base-page`` renders an empty page on
templates/base.html, with its context processors and menus.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from dashmentor.urls import urlpatterns as portal_urlpatterns


def touch_user(request):
    return HttpResponse(str(request.user.pk), content_type="text/plain")


def base_page(request):
    return render(request, "base.html")


urlpatterns = [
    path("bench-probe/touch-user/", touch_user, name="bench-probe-touch-user"),
    path("bench-probe/base-page/", base_page, name="bench-probe-base-page"),
    *portal_urlpatterns,
]

handler400 = "dashmentor.views.error_400"
handler403 = "dashmentor.views.error_403"
handler404 = "dashmentor.views.error_404"
handler500 = "dashmentor.views.error_500"
