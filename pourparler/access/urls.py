"""Pages of the access app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
