from django.urls import path

from memory import views

urlpatterns = [
    path("chat/send", views.chat_send, name="chat-send"),
    path("memory/recent", views.memory_recent, name="memory-recent"),
    path("memory/<str:memory_id>", views.memory_detail, name="memory-detail"),
]
