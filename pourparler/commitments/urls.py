"""Pages of the commitments register, mounted at /commitments/."""

from django.urls import path

from pourparler.commitments import views

urlpatterns = [
    path("", views.commitment_list, name="commitment_list"),
    path("figures/", views.commitment_figures, name="commitment_figures"),
    path("new/", views.commitment_create, name="commitment_create"),
    path("<uuid:pk>/", views.commitment_detail, name="commitment_detail"),
    path("<uuid:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("<uuid:pk>/delete/", views.commitment_delete, name="commitment_delete"),
    path("<uuid:pk>/signatories/new/", views.signatory_create, name="signatory_create"),
    path("<uuid:pk>/compliance/new/", views.compliance_create, name="compliance_create"),
    path("signatories/<uuid:pk>/edit/", views.signatory_edit, name="signatory_edit"),
    path("signatories/<uuid:pk>/delete/", views.signatory_delete, name="signatory_delete"),
    path("compliance/<uuid:pk>/edit/", views.compliance_edit, name="compliance_edit"),
    path("compliance/<uuid:pk>/delete/", views.compliance_delete, name="compliance_delete"),
]
