"""The workflow core: the engine every case a bureau drives to a close runs on (a rectification notice, a
dispatch assignment; complaints and recalls next). Each keeps its own model, states and rules; what they
share lives here:

- `Workflow` and `Transition`: the states a case is in, which states each step may leave, where it goes,
  which roles may take it, and the message (naming the field) when it may not be taken now;
- `lock`, `resubmitted`, `choose`: a step changes a row it locked, after the scope check; a resubmit with
  the same submission key returns the first step; a decision is one of a few choices;
- `store_evidence`: the photos or documents a step carries (type and size checks are core.uploads');
- `Deadlines`: deadlines in working days and the reminder before them, on the canteen or bureau's own
  working-day calendar (schedule.selectors.add_working_days, passed in: core imports no domain app);
- `sweep`: the periodic pass over overdue cases (escalation, 挂牌督办), one row and one transaction at a
  time, idempotent because each row is checked again under its lock.

A step of a service then reads: lock the case, return a resubmit's first step, `workflow.take(...)`,
validate and store the evidence, save the case and its step row, enqueue the consequences on commit."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.functional import Promise

from brightkitchen.core.errors import Conflict, FieldError, FieldPermissionDenied
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404, scope_of
from brightkitchen.core.uploads import StoredFile
from brightkitchen.core.validation import clean_text

_M = TypeVar("_M", bound=models.Model)
_E = TypeVar("_E", bound=Enum)


@dataclass(frozen=True)
class Transition:
    """One step a case may take: from any of `sources` to `target`, by one of `roles` (None: the service
    decides who, for example "the bureau that sent it"). `field` is the field an error names; `not_now`
    says why the step cannot be taken in another (open) state."""

    sources: frozenset[str]
    target: str
    field: str
    not_now: str | Promise
    roles: frozenset[str] | None = None
    denied: str | Promise = ""


class Workflow:
    """A small state machine: named transitions between a model's states, one of them final."""

    def __init__(
        self,
        transitions: Mapping[str, Transition],
        *,
        closed: str,
        closed_message: str | Promise,
        state_field: str = "state",
    ) -> None:
        self.transitions = dict(transitions)
        self.closed = closed
        self.closed_message = closed_message
        self.state_field = state_field

    def allowed(self, state: str, role: str | None = None) -> list[str]:
        """The transitions a case in `state` may take now (by `role`, when given)."""
        return [
            name
            for name, t in self.transitions.items()
            if state in t.sources and (role is None or t.roles is None or role in t.roles)
        ]

    def permit(self, name: str, user: AnyUser) -> Transition:
        """The transition, when `user`'s role may take it; otherwise 403 naming its field."""
        t = self.transitions[name]
        if t.roles is not None and scope_of(user).role not in t.roles:
            raise FieldPermissionDenied(t.field, t.denied)
        return t

    def check(self, name: str, state: str, user: AnyUser | None = None) -> Transition:
        """The transition, when a case in `state` may take it (and `user`'s role may): otherwise 403 for
        the role, 409 for a closed case or a step out of turn, each naming the transition's field."""
        t = self.permit(name, user) if user is not None else self.transitions[name]
        if state == self.closed:
            raise Conflict(t.field, self.closed_message)
        if state not in t.sources:
            raise Conflict(t.field, t.not_now)
        return t

    def take(self, case: models.Model, name: str, user: AnyUser | None = None) -> str:
        """Move `case` along transition `name` (checked as in `check`); the state it left. Not saved."""
        before = str(getattr(case, self.state_field))
        t = self.check(name, before, user)
        setattr(case, self.state_field, t.target)
        return before


@dataclass(frozen=True)
class Review:
    """What a review decided: the transition taken ("close" or "return"), the state the case left and the
    reviewer's comment, cleaned."""

    choice: str
    before: str
    comment: str

    @property
    def closed(self) -> bool:
        return self.choice == "close"


def review(
    flow: Workflow,
    case: models.Model,
    decision: str,
    comment: str,
    *,
    invalid: str | Promise,
    most: int,
    now: datetime.datetime,
) -> Review:
    """The reviewer's decision on a case awaiting review: "close" (final; `closed_at` is set) or "return"
    (a reason is required; the case goes back to be answered again). Not saved."""
    if decision not in ("close", "return") or decision not in flow.transitions:
        raise FieldError("decision", invalid)
    choice = str(decision)
    flow.check(choice, str(getattr(case, flow.state_field)))
    comment = clean_text("comment", comment, most, required=choice == "return")
    before = flow.take(case, choice)
    if choice == "close":
        case.closed_at = now  # type: ignore[attr-defined]
    return Review(choice, before, comment)


def lock(model: type[_M], user: AnyUser, pk: int, *, related: Sequence[str] = ()) -> _M:
    """The case `pk` for a change by `user`, locked for the transaction: 404 outside the user's
    jurisdiction, 403 where the user may see but not change it (the scope check comes first, so the lock
    is never taken on a row the user may not touch)."""
    get_visible_or_404(model, user, Action.CHANGE, pk=pk)
    qs = model._default_manager.select_for_update(of=("self",))
    return qs.select_related(*related).get(pk=pk) if related else qs.get(pk=pk)


def resubmitted(
    step_model: type[_M],
    submission_key: uuid.UUID | None,
    case_field: str,
    case_id: int,
    message: str | Promise,
) -> _M | None:
    """The step a resubmit already made (the same key on the same case), to be returned unchanged; a
    key already used on another case is a conflict."""
    if submission_key is None:
        return None
    step = step_model._default_manager.filter(submission_key=submission_key).first()
    if step is not None and getattr(step, f"{case_field}_id") != case_id:
        raise Conflict("submission_key", message)
    return step


def choose(choices: type[_E], value: str, field: str, message: str | Promise) -> _E:
    """`value` as one of `choices`, or a FieldError on `field`."""
    try:
        return choices(value)
    except ValueError:
        raise FieldError(field, message) from None


def store_evidence(
    uploads: Sequence[UploadedFile[bytes]],
    field: str,
    folder: str,
    stored: list[StoredFile],
    *,
    store: Callable[[UploadedFile[bytes], str, str], StoredFile],
    most: int,
    too_many: str | Promise,
) -> list[tuple[str, StoredFile]]:
    """Check and store each upload of a step (`store`: core.uploads.store_photo or store_document),
    appending it to `stored` so that a failed transaction removes it (core.uploads.removed_on_error).
    An error names the file ("photos.2" is the third); (name, stored file) pairs."""
    if len(uploads) > most:
        raise FieldError(field, too_many, code="too_many")
    kept = []
    for index, upload in enumerate(uploads):
        item = store(upload, f"{field}.{index}" if index else field, folder)
        stored.append(item)
        kept.append(((upload.name or "")[-120:], item))
    return kept


AddWorkingDays = Callable[[str, datetime.date, int], datetime.date]


@dataclass(frozen=True)
class Deadlines:
    """Deadlines on a region's working-day calendar (weekends and public holidays skipped, make-up
    working days counted): `add_working_days` is schedule.selectors.add_working_days."""

    add_working_days: AddWorkingDays
    remind_before: int  # working days before the deadline the reminder opens

    def due(self, region: str, start: datetime.date, working_days: int) -> datetime.date:
        return self.add_working_days(region, start, working_days)

    def remind_on(self, region: str, deadline: datetime.date, today: datetime.date) -> datetime.date:
        """The day the reminder opens: `remind_before` working days before the deadline, not before today."""
        return max(self.add_working_days(region, deadline, -self.remind_before), today)


def overdue(deadline: datetime.date, day: datetime.date, *, still_open: bool) -> bool:
    return still_open and day > deadline


def sweep(candidates: models.QuerySet[_M], act: Callable[[_M], None]) -> list[_M]:
    """Apply `act` to every row of `candidates`, each in its own transaction under its row lock, checked
    again against the same filter (a row another worker already handled is skipped): a rerun changes
    nothing twice. The rows acted on."""
    done: list[_M] = []
    ids: Iterable[Any] = list(candidates.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            row = candidates.select_for_update(of=("self",)).filter(pk=pk).first()
            if row is None:
                continue
            act(row)
            done.append(row)
    return done
