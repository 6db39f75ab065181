from django.urls import path

from pourparler.people import views

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("<uuid:pk>/", views.person_detail, name="person_detail"),
    path("<uuid:pk>/subject-access/", views.person_subject_access, name="person_subject_access"),
]
