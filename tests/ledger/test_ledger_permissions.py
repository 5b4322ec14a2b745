"""Access control of every ledger endpoint: anonymous refused, another user's ids → 404 (never
the data), compliance users read and export across users but cannot act on others' entries."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ledger.models import ResolutionEvent

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def entry_urls(entry):
    """Every endpoint that takes a ledger id, as (method, url, body)."""
    return [
        ("get", f"/api/contradictions/{entry.pk}/", None),
        ("post", f"/api/contradictions/{entry.pk}/resolve/", {"action": "keep_new"}),
        ("post", f"/api/contradictions/{entry.pk}/undo/", {}),
        ("post", "/api/contradictions/asked", {"thread_id": entry.thread_id, "ledger_id": entry.pk}),
        ("post", "/api/contradictions/respond", {"thread_id": entry.thread_id, "ledger_id": entry.pk,
                                                 "answer": "Amazon", "resolve": True,
                                                 "resolution_method": "keep_new"}),
        ("post", "/api/ledger/resolve", {"ledger_id": entry.pk, "resolution_method": "keep_new"}),
    ]


LIST_URLS = ["/api/contradictions/", "/api/contradictions", "/api/ledger/open?thread_id=t",
             "/api/contradictions/next?thread_id=t", "/api/contradictions/export?format=csv",
             "/api/contradictions/export?format=json", "/api/schema/", "/api/docs/"]


def test_anonymous_callers_are_refused_everywhere_but_health(user, entry_factory):
    entry = entry_factory(user)
    anonymous = APIClient()
    for method, url, body in entry_urls(entry):
        assert getattr(anonymous, method)(url, body, format="json").status_code in (401, 403), url
    for url in LIST_URLS:
        assert anonymous.get(url).status_code in (401, 403), url
    assert anonymous.get("/health").status_code == 200
    assert not ResolutionEvent.objects.exists()


def test_every_endpoint_answers_404_for_another_users_entry(user, other_user, entry_factory):
    entry = entry_factory(user)
    bob = client_for(other_user)
    for method, url, body in entry_urls(entry):
        response = getattr(bob, method)(url, body, format="json")
        assert response.status_code == 404, (url, response.status_code)
        assert entry.pk not in response.content.decode() or "No such" in response.content.decode()
        assert "Microsoft" not in response.content.decode()
    assert not ResolutionEvent.objects.exists()


def test_lists_and_exports_never_show_another_users_entries(user, other_user, entry_factory):
    entry_factory(user, thread_id="t", old="Microsoft", new="Amazon")
    mine = entry_factory(other_user, thread_id="t", old="Oracle", new="SAP")
    bob = client_for(other_user)
    for url in LIST_URLS[:6]:
        text = b"".join(bob.get(url).streaming_content).decode() if "export" in url else bob.get(url).content.decode()
        assert "Microsoft" not in text and "Amazon" not in text, url
    listed = bob.get("/api/contradictions/").json()["results"]
    assert [item["ledger_id"] for item in listed] == [mine.pk]
    # a plain user cannot widen the scope with ?owner=
    assert bob.get("/api/contradictions/", {"owner": "alice"}).json()["results"] == []


def test_compliance_users_list_export_and_read_every_users_entries(user, other_user, compliance_user,
                                                                  entry_factory):
    a, b = entry_factory(user), entry_factory(other_user, old="Oracle", new="SAP")
    officer = client_for(compliance_user)

    listed = [item["ledger_id"] for item in officer.get("/api/contradictions/").json()["results"]]
    assert listed == [b.pk, a.pk]
    assert [i["ledger_id"] for i in officer.get("/api/contradictions/", {"owner": "bob"}).json()["results"]] == [b.pk]
    exported = b"".join(officer.get("/api/contradictions/export", {"format": "csv"}).streaming_content).decode()
    assert a.pk in exported and b.pk in exported
    assert officer.get(f"/api/contradictions/{a.pk}/").status_code == 200


def test_compliance_users_cannot_resolve_someone_elses_entry(user, compliance_user, entry_factory):
    entry = entry_factory(user)
    response = client_for(compliance_user).post(f"/api/contradictions/{entry.pk}/resolve/", {"action": "dismiss"},
                                                format="json")
    assert response.status_code == 403
    assert not ResolutionEvent.objects.exists()


def test_staff_without_the_export_permission_see_only_their_own(user, other_user, entry_factory):
    other_user.is_staff = True
    other_user.save()
    entry_factory(user)
    assert client_for(other_user).get("/api/contradictions/").json()["results"] == []
