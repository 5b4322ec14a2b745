"""URL routes: the admin (ledger dashboard), the REST API under /api/, and /health."""

from django.contrib import admin
from django.urls import include, path

from crtproject.views import health

admin.site.site_header = "CRT ledger"
admin.site.site_title = "CRT ledger"
admin.site.index_title = "Contradictions, memories and detection jobs"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", health, name="health"),
    path("api/", include("memory.urls")),
    path("api/", include("ledger.urls")),
]
