"""The scoping case of every route. `test_route_scoping` runs each case for an anonymous user, a user of
another jurisdiction and a user of the right one; `test_every_route_has_a_case` fails when a route has
no case here. Adding a route means adding its case."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from brightkitchen.conftest import World


class Kind(enum.Enum):
    DETAIL = "detail"  # one object of county A: wrong user gets 404/403, right user sees it
    LIST = "list"  # a list or summary: wrong user gets an answer without county A's data
    WRITE = "write"  # a change to county A's data: wrong user is refused and nothing changes
    SELF = "self"  # about the caller only (profile, own tokens): anyone signed in, nothing of A leaks
    PUBLIC = "public"  # open to anonymous users on purpose; must carry no domain data


@dataclass(frozen=True)
class RouteCase:
    route: str
    kind: Kind
    url: Callable[[World], str]
    method: str = "GET"
    body: Callable[[World], dict[str, Any]] | None = None
    right: str = "regulator_a"
    wrong: str = "regulator_b"
    right_status: int = 200
    follow: bool = False
    multipart: bool = False  # an API route taking form fields and files, not JSON
    # Users of county A whose role also may use the route (exempt from `test_wrong_role`).
    also_allowed: tuple[str, ...] = ()
    # Users of county A whose role must be refused beyond the defaults of `wrong_roles` (the audited
    # canteen's manager on a regulator's decision in a shared area).
    wrong_also: tuple[str, ...] = ()
    # What proves county A's data is in an answer (default: A's school, canteen and licence number).
    markers: Callable[[World], list[str]] = field(default=lambda w: w.markers("a"))

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api ")

    @property
    def area(self) -> str:
        """The app a route belongs to: its page namespace, or its API path's first segment."""
        if self.is_api:
            parts = self.route.split(" ", 2)[2].split("/")
            return parts[3] if len(parts) > 3 else ""
        return self.route.split(" ", 1)[1].split(":")[0]

    def wrong_roles(self) -> list[str]:
        """Users of county A (the right jurisdiction) whose role is wrong for this route: a parent
        (the public user) and a supplier anywhere, the canteen's own staff on the regulators' routes,
        the education bureau on market-regulation writes, canteen staff on a principal's writes."""
        if self.kind in (Kind.SELF, Kind.PUBLIC):
            return []
        wrong = ["public", "supplier_a"]
        if self.area in REGULATOR_AREAS:
            wrong.append("staff_a")
        if self.kind == Kind.WRITE and (self.right in REGULATORS or self.area in REGULATOR_AREAS):
            wrong.append("edu_a")
        if self.kind == Kind.WRITE and self.right == "principal_a":
            wrong.append("staff_a")
        wrong.extend(self.wrong_also)
        return [w for w in dict.fromkeys(wrong) if w != self.right and w not in self.also_allowed]


# The regulators' side (监管端): routes no canteen user has business on.
REGULATOR_AREAS = frozenset(
    {"patrols", "inspections", "risk", "dispatch", "dashboards", "bulletins", "audit", "audit-log", "regions"}
)
REGULATORS = frozenset({"regulator_a", "city_regulator", "province_regulator"})


def JPEG_MARKERS(w: World) -> list[str]:
    """What proves a photo of county A came back: the JPEG header (a photo carries no county's name)."""
    return ["JFIF"]


def _region_a(w: World) -> list[str]:
    return ["榆次区"]


def _token_a(w: World) -> list[str]:
    return ["甲的令牌"]


def _captcha() -> str:
    from brightkitchen.accounts import captcha

    return captcha.new_challenge()


def A_SCHOOL(w: World) -> int:
    return int(w.schools["a"].pk)


def A_CANTEEN(w: World) -> int:
    return w.canteens["a"].pk


CASES: list[RouteCase] = [
    # --- Pages --------------------------------------------------------------------------------------
    RouteCase("page core:home", Kind.LIST, lambda w: "/"),
    RouteCase(
        "page core:set_language",
        Kind.PUBLIC,
        lambda w: "/i18n/setlang/",
        method="POST",
        body=lambda w: {"language": "en", "next": "/"},
        right_status=302,
    ),
    RouteCase("page core:healthz", Kind.PUBLIC, lambda w: "/healthz"),
    RouteCase("page core:metrics", Kind.PUBLIC, lambda w: "/metrics"),
    RouteCase("page accounts:login", Kind.PUBLIC, lambda w: "/accounts/login/"),
    RouteCase("page accounts:captcha", Kind.PUBLIC, lambda w: f"/accounts/captcha/{_captcha()}.png"),
    RouteCase(
        "page accounts:logout", Kind.SELF, lambda w: "/accounts/logout/", method="POST", right_status=302
    ),
    RouteCase("page accounts:tokens", Kind.LIST, lambda w: "/accounts/tokens/", markers=_token_a),
    RouteCase(
        "page accounts:revoke_token",
        Kind.WRITE,
        lambda w: f"/accounts/tokens/{w.token_a_key_id}/revoke/",
        method="POST",
        right_status=302,
    ),
    RouteCase(
        "page regions:index",
        Kind.LIST,
        lambda w: "/regions/",
        right="city_regulator",
        follow=True,
        markers=_region_a,
    ),
    RouteCase("page regions:detail", Kind.DETAIL, lambda w: "/regions/140702/", markers=_region_a),
    RouteCase("page schools:list", Kind.LIST, lambda w: "/schools/"),
    RouteCase("page schools:file", Kind.DETAIL, lambda w: f"/schools/{A_SCHOOL(w)}/"),
    RouteCase("page audit:list", Kind.LIST, lambda w: "/audit/"),
    RouteCase("page api:openapi-json", Kind.PUBLIC, lambda w: "/api/v1/openapi.json"),
    RouteCase("page api:openapi-view", Kind.PUBLIC, lambda w: "/api/v1/docs"),
    # --- API ----------------------------------------------------------------------------------------
    RouteCase("api GET /api/v1/me", Kind.SELF, lambda w: "/api/v1/me"),
    RouteCase("api GET /api/v1/tokens", Kind.LIST, lambda w: "/api/v1/tokens", markers=_token_a),
    RouteCase(
        "api POST /api/v1/tokens",
        Kind.SELF,
        lambda w: "/api/v1/tokens",
        method="POST",
        body=lambda w: {"name": "新令牌"},
        right_status=201,
    ),
    RouteCase(
        "api DELETE /api/v1/tokens/{key_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/tokens/{w.token_a_key_id}",
        method="DELETE",
        right_status=204,
    ),
    RouteCase(
        "api GET /api/v1/regions/children",
        Kind.LIST,
        lambda w: "/api/v1/regions/children?region=1407",
        right="city_regulator",
        markers=_region_a,
    ),
    RouteCase(
        "api GET /api/v1/regions/summary",
        Kind.DETAIL,
        lambda w: "/api/v1/regions/summary?region=140702",
        markers=lambda w: ["140702"],
    ),
    RouteCase("api GET /api/v1/schools", Kind.LIST, lambda w: "/api/v1/schools"),
    RouteCase(
        "api POST /api/v1/schools",
        Kind.WRITE,
        lambda w: "/api/v1/schools",
        method="POST",
        body=lambda w: {"name": "榆次区新建小学", "region_code": "140702", "school_type": "primary"},
        right="edu_a",
        wrong="edu_b",
        right_status=201,
    ),
    RouteCase(
        "api GET /api/v1/schools/{school_id}",
        Kind.DETAIL,
        lambda w: f"/api/v1/schools/{A_SCHOOL(w)}",
        markers=lambda w: w.markers("a")[:1],
    ),
    RouteCase(
        "api PATCH /api/v1/schools/{school_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/schools/{A_SCHOOL(w)}",
        method="PATCH",
        body=lambda w: {"address": "榆次区新地址9号"},
        right="principal_a",
        wrong="principal_b",
    ),
    RouteCase("api GET /api/v1/canteens", Kind.LIST, lambda w: "/api/v1/canteens"),
    RouteCase(
        "api POST /api/v1/canteens",
        Kind.WRITE,
        lambda w: "/api/v1/canteens",
        method="POST",
        body=lambda w: {"school_id": A_SCHOOL(w), "name": "第二食堂", "operation_mode": "self_run"},
        right="principal_a",
        wrong="principal_b",
        right_status=201,
    ),
    RouteCase(
        "api GET /api/v1/canteens/{canteen_id}", Kind.DETAIL, lambda w: f"/api/v1/canteens/{A_CANTEEN(w)}"
    ),
    RouteCase(
        "api PATCH /api/v1/canteens/{canteen_id}",
        Kind.WRITE,
        lambda w: f"/api/v1/canteens/{A_CANTEEN(w)}",
        method="PATCH",
        body=lambda w: {"risk_grade": "C"},
    ),
    RouteCase("api GET /api/v1/audit-log", Kind.LIST, lambda w: "/api/v1/audit-log"),
    RouteCase(
        "api GET /api/v1/metrics/completeness",
        Kind.DETAIL,
        lambda w: "/api/v1/metrics/completeness?region=140702",
        markers=lambda w: ['"start"'],
    ),
]


def _discover_app_cases() -> list[RouteCase]:
    """Each domain app may keep its own cases in `<app>/tests/scoping_cases.py` as `CASES`."""
    import importlib

    from django.apps import apps

    found: list[RouteCase] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("brightkitchen.") or config.label == "core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.scoping_cases")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.scoping_cases":
                raise
            continue
        found.extend(module.CASES)
    return found


CASES = CASES + _discover_app_cases()

# Routes answered by Django's admin are covered by `test_admin_is_operator_only`, which walks every
# registered model; the API's own URL patterns are covered through their OpenAPI operations above.
COVERED_ELSEWHERE_NAMESPACES = {"admin"}
