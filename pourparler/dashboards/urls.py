"""Pages of the dashboards app, mounted at /dashboards/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
