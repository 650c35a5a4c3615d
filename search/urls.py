from django.urls import path

from search import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/help/", views.search_help, name="search_help"),
    path("api/search/", views.api_search, name="api_search"),
]
