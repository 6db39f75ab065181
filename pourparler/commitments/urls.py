"""Pages of the commitments app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
