"""Feedback (v0.9 paths) and learning API routes, included under /api/."""

from django.urls import path

from learning import views

urlpatterns = [
    path("feedback/thumbs", views.ThumbsView.as_view(), name="feedback-thumbs"),
    path("feedback/correction", views.CorrectionView.as_view(), name="feedback-correction"),
    path("feedback/report", views.ReportView.as_view(), name="feedback-report"),
    path("feedback/confirm", views.ConfirmView.as_view(), name="feedback-confirm"),
    path("feedback/stats", views.StatsView.as_view(), name="feedback-stats"),
    path("learning/ab-report", views.ABReportView.as_view(), name="learning-ab-report"),
]
