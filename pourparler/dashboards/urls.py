"""Pages of the dashboards app, mounted at /dashboards/."""

from django.urls import URLPattern, URLResolver, path

from pourparler.dashboards import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.delegation_dashboard, name="dashboard"),
    path("headquarters/", views.headquarters_dashboard, name="dashboard_headquarters"),
    path("export/<slug:key>.<str:fmt>", views.delegation_export, name="dashboard_export"),
    path(
        "headquarters/export/<slug:key>.<str:fmt>",
        views.headquarters_export,
        name="dashboard_headquarters_export",
    ),
]
