from django.urls import path

from pourparler.search import views

urlpatterns = [path("", views.search, name="search")]
