"""Pages of the law app, mounted at /law/."""

from django.urls import URLPattern, URLResolver, path

from pourparler.law import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.law_assistant, name="law_assistant"),
]
