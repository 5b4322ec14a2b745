"""The admin shows the model registry and can roll back to an earlier version."""

import pytest

from learning import registry, synthetic
from learning.ml import SPECS
from learning.ml.base import serialize, train_spec
from learning.models import ModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    admin = django_user_model.objects.create_superuser("ml-ops", "ops@example.com", "pw-ops-123456")
    client.force_login(admin)
    return client


def make_version(metric):
    pipeline = train_spec(SPECS["resolution_policy"], synthetic.generate("resolution_policy", 200, seed=1))
    return registry.register_version(name="resolution_policy", artifact=serialize(pipeline), metric=metric,
                                     baseline_metric=0.5, champion_metric=None, metrics={"heldout": {"rows": 40}},
                                     training_rows=160, training_real_rows=0, heldout_rows=40, training_seconds=0.2,
                                     trained_by="test")


def test_registry_pages_render_with_metrics(staff):
    version = make_version(0.81)
    registry.activate(version_id=version.pk)
    changelist = staff.get("/admin/learning/modelversion/")
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "resolution_policy" in html and "0.8100" in html and "active" in html
    assert staff.get(f"/admin/learning/modelversion/{version.pk}/change/").status_code == 200
    for page in ("interaction", "feedback", "policydecision", "syntheticexample"):
        assert staff.get(f"/admin/learning/{page}/").status_code == 200, page


def test_admin_action_rolls_back_to_an_earlier_version(staff):
    old, new = make_version(0.8), make_version(0.9)
    registry.activate(version_id=old.pk)
    registry.activate(version_id=new.pk)

    response = staff.post("/admin/learning/modelversion/", {"action": "activate_selected", "_selected_action": [old.pk]},
                          follow=True)

    assert response.status_code == 200
    assert ModelVersion.objects.get(pk=old.pk).status == "active"
    assert ModelVersion.objects.get(pk=new.pk).status == "retired"
    assert "activated in the admin by ml-ops" in ModelVersion.objects.get(pk=old.pk).decision


def test_the_admin_cannot_add_or_delete_versions(staff):
    version = make_version(0.8)
    assert staff.get("/admin/learning/modelversion/add/").status_code == 403
    assert staff.get(f"/admin/learning/modelversion/{version.pk}/delete/").status_code == 403
