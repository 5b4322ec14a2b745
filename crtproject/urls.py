"""URL routes: the admin (ledger dashboard), the REST API under /api/, and /health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from crtproject.views import health, metrics_view, ready

admin.site.site_header = "CRT ledger"
admin.site.site_title = "CRT ledger"
admin.site.index_title = "Contradictions, memories and detection jobs"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", health, name="health"),
    path("ready", ready, name="ready"),
    path("metrics", metrics_view, name="metrics"),
    path("api/", include("memory.urls")),
    path("api/", include("ledger.urls")),
    path("api/", include("learning.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
