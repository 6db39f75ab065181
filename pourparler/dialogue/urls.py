from django.urls import path

from pourparler.dialogue import views

urlpatterns = [
    path("", views.interaction_list, name="interaction_list"),
    path("new/", views.interaction_create, name="interaction_create"),
    path("<uuid:pk>/", views.interaction_detail, name="interaction_detail"),
    path("<uuid:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("<uuid:pk>/delete/", views.interaction_delete, name="interaction_delete"),
    path("follow-ups/<uuid:pk>/done/", views.follow_up_complete, name="follow_up_complete"),
]
