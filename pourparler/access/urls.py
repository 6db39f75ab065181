"""Pages of the access app: the overview, then each kind of record."""

from django.urls import path

from pourparler.access import views

urlpatterns = [
    path("", views.access_overview, name="access_overview"),
    path("acceptance/", views.acceptance_list, name="acceptance_list"),
    path("acceptance/new/", views.acceptance_create, name="acceptance_create"),
    path("acceptance/<uuid:pk>/", views.acceptance_detail, name="acceptance_detail"),
    path("acceptance/<uuid:pk>/edit/", views.acceptance_edit, name="acceptance_edit"),
    path("acceptance/<uuid:pk>/delete/", views.acceptance_delete, name="acceptance_delete"),
    path("passages/", views.passage_list, name="passage_list"),
    path("passages/new/", views.passage_create, name="passage_create"),
    path("passages/<uuid:pk>/", views.passage_detail, name="passage_detail"),
    path("passages/<uuid:pk>/edit/", views.passage_edit, name="passage_edit"),
    path("passages/<uuid:pk>/delete/", views.passage_delete, name="passage_delete"),
    path("constraints/", views.access_constraint_list, name="access_constraint_list"),
    path("constraints/new/", views.access_constraint_create, name="access_constraint_create"),
    path("constraints/<uuid:pk>/", views.access_constraint_detail, name="access_constraint_detail"),
    path(
        "constraints/<uuid:pk>/edit/", views.access_constraint_edit, name="access_constraint_edit"
    ),
    path(
        "constraints/<uuid:pk>/delete/",
        views.access_constraint_delete,
        name="access_constraint_delete",
    ),
    path("incidents/", views.security_incident_list, name="security_incident_list"),
    path("incidents/new/", views.security_incident_create, name="security_incident_create"),
    path("incidents/<uuid:pk>/", views.security_incident_detail, name="security_incident_detail"),
    path("incidents/<uuid:pk>/edit/", views.security_incident_edit, name="security_incident_edit"),
    path(
        "incidents/<uuid:pk>/delete/",
        views.security_incident_delete,
        name="security_incident_delete",
    ),
]
