"""Pages of the training app: sessions and the figures of people reached."""

from django.urls import path

from pourparler.training import views

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("figures/", views.session_figures, name="session_figures"),
    path("new/", views.session_create, name="session_create"),
    path("<uuid:pk>/", views.session_detail, name="session_detail"),
    path("<uuid:pk>/edit/", views.session_edit, name="session_edit"),
    path("<uuid:pk>/delete/", views.session_delete, name="session_delete"),
]
