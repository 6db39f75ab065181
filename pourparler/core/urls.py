from django.urls import path

from pourparler.core import views

urlpatterns = [
    path("", views.audit_log, name="audit_log"),
]
