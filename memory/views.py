"""Thin API views of the memory app: parse, call one service or selector, shape the output."""

from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from memory import selectors
from memory.chat import handle_chat_message
from memory.models import Memory
from memory.serializers import ChatSendSerializer, MemoryListQuerySerializer, MemorySerializer, WaitSerializer


@api_view(["POST"])
def chat_send(request):
    """Store a message, schedule its contradiction detection, answer (v0.9 shape).

    Query ``wait_ms`` (0–5000) waits for this message's detection before answering.
    """
    query = WaitSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    body = ChatSendSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    result = handle_chat_message(
        owner=request.user,
        thread_id=data["thread_id"],
        message=data["message"],
        user_marked_important=data["user_marked_important"],
        mode=data.get("mode"),
        session_id=data.get("session_id"),
        wait_ms=query.validated_data["wait_ms"],
    )
    return Response(result.as_v09_response(), status=status.HTTP_200_OK)


@api_view(["GET"])
def memory_recent(request):
    """The caller's newest memories: ``?thread_id=`` to filter, ``?limit=`` (1–200, default 20)."""
    query = MemoryListQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    memories = selectors.recent_memories(owner=request.user, thread_id=query.validated_data.get("thread_id"),
                                         limit=query.validated_data["limit"])
    return Response({"memories": MemorySerializer(memories, many=True).data})


@api_view(["GET"])
def memory_detail(request, memory_id: str):
    """One of the caller's memories with its extracted facts; 404 for unknown or others' ids."""
    try:
        memory = selectors.get_memory(owner=request.user, memory_id=memory_id)
    except Memory.DoesNotExist:
        raise NotFound("No such memory.")
    data = MemorySerializer(memory).data
    data["facts"] = [{"slot": f.slot, "value": f.value, "negated": f.negated} for f in memory.facts.all()]
    return Response(data)
