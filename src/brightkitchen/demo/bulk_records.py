"""Canteen records for the Guangdong data set, written in bulk: the history `brightkitchen bench records`
measures the completeness metrics on.

Every canteen of the region that has no staff yet gets a meal plan (boarding schools serve three meals,
kindergartens breakfast and lunch, the others keep the default weekday lunch), four to ten staff with
health certificates (a few expired, expiring or missing), and on each service day of the last `days`
days: morning checks, a retained sample of every dish of every served meal, the school leader's
accompanied meal (a parent now and then), deliveries with their certificates, the tableware
disinfection record and the daily self-inspection report. Each county keeps its records to its own
level (85–98 % complete) and each canteen a little above or below it. Every canteen draws from its own
seeded random streams, so the same data set always gets the same history.

Millions of rows cannot go through `save()`: on PostgreSQL they are streamed with COPY (psycopg 3),
elsewhere inserted with bulk_create. Both bypass the per-row audit log by design; one summary entry
records the import. Everything happens in one transaction, and canteens that already have staff are
left alone, so a second run writes nothing. Self-inspection answers are not written: the metric counts
reports, and the answers would add another eight million rows.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from tqdm import tqdm

from brightkitchen.audit.models import AuditAction
from brightkitchen.audit.services import record
from brightkitchen.core.context import Actor, acting_as
from brightkitchen.core.uploads import StoredFile
from brightkitchen.demo.calendar import seed_calendar
from brightkitchen.demo.guangdong import PROVINCE
from brightkitchen.demo.names import mobile_phone, person_name
from brightkitchen.hygiene import demo_data as hygiene_demo
from brightkitchen.hygiene.models import CleaningTarget, HygieneKind, HygieneRecord
from brightkitchen.organisations.models import Organisation, OrganisationKind
from brightkitchen.purchases import demo_data as purchases_demo
from brightkitchen.purchases.models import (
    DELIVERY_FIELDS,
    CertificateKind,
    Decision,
    PurchaseCertificate,
    PurchaseInspection,
)
from brightkitchen.records import demo_data as records_demo
from brightkitchen.records.models import AccompaniedMeal, CompanionKind, SampleRetention
from brightkitchen.records.rules import CHINA, MEAL_CUTOFFS
from brightkitchen.schedule.models import Meal, MealPlan
from brightkitchen.schedule.selectors import CanteenCalendar, calendars_for
from brightkitchen.schools.models import Canteen, CanteenMonth, SchoolType
from brightkitchen.schools.tallies import refresh_tallies
from brightkitchen.selfcheck import demo_data as selfcheck_demo
from brightkitchen.selfcheck.models import CheckKind, SelfInspection
from brightkitchen.staff.models import (
    CheckResult,
    HealthCertificate,
    MorningCheck,
    Position,
    StaffMember,
    default_expiry,
)

HISTORY_DAYS = 90
COUNTY_LEVELS = (0.85, 0.98)  # the share of due records a county keeps, drawn per county
_BATCH = 5000
# When a day's record is due; today's records are written only once that moment has passed.
_MORNING_CHECK_BY = datetime.time(8, 0)
_DELIVERY_BY = datetime.time(9, 0)
_DISINFECTION_BY = datetime.time(14, 0)
_DAILY_CHECK_BY = datetime.time(18, 0)
_TEMPERATURES = [Decimal(f"{t / 10:.1f}") for t in range(360, 372)]
_FEVERS = [Decimal("37.4"), Decimal("37.6"), Decimal("38.1")]
_SYMPTOMS = ("fever", "diarrhoea", "skin_wound", "sore_throat")


@dataclass
class HistoryResult:
    prefix: str
    days: int
    canteens: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class _Canteen:
    pk: int
    city: str
    level: float  # share of due records this canteen keeps
    calendar: CanteenCalendar
    days: list[datetime.date]  # its service days in the period


def canteens_without_history(prefix: str) -> QuerySet[Canteen]:
    """Canteens of the region the writer has not touched: those without staff."""
    staffed = StaffMember.objects.values("canteen_id")
    return Canteen.objects.filter(school__organisation__region__code__startswith=prefix).exclude(
        pk__in=staffed
    )


def write_history(
    prefix: str = PROVINCE, days: int = HISTORY_DAYS, seed: int = 44, progress: bool = True
) -> HistoryResult:
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    result = HistoryResult(prefix, days)
    # disable=None: a bar on a terminal, none in logs and captured output.
    with (
        acting_as(Actor(username="seed", source="command")),
        transaction.atomic(),
        tqdm(unit="row", desc=f"records {prefix}", disable=None if progress else True) as bar,
    ):
        seed_calendar(Counter(), prefix[:2])
        todo = canteens_without_history(prefix)
        result.canteens = todo.count()
        if not result.canteens:
            return result
        out = _Writer(now, bar, result)
        with _foreign_keys_checked_at_the_end([MealPlan, *_RECORD_MODELS]):
            _write_all(out, todo, prefix, start, today, now, seed)
        # COPY sends no signals: the tallies of the region are rebuilt from what was written.
        refresh_tallies(
            Canteen.objects.filter(school__organisation__region__code__startswith=prefix), start, today
        )
        record(
            AuditAction.IMPORT,
            None,
            after={"region": prefix, "days": days, "seed": seed, "canteens": result.canteens, **result.rows},
            region_code=prefix,
            description=(
                f"bench records {prefix}: {days} days of records for {result.canteens} canteens, "
                f"{result.total_rows} rows"
            ),
        )
    _vacuum([MealPlan, *_RECORD_MODELS, CanteenMonth])
    result.seconds = time.perf_counter() - started
    return result


def _write_all(
    out: _Writer,
    todo: QuerySet[Canteen],
    prefix: str,
    start: datetime.date,
    today: datetime.date,
    now: datetime.datetime,
    seed: int,
) -> None:
    out.write(MealPlan, ("canteen_id", "breakfast", "lunch", "dinner", "weekdays"), _meal_plans(todo))
    canteens = _canteens(todo, start, today, seed)
    staff = _staff(canteens, today, seed)
    staff_ids = out.reserve_ids(StaffMember, len(staff))
    for person, pk in zip(staff, staff_ids, strict=True):
        person.pk = pk
        person.add_certificates(random.Random(f"{seed}:certificate:{pk}"), today)
    out.write(StaffMember, _Person.COLUMNS, (p.row() for p in staff))
    out.write(HealthCertificate, _Person.CERTIFICATE_COLUMNS, (c for p in staff for c in p.certificates))
    out.write(MorningCheck, _CHECK_COLUMNS, _morning_checks(canteens, staff, now, seed))
    photos = records_demo.sample_photos(random.Random(seed))
    out.write(SampleRetention, _SAMPLE_COLUMNS, _samples(canteens, photos, now, seed))
    out.write(AccompaniedMeal, _MEAL_COLUMNS, _accompanied_meals(canteens, now, seed))
    plan = _delivery_plan(canteens, now, seed)
    ids = out.reserve_ids(PurchaseInspection, sum(len(p) for p in plan.values()))
    certificates: list[tuple[int, int, str]] = []
    suppliers = _suppliers(prefix)
    out.write(
        PurchaseInspection,
        _DELIVERY_COLUMNS,
        _deliveries(canteens, plan, ids, suppliers, certificates, seed),
    )
    out.write(
        PurchaseCertificate,
        ("canteen_id", "inspection_id", "kind", "file", "thumbnail", "content_type", "size"),
        _certificate_files(certificates, purchases_demo.certificate_photos()),
    )
    ledger = hygiene_demo.ledger_photo()
    out.write(HygieneRecord, _HYGIENE_COLUMNS, _disinfections(canteens, ledger, now, seed))
    template = selfcheck_demo.checklist_template(prefix[:2], CheckKind.DAILY.value, selfcheck_demo.DAILY)
    if template is not None:
        out.write(SelfInspection, _REPORT_COLUMNS, _daily_reports(canteens, template.pk, now, seed))


_RECORD_MODELS: list[type[models.Model]] = [
    StaffMember,
    HealthCertificate,
    MorningCheck,
    SampleRetention,
    AccompaniedMeal,
    PurchaseInspection,
    PurchaseCertificate,
    HygieneRecord,
    SelfInspection,
]


# --- Writing rows -------------------------------------------------------------------------------------


class _Writer:
    """Streams tuples into a table: one binary COPY on PostgreSQL, bulk_create in batches elsewhere.
    Columns the rows leave out get their field's default (the creation time for created_at and
    updated_at). The row iterators must not query: a COPY holds the connection while it runs."""

    def __init__(self, now: datetime.datetime, bar: tqdm[Any], result: HistoryResult) -> None:
        self.now, self.bar, self.result = now, bar, result

    def write(
        self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> None:
        fixed = {
            f.attname: self.now if f.attname in ("created_at", "updated_at") else f.get_default()
            for f in model._meta.concrete_fields
            if f.attname not in columns and not f.primary_key
        }
        names, extra = [*columns, *fixed], tuple(fixed.values())
        self.bar.set_description(f"records {self.result.prefix}: {model.__name__}")
        if connection.vendor == "postgresql":
            written = self._copy(model._meta.db_table, names, rows, extra)
        else:
            written = 0
            iterator = iter(rows)
            while batch := list(islice(iterator, _BATCH)):
                model._default_manager.bulk_create(
                    [model(**dict(zip(names, row + extra, strict=True))) for row in batch]
                )
                written += len(batch)
                self.bar.update(len(batch))
        self.result.rows[model.__name__] += written

    def _copy(
        self, table: str, names: list[str], rows: Iterable[tuple[Any, ...]], extra: tuple[Any, ...]
    ) -> int:
        quote = connection.ops.quote_name
        written = 0
        with connection.cursor() as cursor:
            # Binary COPY with the columns' types told up front: psycopg then converts in C, five
            # times faster than the text format.
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                [quote(table)],
            )
            types = dict(cursor.fetchall())
            sql = f"COPY {quote(table)} ({', '.join(quote(n) for n in names)}) FROM STDIN (FORMAT BINARY)"
            with cursor.cursor.copy(sql) as copy:
                copy.set_types([types[n] for n in names])
                for written, row in enumerate(rows, start=1):
                    copy.write_row(row + extra)
                    if written % _BATCH == 0:
                        self.bar.update(_BATCH)
        self.bar.update(written % _BATCH)
        return written

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        """Primary keys for rows that others point at, taken before the rows are written."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [pk for (pk,) in cursor.fetchall()]
            # SQLite: one writer at a time inside this transaction, so the keys after the largest are free.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
            (last,) = cursor.fetchone() or (0,)
        return list(range(last + 1, last + 1 + count))


@contextmanager
def _foreign_keys_checked_at_the_end(tables: list[type[models.Model]]) -> Iterator[None]:
    """PostgreSQL checks foreign keys row by row, a trigger per row and key, which costs more than the
    rows themselves in a bulk load. Dropped, then added back NOT VALID and validated, each key is
    checked in one join at the end (what pg_restore does), in the same transaction: a failure brings
    the constraints back with everything else."""
    if connection.vendor != "postgresql":
        yield
        return
    names = [connection.ops.quote_name(model._meta.db_table) for model in tables]
    with connection.cursor() as cursor:
        # ALTER TABLE refuses tables with deferred checks still pending in this transaction (rows the
        # caller wrote before): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [names],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition} NOT VALID")
            cursor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")


def _vacuum(tables: list[type[models.Model]]) -> None:
    """Fresh statistics and visibility maps. Right after a bulk load PostgreSQL still plans for empty
    tables and cannot answer from its indexes alone; autovacuum gets there by itself, minutes later.
    VACUUM cannot run inside a transaction (a test's), where ANALYZE alone still helps."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for model in tables:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")


def _due(day: datetime.date, at: datetime.time, now: datetime.datetime) -> bool:
    return datetime.datetime.combine(day, at, tzinfo=CHINA) <= now


# --- Canteens and their calendars -------------------------------------------------------------------------


def _meal_plans(todo: QuerySet[Canteen]) -> list[tuple[Any, ...]]:
    planned = set(MealPlan.objects.filter(canteen__in=todo.values("pk")).values_list("canteen_id", flat=True))
    plans = []
    for pk, boarding, school_type in todo.order_by("pk").values_list(
        "pk", "school__boarding", "school__school_type"
    ):
        if pk in planned:
            continue
        if boarding:
            plans.append((pk, True, True, True, "12345"))
        elif school_type == SchoolType.KINDERGARTEN:
            plans.append((pk, True, True, False, "12345"))
    return plans


def _canteens(todo: QuerySet[Canteen], start: datetime.date, end: datetime.date, seed: int) -> list[_Canteen]:
    calendars = calendars_for(todo, start, end)
    levels: dict[str, float] = {}
    result = []
    for pk, region in todo.order_by("pk").values_list("pk", "school__organisation__region_id"):
        if region not in levels:
            levels[region] = random.Random(f"{seed}:{region}").uniform(*COUNTY_LEVELS)
        level = min(0.995, max(0.7, levels[region] + random.Random(f"{seed}:{pk}").gauss(0, 0.02)))
        calendar = calendars[pk]
        result.append(_Canteen(pk, region[:4], level, calendar, calendar.service_days(start, end)))
    return result


# --- Staff, certificates, morning checks ---------------------------------------------------------------


@dataclass
class _Person:
    canteen: int
    name: str
    position: str
    phone: str
    hired_on: datetime.date
    active: bool
    certificates: list[tuple[Any, ...]] = field(default_factory=list)
    valid_from: datetime.date | None = None  # the days its certificates cover, old and current
    valid_to: datetime.date | None = None
    pk: int = 0

    COLUMNS = ("id", "canteen_id", "name", "position", "phone", "hired_on", "active")
    CERTIFICATE_COLUMNS = ("canteen_id", "staff_id", "number", "issued_on", "expires_on")

    def row(self) -> tuple[Any, ...]:
        return self.pk, self.canteen, self.name, self.position, self.phone, self.hired_on, self.active

    def add_certificates(self, rng: random.Random, today: datetime.date) -> None:
        roll = rng.random()
        if roll < 0.01:
            return  # never brought one: the certificate holding rate shows it
        if roll < 0.03:
            expires = today - datetime.timedelta(days=rng.randint(1, 40))  # expired, not renewed
            issued = expires - datetime.timedelta(days=365)
        elif roll < 0.07:
            expires = today + datetime.timedelta(days=rng.randint(0, 30))  # expiring within 30 days
            issued = expires - datetime.timedelta(days=365)
        else:
            issued = today - datetime.timedelta(days=rng.randint(20, 330))
            expires = default_expiry(issued)
        number = f"{self.canteen % 10000:04d}{rng.randint(10**9, 10**10 - 1)}"
        self.valid_from, self.valid_to = issued, expires
        previous = issued - datetime.timedelta(days=365)
        if previous > self.hired_on:  # renewed on time: last year's certificate is on file too
            self.certificates.append(
                (
                    self.canteen,
                    self.pk,
                    f"JK{previous.year}{number}",
                    previous,
                    issued - datetime.timedelta(days=1),
                )
            )
            self.valid_from = previous
        self.certificates.append((self.canteen, self.pk, f"JK{issued.year}{number}", issued, expires))

    def may_work(self, day: datetime.date) -> bool:
        return (
            self.active and self.valid_from is not None and self.valid_from <= day <= (self.valid_to or day)
        )


def _staff(canteens: list[_Canteen], today: datetime.date, seed: int) -> list[_Person]:
    people = []
    for canteen in canteens:
        rng = random.Random(f"{seed}:staff:{canteen.pk}")
        count = rng.randint(4, 10)
        positions = [Position.SAFETY_MANAGER, *rng.choices([Position.COOK, Position.HELPER], k=count - 1)]
        for index, position in enumerate(positions):
            people.append(
                _Person(
                    canteen.pk,
                    person_name(rng),
                    position.value,
                    mobile_phone(rng),
                    today - datetime.timedelta(days=rng.randint(90, 3000)),
                    active=not (index and rng.random() < 0.02),  # someone who left stays on file
                )
            )
    return people


_CHECK_COLUMNS = (
    "canteen_id",
    "staff_id",
    "date",
    "checked_at",
    "temperature",
    "fever",
    "diarrhoea",
    "skin_wound",
    "sore_throat",
    "result",
)


def _morning_checks(
    canteens: list[_Canteen], people: list[_Person], now: datetime.datetime, seed: int
) -> Iterator[tuple[Any, ...]]:
    by_canteen: dict[int, list[_Person]] = defaultdict(list)
    for person in people:
        by_canteen[person.canteen].append(person)
    for canteen in canteens:
        rng = random.Random(f"{seed}:checks:{canteen.pk}")
        missed_day, missed_person = (1 - canteen.level) * 0.7, (1 - canteen.level) * 0.3
        for day in canteen.days:
            if not _due(day, _MORNING_CHECK_BY, now) or rng.random() < missed_day:
                continue
            for person in by_canteen[canteen.pk]:
                if not person.may_work(day) or rng.random() < missed_person:
                    continue
                symptom = rng.choice(_SYMPTOMS) if rng.random() < 0.01 else ""
                temperature = rng.choice(_FEVERS if symptom == "fever" else _TEMPERATURES)
                at = datetime.datetime.combine(day, datetime.time(7, rng.randint(0, 50)), tzinfo=CHINA)
                yield (
                    canteen.pk,
                    person.pk,
                    day,
                    at,
                    temperature,
                    symptom == "fever",
                    symptom == "diarrhoea",
                    symptom == "skin_wound",
                    symptom == "sore_throat",
                    CheckResult.OFF_DUTY.value if symptom else CheckResult.FIT.value,
                )


# --- Sample retention and accompanied meals ------------------------------------------------------------


def _served(canteen: _Canteen, now: datetime.datetime) -> Iterator[tuple[datetime.date, str]]:
    for day in canteen.days:
        for meal in canteen.calendar.meals:
            if _due(day, MEAL_CUTOFFS[meal.value], now):
                yield day, meal.value


_SAMPLE_COLUMNS = (
    "canteen_id",
    "date",
    "meal",
    "dish",
    "weight_g",
    "stored_at",
    "sampled_by",
    "photo",
    "photo_thumbnail",
    "storage_label",
    "discarded_at",
)


def _samples(
    canteens: list[_Canteen], photos: list[StoredFile], now: datetime.datetime, seed: int
) -> Iterator[tuple[Any, ...]]:
    for canteen in canteens:
        rng = random.Random(f"{seed}:samples:{canteen.pk}")
        for day, meal in _served(canteen, now):
            if rng.random() > canteen.level:
                continue  # the meal went unsampled
            if meal == Meal.BREAKFAST:
                dishes = rng.sample(records_demo.BREAKFAST, 2)
            else:
                dishes = [
                    rng.choice(records_demo.MAINS),
                    rng.choice(records_demo.SIDES),
                    rng.choice(records_demo.STAPLES),
                ]
            stored_at = datetime.datetime.combine(day, records_demo.MEAL_TIMES[meal], tzinfo=CHINA)
            stored_at += datetime.timedelta(minutes=rng.randint(10, 50))
            discarded_at = stored_at + datetime.timedelta(hours=48, minutes=rng.randint(30, 600))
            sampler, photo = rng.choice(records_demo.SAMPLERS), rng.choice(photos)
            for dish in dishes:
                yield (
                    canteen.pk,
                    day,
                    meal,
                    dish,
                    rng.randint(125, 220),
                    stored_at,
                    sampler,
                    photo.path,
                    photo.thumbnail,
                    f"留样柜{rng.randint(1, 2)}号",
                    discarded_at if discarded_at <= now else None,
                )


_MEAL_COLUMNS = (
    "canteen_id",
    "date",
    "meal",
    "companion_name",
    "companion_kind",
    "rating",
    "problems",
    "answer",
    "answered_at",
)


def _accompanied_meals(
    canteens: list[_Canteen], now: datetime.datetime, seed: int
) -> Iterator[tuple[Any, ...]]:
    for canteen in canteens:
        rng = random.Random(f"{seed}:accompanied:{canteen.pk}")
        for day, meal in _served(canteen, now):
            if rng.random() < canteen.level:
                leader = rng.choice(records_demo.LEADERS)
                yield (
                    canteen.pk,
                    day,
                    meal,
                    leader,
                    CompanionKind.LEADER.value,
                    rng.choice([4, 5, 5, 5]),
                    "",
                    "",
                    None,
                )
            if meal == Meal.LUNCH and rng.random() < 0.2:
                problem = rng.randrange(len(records_demo.PROBLEMS))
                answered = rng.random() < 0.8
                yield (
                    canteen.pk,
                    day,
                    meal,
                    rng.choice(records_demo.PARENTS),
                    CompanionKind.PARENT.value,
                    rng.choice([3, 4, 4, 5]),
                    records_demo.PROBLEMS[problem],
                    records_demo.ANSWERS[problem] if answered else "",
                    datetime.datetime.combine(day, datetime.time(16, 30), tzinfo=CHINA) if answered else None,
                )


# --- Purchase inspection ----------------------------------------------------------------------------------


def _suppliers(prefix: str) -> dict[str, list[str]]:
    """Each city's supplier companies of the seeded data, so deliveries name local firms."""
    found: dict[str, list[str]] = defaultdict(list)
    for region, name in (
        Organisation.objects.filter(kind=OrganisationKind.SUPPLIER, region__code__startswith=prefix[:2])
        .order_by("pk")
        .values_list("region_id", "name")
    ):
        found[region[:4]].append(name)
    return found


_DELIVERY_COLUMNS = ("id", "canteen_id", *DELIVERY_FIELDS)
_QUANTITIES = {n: Decimal(n) for n in range(4, 61)}


def _delivery_plan(
    canteens: list[_Canteen], now: datetime.datetime, seed: int
) -> dict[int, list[tuple[datetime.date, str]]]:
    """Which deliveries each canteen takes (the demo's rhythm), decided first so their keys can be
    taken in one go before the rows stream out."""
    plan = {}
    for canteen in canteens:
        rng = random.Random(f"{seed}:slots:{canteen.pk}")
        days = [day for day in canteen.days if _due(day, _DELIVERY_BY, now)]
        plan[canteen.pk] = [(day, slot) for day in days for slot in purchases_demo.delivery_slots(day, rng)]
    return plan


def _deliveries(
    canteens: list[_Canteen],
    plan: dict[int, list[tuple[datetime.date, str]]],
    ids: list[int],
    suppliers: dict[str, list[str]],
    certificates: list[tuple[int, int, str]],
    seed: int,
) -> Iterator[tuple[Any, ...]]:
    """The planned deliveries with the demo's products; an accepted one gets its certificate (collected
    in `certificates`) unless the canteen missed it; about 3 % are rejected."""
    keys = iter(ids)
    for canteen in canteens:
        rng = random.Random(f"{seed}:purchases:{canteen.pk}")
        local = suppliers.get(canteen.city) or []
        for day, slot in plan[canteen.pk]:
            pk = next(keys)
            supplier = (
                local[-1 if slot == "staple" else 0] if local else rng.choice(purchases_demo.SUPPLIERS[slot])
            )
            acceptor = rng.choice(purchases_demo.ACCEPTORS)
            kind = CertificateKind.QUALITY.value
            second, made, lot = "", None, ""
            if slot == "veg":
                product, spec, unit, shelf = rng.choice(purchases_demo.VEGETABLES), "", "kg", 3
                quantity = _QUANTITIES[rng.randint(10, 60)]
                lot = f"{day:%Y%m%d}-{rng.randint(1, 9)}"
            elif slot == "meat":
                (product, shelf), spec, unit = rng.choice(purchases_demo.MEATS), "", "kg"
                quantity = _QUANTITIES[rng.randint(15, 40)]
                made = day - datetime.timedelta(days=rng.randint(0, 1))
                kind = CertificateKind.QUARANTINE.value
            else:
                product, spec, unit, shelf = rng.choice(purchases_demo.STAPLES)
                quantity = _QUANTITIES[rng.randint(4, 12)]
                made = day - datetime.timedelta(days=rng.randint(10, 60))
                second = rng.choice(purchases_demo.SECOND)
            decision, reason, handling = Decision.ACCEPTED.value, "", ""
            if rng.random() < 0.03:
                decision = Decision.REJECTED.value
                reason, handling = rng.choice(purchases_demo.REJECTIONS)
            elif rng.random() < canteen.level:
                certificates.append((canteen.pk, pk, kind))
            yield (
                pk,
                canteen.pk,
                day,
                supplier,
                product,
                spec,
                quantity,
                unit,
                made,
                lot,
                shelf,
                slot == "staple",
                acceptor,
                second,
                decision,
                reason,
                handling,
            )


def _certificate_files(
    rows: list[tuple[int, int, str]], photos: list[StoredFile]
) -> Iterator[tuple[Any, ...]]:
    for canteen, inspection, kind in rows:
        photo = photos[inspection % len(photos)]
        yield canteen, inspection, kind, photo.path, photo.thumbnail, photo.content_type, photo.size


# --- Tableware disinfection and the daily self-inspection -------------------------------------------------

_HYGIENE_COLUMNS = (
    "canteen_id",
    "kind",
    "done_at",
    "date",
    "person",
    "photo",
    "photo_thumbnail",
    "target",
    "method",
)


def _disinfections(
    canteens: list[_Canteen], photo: StoredFile, now: datetime.datetime, seed: int
) -> Iterator[tuple[Any, ...]]:
    for canteen in canteens:
        rng = random.Random(f"{seed}:hygiene:{canteen.pk}")
        for day in canteen.days:
            if not _due(day, _DISINFECTION_BY, now) or rng.random() > canteen.level:
                continue
            yield (
                canteen.pk,
                HygieneKind.CLEANING.value,
                datetime.datetime.combine(day, datetime.time(13, rng.randint(0, 50)), tzinfo=CHINA),
                day,
                rng.choice(hygiene_demo.PEOPLE),
                photo.path,
                photo.thumbnail,
                CleaningTarget.TABLEWARE.value,
                rng.choice(["steam", "cabinet"]),
            )


_REPORT_COLUMNS = ("canteen_id", "kind", "period", "template_id", "risk_count", "summary")


def _daily_reports(
    canteens: list[_Canteen], template: int, now: datetime.datetime, seed: int
) -> Iterator[tuple[Any, ...]]:
    for canteen in canteens:
        if not canteen.calendar.meals:
            continue
        rng = random.Random(f"{seed}:selfcheck:{canteen.pk}")
        for day in canteen.days:
            if not _due(day, _DAILY_CHECK_BY, now) or rng.random() > canteen.level:
                continue
            risks = 1 if rng.random() < 0.1 else 0
            yield (
                canteen.pk,
                CheckKind.DAILY.value,
                day,
                template,
                risks,
                rng.choice(selfcheck_demo.SUMMARIES),
            )
