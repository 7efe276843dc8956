"""Organisations: who sees which (the one scoping mechanism, anonymous visitors included), who may change
them (operators only), and one name per kind in a region."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from brightkitchen.conftest import COUNTY_A, World
from brightkitchen.core.scoping import Action
from brightkitchen.organisations.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def _visible(world: World, who: str | None, action: Action = Action.VIEW) -> set[str]:
    user = world.users[who] if who is not None else None
    return set(Organisation.objects.visible_to(user, action).values_list("name", flat=True))


def test_a_regulator_sees_the_organisations_of_its_jurisdiction(world: World) -> None:
    county_a = {org.name for key, org in world.orgs.items() if key.endswith("_a")}
    assert county_a <= _visible(world, "regulator_a")
    assert world.orgs["school_b"].name not in _visible(world, "regulator_a")
    assert world.orgs["regulator_city"].name not in _visible(world, "regulator_a")
    city = _visible(world, "city_regulator")
    assert {world.orgs["school_a"].name, world.orgs["school_b"].name} <= city
    assert world.orgs["regulator_province"].name not in city
    assert _visible(world, "operator") == set(Organisation.objects.values_list("name", flat=True))


def test_school_canteen_and_supplier_users_see_only_their_own(world: World) -> None:
    assert _visible(world, "principal_a") == {world.orgs["school_a"].name}
    assert _visible(world, "manager_a") == {world.orgs["school_a"].name}
    assert _visible(world, "staff_a") == {world.orgs["school_a"].name}
    assert _visible(world, "supplier_a") == {world.orgs["supplier_a"].name}


def test_anonymous_visitors_and_parents_see_no_organisation(world: World) -> None:
    assert _visible(world, None) == set()
    assert _visible(world, "public") == set()


def test_only_operators_may_change_organisations(world: World) -> None:
    assert world.orgs["school_a"].name in _visible(world, "operator", Action.CHANGE)
    for who in ("province_regulator", "regulator_a", "edu_a", "principal_a", "manager_a", "supplier_a"):
        assert _visible(world, who, Action.CHANGE) == set(), who


def test_one_name_per_kind_in_a_region(world: World) -> None:
    name = world.orgs["school_a"].name
    duplicate = Organisation(name=name, kind=OrganisationKind.SCHOOL, region_id=COUNTY_A)
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "__all__" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # The same name is fine for another kind, or in another region.
    Organisation(name=name, kind=OrganisationKind.SUPPLIER, region_id=COUNTY_A).full_clean()
    Organisation(name=name, kind=OrganisationKind.SCHOOL, region_id="140703").full_clean()
