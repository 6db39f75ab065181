"""Pages of the networks app, mounted at /networks/."""

from django.urls import URLPattern, URLResolver, path

from pourparler.networks import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("bearer/<uuid:bearer_pk>/", views.bearer_networks, name="networks_bearer"),
]
