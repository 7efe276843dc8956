"""Bulk import of officials and canteen staff from a spreadsheet (.xlsx): every row is checked first, and
the import is all or nothing: one bad row, and the answer lists each error with its row and column while
no account is created. Each new account gets an invitation link to choose its password (accounts
.services.invite); nobody's password travels in a sheet.

Columns (the first row names them, in English or Chinese, in any order; unknown columns are refused):
username 用户名, name 姓名, role 角色 (the role's key or its Chinese name), organisation 单位 (its unified
social credit code, or its exact name), region 区划代码 (to tell apart two organisations of one name),
canteen 食堂许可证号 (the canteen's food business licence number, for canteen staff), phone 手机, email 邮箱.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from brightkitchen.accounts.models import User
from brightkitchen.core.roles import Role

MAX_ROWS = 5000

COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("username", "用户名"),
    "name": ("name", "姓名"),
    "role": ("role", "角色"),
    "organisation": ("organisation", "单位"),
    "region": ("region", "区划代码"),
    "canteen": ("canteen", "食堂许可证号"),
    "phone": ("phone", "手机"),
    "email": ("email", "邮箱"),
}
REQUIRED = ("username", "role")


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it (the header is row 1)
    column: str
    message: str


@dataclass
class ImportRefused(Exception):
    errors: list[RowError] = field(default_factory=list)


def _role(text: str) -> Role | None:
    """A role by its key, or its name in Chinese or English."""
    for role in Role:
        with translation.override("zh-hans"):
            chinese = str(role.label)
        with translation.override("en"):
            english = str(role.label)
        if text in (role.value, chinese, english):
            return role
    return None


def read_sheet(stream: IO[bytes]) -> list[dict[str, str]]:
    """The rows of the first sheet as column key → text; ImportRefused for a sheet it cannot read."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a file that is not a spreadsheet: the operator's error, said plainly
        raise ImportRefused([RowError(0, "file", _("This is not an .xlsx spreadsheet."))]) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportRefused([RowError(1, "file", _("The sheet is empty."))])
    names = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
    keys: list[str | None] = []
    errors = []
    for cell in header:
        text = str(cell or "").strip()
        if not text:
            keys.append(None)
            continue
        if text.lower() not in names and text not in names:
            errors.append(RowError(1, text, _("Unknown column.")))
        keys.append(names.get(text.lower(), names.get(text)))
    missing = [key for key in REQUIRED if key not in keys]
    errors += [RowError(1, key, _("The sheet has no such column.")) for key in missing]
    if errors:
        raise ImportRefused(errors)
    found = []
    for values in rows:
        row = {
            key: ("" if value is None else str(value).strip())
            for key, value in zip(keys, values, strict=False)
            if key
        }
        if any(row.values()):
            found.append(row)
        if len(found) > MAX_ROWS:
            raise ImportRefused(
                [RowError(MAX_ROWS + 2, "file", _("At most %(n)s rows at a time.") % {"n": MAX_ROWS})]
            )
    return found


def _organisation(text: str, region: str) -> tuple[Any, str]:
    from brightkitchen.organisations.models import Organisation

    by_code = list(Organisation.objects.filter(credit_code=text)[:2]) if len(text) == 18 else []
    matches = by_code or list(
        Organisation.objects.filter(name=text, **({"region_id": region} if region else {}))[:2]
    )
    if not matches:
        return None, _("No organisation has this name or credit code.")
    if len(matches) > 1:
        return None, _("Several organisations have this name: give the region code too.")
    return matches[0], ""


def check_rows(rows: Sequence[dict[str, str]]) -> tuple[list[User], list[RowError]]:
    """The unsaved users of the rows and every error found (all rows are checked, not only the first)."""
    from brightkitchen.schools.models import Canteen

    users: list[User] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    taken = set(
        User.objects.filter(username__in=[r.get("username", "") for r in rows]).values_list(
            "username", flat=True
        )
    )
    for number, row in enumerate(rows, start=2):

        def refuse(column: str, message: str, number: int = number) -> None:
            errors.append(RowError(number, column, message))

        username = row.get("username", "")
        role = _role(row.get("role", ""))
        if role is None:
            refuse("role", _("Unknown role."))
        elif role in (Role.OPERATOR, Role.PUBLIC):
            refuse("role", _("Operators and parents are not imported."))
        if username in taken:
            refuse("username", _("An account with this username exists."))
        if username in seen:
            refuse("username", _("The same username is on row %(row)s.") % {"row": seen[username]})
        seen.setdefault(username, number)
        organisation = None
        if row.get("organisation"):
            organisation, problem = _organisation(row["organisation"], row.get("region", ""))
            if problem:
                refuse("organisation", problem)
        canteen = None
        if row.get("canteen"):
            canteen = Canteen.objects.filter(licence_number=row["canteen"]).first()
            if canteen is None:
                refuse("canteen", _("No canteen has this licence number."))
        user = User(
            username=username,
            display_name=row.get("name", ""),
            role=role or Role.PUBLIC,
            organisation=organisation,
            canteen=canteen,
            phone=row.get("phone", ""),
            email=row.get("email", ""),
        )
        user.set_unusable_password()
        if role is not None:
            try:
                user.full_clean(exclude=["password"], validate_unique=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    column = {"display_name": "name"}.get(name, name)
                    if not any(e.row == number and e.column == column for e in errors):
                        refuse(column, " ".join(messages))
        users.append(user)
    return users, errors


def import_users(rows: Iterable[dict[str, str]]) -> list[User]:
    """Creates every row's account, or none (ImportRefused with every error)."""
    found = list(rows)
    users, errors = check_rows(found)
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        for user in users:
            user.save()
    return users
