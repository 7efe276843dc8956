"""Accounts at scale: a spreadsheet of officials and canteen staff imported all or nothing, each new
account with a one-time invitation link to choose its password, and deactivation that ends the
account's sessions and API tokens at once."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from brightkitchen.accounts import imports, services
from brightkitchen.accounts.models import ApiToken, Invitation, User
from brightkitchen.conftest import World
from brightkitchen.core.errors import FieldError

pytestmark = pytest.mark.django_db

HEADER = ("用户名", "姓名", "角色", "单位", "区划代码", "食堂许可证号", "手机", "邮箱")


def sheet(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> io.BytesIO:
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(list(header))
    for row in rows:
        page.append(list(row))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def _good_rows(world: World) -> list[list[object]]:
    school = world.orgs["school_a"]
    regulator = world.orgs["regulator_a"]
    return [
        [
            "county_a_inspector",
            "王检查",
            "市场监管部门",
            regulator.name,
            regulator.region_id,
            "",
            "13800000001",
            "wang@example.gov.cn",
        ],
        [
            "canteen_a_cook",
            "李厨师",
            "canteen_staff",
            school.name,
            "",
            world.canteens["a"].licence_number,
            "",
            "",
        ],
    ]


def test_a_sheet_with_a_bad_row_imports_nothing_and_names_every_error(world: World) -> None:
    rows: list[list[object]] = [
        *_good_rows(world),
        [
            "canteen_a_cook",
            "重复",
            "canteen_staff",
            world.orgs["school_a"].name,
            "",
            world.canteens["a"].licence_number,
            "",
            "",
        ],
        ["nobody", "", "厨神", "不存在的单位", "", "", "", ""],
        ["no_canteen", "", "canteen_staff", world.orgs["school_a"].name, "", "", "", ""],
        ["manager_a", "", "principal", world.orgs["school_a"].name, "", "", "", "not-an-email"],
    ]
    before = User.objects.count()
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_users(imports.read_sheet(sheet(rows)))
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {
        (4, "username"),  # the same username as row 3
        (5, "role"),
        (5, "organisation"),
        (6, "canteen"),  # canteen staff need a canteen
        (7, "username"),  # taken
        (7, "email"),
    }
    assert User.objects.count() == before and not Invitation.objects.exists()


def test_unknown_or_missing_columns_and_a_file_that_is_no_sheet_are_refused() -> None:
    with pytest.raises(imports.ImportRefused) as refused:
        imports.read_sheet(sheet([], header=("用户名", "颜色")))
    assert {(e.row, e.column) for e in refused.value.errors} == {(1, "颜色"), (1, "role")}
    with pytest.raises(imports.ImportRefused) as not_a_sheet:
        imports.read_sheet(io.BytesIO(b"username,role\nx,regulator\n"))
    assert not_a_sheet.value.errors[0].column == "file"


def test_imported_people_choose_their_password_with_a_link_that_works_once(world: World) -> None:
    users = imports.import_users(imports.read_sheet(sheet(_good_rows(world))))
    assert [(u.username, u.role) for u in users] == [
        ("county_a_inspector", "regulator"),
        ("canteen_a_cook", "canteen_staff"),
    ]
    cook = User.objects.get(username="canteen_a_cook")
    assert cook.canteen == world.canteens["a"] and not cook.has_usable_password()
    link = services.invite(cook)
    client = Client()
    assert client.get(link).status_code == 200
    weak = client.post(link, {"password": "123", "again": "123"})
    assert weak.status_code == 400 and not User.objects.get(pk=cook.pk).has_usable_password()
    done = client.post(link, {"password": "Kitchen-2026-safe", "again": "Kitchen-2026-safe"})
    assert done.status_code == 302
    assert client.get("/api/v1/me").json()["username"] == "canteen_a_cook"
    assert Client().get(link).status_code == 404  # spent
    with pytest.raises(FieldError):
        services.accept_invitation(link.rstrip("/").rsplit("/", 1)[1], "Another-2026-pass")
    # A second invitation makes the first unusable.
    first = services.invite(cook)
    second = services.invite(cook)
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 200


def test_the_operator_imports_on_the_page_and_sees_each_link_once(world: World) -> None:
    page = world.client("operator")
    upload = SimpleUploadedFile("staff.xlsx", sheet(_good_rows(world)).read())
    response = page.post("/accounts/import/", {"sheet": upload})
    assert response.status_code == 200, response.content.decode()[:500]
    text = response.content.decode()
    assert text.count("/accounts/invitation/") == 2 and "county_a_inspector" in text
    bad = SimpleUploadedFile("bad.xlsx", sheet([["x", "", "厨神", "", "", "", "", ""]]).read())
    refused = page.post("/accounts/import/", {"sheet": bad})
    assert refused.status_code == 400 and 'data-testid="import-errors"' in refused.content.decode()
    assert world.client("regulator_a").get("/accounts/import/").status_code == 403


def test_a_deactivated_account_loses_its_session_and_tokens_at_once(world: World) -> None:
    session = world.client("regulator_a")
    assert session.get("/api/v1/me").status_code == 200
    token = f"Bearer {world.token_a_value}"
    assert Client().get("/api/v1/me", headers={"Authorization": token}).status_code == 200

    answer = world.client("operator").post(f"/api/v1/users/{world.users['regulator_a'].pk}/deactivate")
    assert answer.status_code == 200 and answer.json()["is_active"] is False

    assert session.get("/api/v1/me").status_code == 401
    assert session.get("/alerts/").status_code == 302  # back to sign in
    assert Client().get("/api/v1/me", headers={"Authorization": token}).status_code == 401
    assert not ApiToken.objects.filter(user=world.users["regulator_a"], revoked_at__isnull=True).exists()
    # Only an operator deactivates; nobody deactivates themselves.
    assert (
        world.client("regulator_b").post(f"/api/v1/users/{world.users['edu_a'].pk}/deactivate").status_code
        == 403
    )
    own = world.client("operator").post(f"/api/v1/users/{world.users['operator'].pk}/deactivate")
    assert own.status_code == 400 and User.objects.get(username="operator").is_active


def test_an_organisation_can_switch_password_sign_in_off(world: World) -> None:
    from brightkitchen.conftest import PASSWORD

    organisation = world.orgs["regulator_a"]
    organisation.password_sign_in = False
    organisation.save()
    client = Client()
    refused = client.post("/accounts/login/", {"username": "regulator_a", "password": PASSWORD})
    assert refused.status_code == 403
    assert "政务" in refused.content.decode() or "identity provider" in refused.content.decode()
    assert client.get("/api/v1/me").status_code == 401
    # Other organisations keep their passwords.
    assert (
        Client().post("/accounts/login/", {"username": "regulator_b", "password": PASSWORD}).status_code
        == 302
    )
