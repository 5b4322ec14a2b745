from django.urls import path

from ledger import views

urlpatterns = [
    path("contradictions", views.contradictions_list, name="contradictions-list"),
]
