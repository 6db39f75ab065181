"""Pages of the exchange app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
