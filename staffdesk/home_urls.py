"""The staff home keeps its un-namespaced name, ``staff-home``, that every
role's landing and breadcrumb names."""

from django.urls import path

from . import views

urlpatterns = [path("", views.staff_home, name="staff-home")]
