"""Pages of the integration app."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
