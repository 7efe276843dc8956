"""What each role sees and may change, straight from the scoping mechanism."""

from __future__ import annotations

import pytest
from django.db.models import Q

from brightkitchen.accounts.models import User
from brightkitchen.audit.models import AuditLogEntry
from brightkitchen.conftest import World
from brightkitchen.core.scoping import PUBLIC, Action, ScopeRule, can, scope_of
from brightkitchen.schools.models import Canteen, School

pytestmark = pytest.mark.django_db

# user → the counties whose school and canteen they see
SEES = {
    "operator": {"a", "b"},
    "province_regulator": {"a", "b"},
    "city_regulator": {"a", "b"},
    "regulator_a": {"a"},
    "edu_a": {"a"},
    "principal_a": {"a"},
    "manager_a": {"a"},
    "staff_a": {"a"},
    "regulator_b": {"b"},
    "principal_b": {"b"},
    "supplier_a": set(),
    "public": set(),
}


@pytest.mark.parametrize(("who", "counties"), SEES.items())
def test_visible_schools_and_canteens(world: World, who: str, counties: set[str]) -> None:
    user = world.users[who]
    assert set(School.objects.visible_to(user)) == {world.schools[c] for c in counties}
    assert set(Canteen.objects.visible_to(user)) == {world.canteens[c] for c in counties}


CHANGES_CANTEEN_A = {
    "operator": True,
    "regulator_a": True,
    "principal_a": True,
    "manager_a": True,
    "city_regulator": True,
    "staff_a": False,
    "edu_a": False,
    "regulator_b": False,
    "manager_b": False,
    "supplier_a": False,
    "public": False,
}


@pytest.mark.parametrize(("who", "allowed"), CHANGES_CANTEEN_A.items())
def test_who_may_change_canteen_a(world: World, who: str, allowed: bool) -> None:
    assert can(world.users[who], Action.CHANGE, world.canteens["a"]) is allowed


def test_audit_log_is_for_regulators_of_the_region(world: World) -> None:
    a_entries = AuditLogEntry.objects.filter(region_code="140702")
    assert a_entries.exists()
    assert set(AuditLogEntry.objects.visible_to(world.users["regulator_a"])) >= set(a_entries)
    assert (
        not AuditLogEntry.objects.visible_to(world.users["regulator_b"]).filter(region_code="140702").exists()
    )
    for who in ("principal_a", "manager_a", "edu_a", "public"):
        assert not AuditLogEntry.objects.visible_to(world.users[who]).exists(), who


def test_inactive_and_anonymous_users_hold_only_the_public_scope(world: World) -> None:
    user = world.users["regulator_a"]
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    assert scope_of(user) == PUBLIC == scope_of(None)
    assert scope_of(user).is_empty  # no jurisdiction
    assert not School.objects.visible_to(user).exists()
    assert not School.objects.visible_to(None).exists()


def test_the_public_scope_sees_only_what_a_rule_marks_public_and_changes_nothing(world: World) -> None:
    public_user = world.users["public"]
    assert scope_of(public_user).public and scope_of(public_user).is_empty
    assert not scope_of(world.users["regulator_a"]).public
    marked = ScopeRule(canteen="canteen_id", public=lambda: Q(is_public=True))
    unmarked = ScopeRule(canteen="canteen_id")
    for scope in (PUBLIC, scope_of(public_user)):
        assert marked.filter_for(scope) == Q(is_public=True)
        assert marked.filter_for(scope, Action.CHANGE) is None
        assert unmarked.filter_for(scope) is None
    # A jurisdiction's own filter is not widened by what is public.
    assert marked.filter_for(scope_of(world.users["manager_a"])) == Q(canteen_id=world.canteens["a"].pk)


def test_region_prefix_does_not_match_a_sibling_with_a_shared_prefix(world: World) -> None:
    # 1407 (Jinzhong) must not see 14070x of… nothing else: codes are fixed-width per level, so a
    # county regulator's prefix is a whole code and never a prefix of a sibling's code.
    scope = scope_of(world.users["regulator_a"])
    assert scope.region_prefix == "140702"
    assert not "140703".startswith(scope.region_prefix)


def test_user_list_scoping(world: World) -> None:
    seen = set(User.objects.visible_to(world.users["principal_a"]).values_list("username", flat=True))
    assert seen == {"principal_a", "manager_a", "staff_a"}
    assert not User.objects.visible_to(world.users["staff_a"]).exists()
