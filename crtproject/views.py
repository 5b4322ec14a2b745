"""Project-level views that belong to no single app."""

from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request):
    """Liveness probe: ``200 {"status": "ok"}`` while the web process serves requests."""
    return Response({"status": "ok"})
