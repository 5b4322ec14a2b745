"""Thin API views of the ledger app."""

from rest_framework.decorators import api_view
from rest_framework.response import Response

from ledger import selectors
from ledger.serializers import LedgerQuerySerializer, ledger_item


@api_view(["GET"])
def contradictions_list(request):
    """The caller's ledger entries, newest first: ``?thread_id=``, ``?status=``, ``?limit=``."""
    query = LedgerQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    items = selectors.entries(owner=request.user, thread_id=params.get("thread_id"),
                              status=params.get("status"))[: params["limit"]]
    return Response({"contradictions": [ledger_item(e) for e in items]})
