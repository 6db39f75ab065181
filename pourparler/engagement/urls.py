"""Pages of the engagement planner, mounted at /engagement/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
