"""Pages of the negotiation app, mounted at /negotiation/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
