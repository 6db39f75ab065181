"""Pages of the engagement planner, mounted at /engagement/."""

from django.urls import URLPattern, URLResolver, path

from pourparler.engagement import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("bearer/<uuid:bearer_pk>/", views.bearer_plan, name="engagement_plan"),
]
