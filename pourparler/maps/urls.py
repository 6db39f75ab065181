"""Pages of the maps app, mounted at /maps/."""

from django.urls import URLPattern, URLResolver, path

from pourparler.maps import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.map_page, name="map"),
    path("bearer/<uuid:pk>/", views.bearer_map, name="bearer_map"),
    path("data/areas.geojson", views.map_areas_json, name="map_areas_json"),
    path("data/passages.geojson", views.map_passages_json, name="map_passages_json"),
    path("data/incidents.geojson", views.map_incidents_json, name="map_incidents_json"),
    path("data/events.geojson", views.map_events_json, name="map_events_json"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<uuid:pk>/", views.area_detail, name="area_detail"),
    path("areas/<uuid:pk>/edit/", views.area_edit, name="area_edit"),
    path("areas/<uuid:pk>/delete/", views.area_delete, name="area_delete"),
]
