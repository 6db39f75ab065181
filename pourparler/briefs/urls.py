"""Pages of the briefs app, mounted at /briefs/."""

from django.urls import URLPattern, URLResolver, path

from pourparler.briefs import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("bearer/<uuid:pk>/", views.bearer, name="brief_bearer"),
    path("bearer/<uuid:pk>/pdf/", views.bearer, {"as_pdf": True}, name="brief_bearer_pdf"),
    path("person/<uuid:pk>/", views.person, name="brief_person"),
    path("person/<uuid:pk>/pdf/", views.person, {"as_pdf": True}, name="brief_person_pdf"),
    # A PDF prepared by the background worker (pourparler/jobs/pdfs.py).
    path("prepare/<slug:kind>/<uuid:pk>/", views.prepare, name="brief_prepare"),
    path("prepared/<uuid:job>/", views.prepared, name="brief_prepared"),
    path("prepared/<uuid:job>/pdf/", views.prepared_pdf, name="brief_prepared_pdf"),
]
