"""Accompanied meals: who, rating, the school's answer by the principal or canteen manager."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.records import services
from brightkitchen.records.models import AccompaniedMeal

pytestmark = pytest.mark.django_db


def _create(world: World, who: str = "manager_a", **overrides: Any) -> tuple[AccompaniedMeal, bool]:
    data: dict[str, Any] = {
        "date": timezone.localdate(),
        "meal": "lunch",
        "companion_name": "李副校长",
        "companion_kind": "leader",
        "rating": 4,
        "problems": "米饭偏硬",
        **overrides,
    }
    return services.create_accompanied_meal(world.users[who], world.canteens["a"].pk, **data)


def test_a_leader_covers_the_meal_a_parent_does_not(world: World) -> None:
    leader, _ = _create(world)
    parent, _ = _create(world, companion_name="张同学家长", companion_kind="parent")
    assert leader.covers_meal and not parent.covers_meal


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("rating", {"rating": 0}),
        ("rating", {"rating": 6}),
        ("rating", {"rating": True}),
        ("companion_kind", {"companion_kind": "teacher"}),
        ("companion_name", {"companion_name": ""}),
        ("meal", {"meal": "tea"}),
    ],
)
def test_bad_input_names_the_field(world: World, field: str, overrides: dict[str, Any]) -> None:
    with pytest.raises(FieldError) as exc:
        _create(world, **overrides)
    assert exc.value.field == field


def test_same_person_same_meal_once_and_resubmits(world: World) -> None:
    key = uuid.uuid4()
    first, _ = _create(world, submission_key=key)
    again, created = _create(world, submission_key=key)
    assert again.pk == first.pk and not created
    with pytest.raises(Conflict):
        _create(world)
    assert AccompaniedMeal.objects.count() == 1


def test_answer_by_principal_or_manager_only(world: World) -> None:
    record, _ = _create(world)
    with pytest.raises(FieldPermissionDenied):
        services.answer_accompanied_meal(world.users["staff_a"], record.pk, "好的")
    with pytest.raises(PermissionDenied):
        services.answer_accompanied_meal(world.users["regulator_a"], record.pk, "好的")
    with pytest.raises(Http404):
        services.answer_accompanied_meal(world.users["principal_b"], record.pk, "好的")
    with pytest.raises(FieldError) as exc:
        services.answer_accompanied_meal(world.users["principal_a"], record.pk, "  ")
    assert exc.value.field == "answer"
    answered = services.answer_accompanied_meal(world.users["principal_a"], record.pk, "已调整蒸饭时间")
    assert answered.answer == "已调整蒸饭时间" and answered.answered_by == world.users["principal_a"]
    assert answered.answered_at is not None
