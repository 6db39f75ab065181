from django.urls import path

from pourparler.bearers import views

urlpatterns = [
    path("", views.bearer_list, name="bearer_list"),
    path("<uuid:pk>/", views.bearer_detail, name="bearer_detail"),
]
