"""``manage.py create_api_token``: issues, rotates and grants, and the token works on the API."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def token_for(*args, capsys):
    call_command("create_api_token", *args)
    return capsys.readouterr().out.strip()


def test_token_is_issued_once_and_works(user, capsys):
    key = token_for("alice", capsys=capsys)
    assert len(key) == 40 and token_for("alice", capsys=capsys) == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/contradictions/").status_code == 200


def test_rotate_revokes_the_old_token(user, capsys):
    old = token_for("alice", capsys=capsys)
    new = token_for("alice", "--rotate", capsys=capsys)
    assert new != old
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/contradictions/").status_code == 401


def test_unknown_users_need_create_and_compliance_grants_export(django_user_model, capsys):
    with pytest.raises(CommandError, match="--create"):
        call_command("create_api_token", "carol")
    token_for("carol", "--create", "--compliance", capsys=capsys)
    carol = django_user_model.objects.get(username="carol")
    assert carol.is_staff and carol.has_perm("ledger.export_all")
