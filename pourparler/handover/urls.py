"""Pages of the handover app, mounted at /handover/."""

from django.urls import URLPattern, URLResolver, path

from pourparler.handover import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.handover_list, name="handover_list"),
    path("new/", views.handover_create, name="handover_create"),
    path("continuity/", views.continuity, name="continuity"),
    path("<uuid:pk>/", views.handover_detail, name="handover_detail"),
    path("<uuid:pk>/confirm/", views.handover_confirm, name="handover_confirm"),
    path("<uuid:pk>/cancel/", views.handover_cancel, name="handover_cancel"),
    path("<uuid:pk>/introductions/", views.introduction_link, name="handover_introduction"),
    path("<uuid:pk>/brief/", views.handover_brief, name="handover_brief"),
    path("<uuid:pk>/brief.pdf", views.handover_brief_pdf, name="handover_brief_pdf"),
]
