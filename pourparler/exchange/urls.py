"""Pages of the exchange app: import runs, the review queue, the upload page."""

from django.urls import path

from pourparler.exchange import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("runs/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("upload/", views.import_upload, name="import_upload"),
    path("upload/<uuid:pk>/", views.import_preview, name="import_preview"),
    path("upload/<uuid:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("upload/<uuid:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("review/", views.review_list, name="review_list"),
    path("review/<uuid:pk>/", views.review_detail, name="review_detail"),
    path("export/<slug:name>/", views.export_list, name="export_list"),
    path("review/<uuid:pk>/decide/", views.review_decide, name="review_decide"),
]
