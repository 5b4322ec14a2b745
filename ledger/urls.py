"""Ledger API routes. ``contradictions`` without a trailing slash is the v0.9 list; the
enterprise API lives under ``contradictions/``. Fixed paths come before ``<ledger_id>/``."""

from django.urls import path

from ledger import views

urlpatterns = [
    # v0.9-compatible paths (existing clients)
    path("contradictions", views.LegacyListView.as_view(), name="contradictions-list"),
    path("contradictions/next", views.NextView.as_view(), name="contradictions-next"),
    path("contradictions/asked", views.AskedView.as_view(), name="contradictions-asked"),
    path("contradictions/respond", views.RespondView.as_view(), name="contradictions-respond"),
    path("ledger/open", views.LedgerOpenView.as_view(), name="ledger-open"),
    path("ledger/resolve", views.LedgerResolveView.as_view(), name="ledger-resolve"),
    # the enterprise ledger API
    path("contradictions/", views.ContradictionListView.as_view(), name="ledger-entry-list"),
    path("contradictions/export", views.ExportView.as_view(), name="ledger-export"),
    path("contradictions/export/", views.ExportView.as_view()),
    path("contradictions/<str:ledger_id>/", views.ContradictionDetailView.as_view(), name="ledger-entry-detail"),
    path("contradictions/<str:ledger_id>/resolve/", views.ResolveView.as_view(), name="ledger-entry-resolve"),
    path("contradictions/<str:ledger_id>/undo/", views.UndoView.as_view(), name="ledger-entry-undo"),
]
