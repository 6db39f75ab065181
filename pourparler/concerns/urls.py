"""Pages of the concerns app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
