"""Pages of the briefs app, mounted at /briefs/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
