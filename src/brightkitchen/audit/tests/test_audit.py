from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from brightkitchen.accounts.models import ApiToken, User
from brightkitchen.audit.models import AuditAction, AuditLogEntry
from brightkitchen.conftest import PASSWORD, World
from brightkitchen.schools.models import Canteen

pytestmark = pytest.mark.django_db


def _entries(obj: object) -> list[AuditLogEntry]:
    ct = ContentType.objects.get_for_model(obj)  # type: ignore[arg-type]
    return list(AuditLogEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))  # type: ignore[attr-defined]


def test_api_change_is_logged_with_actor_address_and_values(world: World) -> None:
    canteen = world.canteens["a"]
    response = world.client("regulator_a").patch(
        f"/api/v1/canteens/{canteen.pk}",
        data={"risk_grade": "D"},
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="pytest-agent",
    )
    assert response.status_code == 200
    entry = _entries(canteen)[-1]
    assert entry.action == AuditAction.UPDATE
    assert entry.actor_username == "regulator_a" and entry.actor == world.users["regulator_a"]
    assert entry.ip == "10.1.2.3" and entry.user_agent == "pytest-agent"
    assert entry.before == {"risk_grade": "B"} and entry.after == {"risk_grade": "D"}
    assert entry.changed_fields == ["risk_grade"]
    assert entry.region_code == "140702" and entry.school_id == world.schools["a"].pk
    assert entry.canteen_id == canteen.pk
    assert len(entry.request_id) == 32


def test_token_request_is_logged_as_the_token_owner(world: World) -> None:
    response = world.client(None).patch(
        f"/api/v1/canteens/{world.canteens['a'].pk}",
        data={"dynamic_grade": "good"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.token_a_value}",
    )
    assert response.status_code == 200, response.content
    entry = _entries(world.canteens["a"])[-1]
    assert entry.actor_username == "regulator_a" and entry.source == "api"


def test_create_and_delete_are_logged_and_a_no_op_save_is_not(world: World) -> None:
    canteen = Canteen.objects.create(school=world.schools["a"], name="临时食堂", operation_mode="self_run")
    canteen = Canteen.objects.get(pk=canteen.pk)
    canteen.save()  # nothing changed
    pk = canteen.pk
    canteen.delete()
    ct = ContentType.objects.get_for_model(Canteen)
    actions = list(
        AuditLogEntry.objects.filter(content_type=ct, object_id=str(pk)).values_list("action", flat=True)
    )
    assert actions == ["delete", "create"]  # newest first
    deleted = AuditLogEntry.objects.filter(content_type=ct, object_id=str(pk), action="delete").get()
    assert deleted.before is not None and deleted.before["name"] == "临时食堂"


def test_secrets_never_reach_the_log(world: World) -> None:
    user = world.users["regulator_a"]
    user.set_password("Another-Long-Pass-42")
    user.save()
    for entry in _entries(user):
        assert "password" not in (entry.after or {}) and "password" not in (entry.before or {})
    token = ApiToken.objects.get(pk=world.token_a.pk)  # type: ignore[union-attr]
    for entry in _entries(token):
        assert "secret_hash" not in (entry.after or {})


def test_sign_in_and_failed_sign_in_are_logged(world: World) -> None:
    client = world.client(None)
    client.post("/accounts/login/", {"username": "regulator_a", "password": "wrong-password"})
    client.post("/accounts/login/", {"username": "regulator_a", "password": PASSWORD})
    last_two = list(AuditLogEntry.objects.order_by("-id")[:2])
    assert [e.action for e in last_two] == [AuditAction.LOGIN, AuditAction.LOGIN_FAILED]
    assert last_two[0].actor_username == "regulator_a" and last_two[0].region_code == "140702"


def test_admin_change_is_logged_with_the_operator(world: World) -> None:
    canteen = world.canteens["b"]
    client = world.client("operator")
    page = client.get(f"/admin/schools/canteen/{canteen.pk}/change/")
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(name="改名后的食堂", school=canteen.school_id)
    response = client.post(f"/admin/schools/canteen/{canteen.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    entry = _entries(canteen)[-1]
    assert entry.actor_username == "operator" and entry.after["name"] == "改名后的食堂"  # type: ignore[index]


def test_user_model_is_audited(world: World) -> None:
    user = User.objects.create_user("new_person", password="Long-Enough-Pass-1", role="public")
    assert _entries(user)[0].action == AuditAction.CREATE
