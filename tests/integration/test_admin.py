"""The admin pages of the ledger, memories and detection render and offer no editing."""

import pytest

from detection.services import create_detection_job, run_detection_job
from memory.services import store_memory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("officer", "officer@example.com", "pw-officer-123")
    client.force_login(admin)
    return client, admin


def test_admin_changelists_and_detail_pages_render(staff_client):
    client, admin = staff_client
    for text in ("I work at Microsoft.", "I work at Amazon."):
        memory = store_memory(owner=admin, thread_id="t", text=text)
        run_detection_job(job_id=create_detection_job(memory=memory).job_id)
    from ledger.models import ContradictionEntry

    entry = ContradictionEntry.objects.get()
    for url in ("/admin/", "/admin/ledger/contradictionentry/", "/admin/memory/memory/",
                "/admin/detection/detectionjob/", "/admin/detection/detectionlog/",
                f"/admin/ledger/contradictionentry/{entry.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
    changelist = client.get("/admin/ledger/contradictionentry/").content.decode()
    assert "Microsoft" in changelist and "Amazon" in changelist


def test_ledger_admin_offers_no_add_or_delete(staff_client):
    client, _ = staff_client
    assert client.get("/admin/ledger/contradictionentry/add/").status_code == 403
