"""Pages of the concerns app, mounted at /concerns/."""

from django.urls import path

from pourparler.concerns import views

urlpatterns = [
    path("", views.concern_list, name="concern_list"),
    path("figures/", views.concern_figures, name="concern_figures"),
    path("new/", views.concern_create, name="concern_create"),
    path("<uuid:pk>/", views.concern_detail, name="concern_detail"),
    path("<uuid:pk>/edit/", views.concern_edit, name="concern_edit"),
    path("<uuid:pk>/delete/", views.concern_delete, name="concern_delete"),
    path("<uuid:pk>/status/", views.concern_status, name="concern_status"),
    path(
        "<uuid:pk>/representations/new/",
        views.representation_create,
        name="representation_create",
    ),
    path("<uuid:pk>/responses/new/", views.response_create, name="concern_response_create"),
    path("<uuid:pk>/sources/new/", views.source_create, name="concern_source_create"),
    path("<uuid:pk>/follow-ups/new/", views.follow_up_create, name="concern_follow_up_create"),
    path(
        "representations/<uuid:pk>/edit/",
        views.representation_edit,
        name="representation_edit",
    ),
    path(
        "representations/<uuid:pk>/delete/",
        views.representation_delete,
        name="representation_delete",
    ),
    path("responses/<uuid:pk>/edit/", views.response_edit, name="concern_response_edit"),
    path("responses/<uuid:pk>/delete/", views.response_delete, name="concern_response_delete"),
    path("sources/<uuid:pk>/delete/", views.source_delete, name="concern_source_delete"),
    path("follow-ups/<uuid:pk>/done/", views.follow_up_done, name="concern_follow_up_done"),
]
