"""Pages of the negotiation app, mounted at /negotiations/."""

from django.urls import URLPattern, URLResolver, path

from pourparler.negotiation import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.file_list, name="negotiation_file_list"),
    path("new/", views.file_create, name="negotiation_file_create"),
    path("<uuid:pk>/", views.file_detail, name="negotiation_file_detail"),
    path("<uuid:pk>/edit/", views.file_edit, name="negotiation_file_edit"),
    path("<uuid:pk>/delete/", views.file_delete, name="negotiation_file_delete"),
    path("<uuid:pk>/print/", views.file_print, name="negotiation_file_print"),
    path("<uuid:pk>/pdf/", views.file_pdf, name="negotiation_file_pdf"),
    path("<uuid:pk>/versions/", views.version_list, name="negotiation_version_list"),
    path("<uuid:pk>/versions/diff/", views.version_diff, name="negotiation_version_diff"),
    path(
        "<uuid:pk>/versions/<int:number>/",
        views.version_detail,
        name="negotiation_version_detail",
    ),
    path("<uuid:pk>/<slug:kind>/add/", views.item_create, name="negotiation_item_create"),
    path(
        "<uuid:pk>/<slug:kind>/<uuid:item_pk>/edit/",
        views.item_edit,
        name="negotiation_item_edit",
    ),
    path(
        "<uuid:pk>/<slug:kind>/<uuid:item_pk>/delete/",
        views.item_delete,
        name="negotiation_item_delete",
    ),
    path(
        "<uuid:pk>/red-line/<uuid:item_pk>/sign-off/",
        views.red_line_sign_off,
        name="negotiation_red_line_sign_off",
    ),
]
