"""REST routes of dispatch tasks under /api/v1/dispatch. Sending, answering and re-dispatching are
multipart (the fields, `recipients` repeated, and any number of `attachments`); every change accepts an
`Idempotency-Key` header and a `submission_key` (UUID): either way a resubmit changes nothing twice."""

import datetime
import uuid

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.pagination import paginate

from brightkitchen.core.api import (
    ERRORS,
    LIST_ERRORS,
    Day,
    IdempotentAnswer,
    InputSchema,
    MappedQuerySet,
    Pagination,
    idempotent,
)
from brightkitchen.core.read_routes import add_detail_route, add_file_route
from brightkitchen.core.scoping import Action, get_visible_or_404
from brightkitchen.dispatch import selectors, services
from brightkitchen.dispatch.models import (
    DispatchAssignment,
    DispatchAttachment,
    DispatchDecision,
    DispatchFeedback,
    DispatchState,
    DispatchTask,
    FeedbackKind,
)

router = Router(tags=["dispatch"])

BASE = "/api/v1/dispatch"


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def of(item: DispatchAttachment) -> "AttachmentOut":
        return AttachmentOut(
            id=item.pk,
            name=item.name,
            content_type=item.content_type,
            size=item.size,
            url=f"{BASE}/attachments/{item.pk}",
        )


class FeedbackOut(Schema):
    id: int
    kind: FeedbackKind
    author: str
    text: str
    at: datetime.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def of(item: DispatchFeedback) -> "FeedbackOut":
        return FeedbackOut(
            id=item.pk,
            kind=FeedbackKind(item.kind),
            author=str(item.author) if item.author else "",
            text=item.text,
            at=item.at,
            attachments=[AttachmentOut.of(a) for a in item.attachments.all()],
        )


class DispatchProgressOut(Schema):
    total: int
    awaiting: int
    answered: int
    closed: int


class DispatchAssignmentOut(Schema):
    id: int
    recipient_id: int
    recipient: str
    state: DispatchState
    overdue: bool
    received_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    child_task_ids: list[int]
    child_progress: DispatchProgressOut | None
    feedback: list[FeedbackOut]

    @staticmethod
    def of(item: DispatchAssignment, progress: selectors.Progress | None) -> "DispatchAssignmentOut":
        return DispatchAssignmentOut(
            id=item.pk,
            recipient_id=item.recipient_id,
            recipient=item.recipient.name,
            state=DispatchState(item.state),
            overdue=item.overdue,
            received_at=item.received_at,
            answered_at=item.answered_at,
            closed_at=item.closed_at,
            child_task_ids=[c.pk for c in item.child_tasks.all()],
            child_progress=DispatchProgressOut(**progress.__dict__) if progress else None,
            feedback=[FeedbackOut.of(f) for f in item.feedback.all()],
        )


class TaskOut(Schema):
    id: int
    sender_id: int
    sender: str
    title: str
    body: str
    deadline: datetime.date
    created_at: datetime.datetime
    parent_task_id: int | None
    parent_assignment_id: int | None
    my_assignment_id: int | None
    my_state: DispatchState | None
    assignments_total: int
    assignments_awaiting: int
    assignments_answered: int
    assignments_closed: int
    overdue: bool
    attachments: list[AttachmentOut] = []
    assignments: list[DispatchAssignmentOut] = []

    @staticmethod
    def of(task: DispatchTask) -> "TaskOut":
        parent = task.parent_assignment
        my_state = getattr(task, "my_state", None)
        awaiting = int(getattr(task, "n_awaiting", 0))
        return TaskOut(
            id=task.pk,
            sender_id=task.sender_id,
            sender=task.sender.name,
            title=task.title,
            body=task.body,
            deadline=task.deadline,
            created_at=task.created_at,
            parent_task_id=parent.task_id if parent else None,
            parent_assignment_id=task.parent_assignment_id,
            my_assignment_id=getattr(task, "my_assignment", None),
            my_state=DispatchState(my_state) if my_state else None,
            assignments_total=int(getattr(task, "n_total", 0)),
            assignments_awaiting=awaiting,
            assignments_answered=int(getattr(task, "n_answered", 0)),
            assignments_closed=int(getattr(task, "n_closed", 0)),
            overdue=awaiting > 0 and timezone.localdate() > task.deadline,
        )


class TaskFilterIn(Schema):
    box: str = Field(selectors.Box.ALL, pattern="^(inbox|outbox|all)$")


class TaskIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=8000)
    deadline: Day
    recipients: list[int] = Field(min_length=1, max_length=500)
    submission_key: uuid.UUID | None = None


class DispatchAnswerIn(InputSchema):
    text: str = Field(min_length=1, max_length=8000)
    submission_key: uuid.UUID | None = None


class DispatchReviewIn(InputSchema):
    decision: DispatchDecision
    comment: str = Field("", max_length=8000)
    submission_key: uuid.UUID | None = None


class ToDoOut(Schema):
    kind: str
    severity: str
    assignment_id: int
    task_id: int
    title: str
    deadline: datetime.date
    link: str


def _one(request: HttpRequest, task_id: int) -> TaskOut:
    task = get_visible_or_404(selectors.tasks_for(request.user), request.user, Action.VIEW, pk=task_id)
    out = TaskOut.of(task)
    rows = list(selectors.assignments_of(request.user, task))
    progress = selectors.child_progress(request.user, [a.pk for a in rows])
    out.attachments = [AttachmentOut.of(a) for a in selectors.task_attachments(request.user, task)]
    out.assignments = [DispatchAssignmentOut.of(a, progress.get(a.pk)) for a in rows]
    return out


def _task_of(assignment_id: int) -> int:
    return int(DispatchAssignment.objects.filter(pk=assignment_id).values_list("task_id", flat=True)[0])


@router.get(
    "/dispatch/tasks",
    response={200: list[TaskOut], **LIST_ERRORS},
    summary="Dispatch tasks (inbox, outbox or all)",
)
@paginate(Pagination)
def list_tasks(request: HttpRequest, filters: Query[TaskFilterIn]) -> MappedQuerySet[TaskOut]:
    return MappedQuerySet(selectors.tasks_for(request.user, filters.box), TaskOut.of)


@router.get(
    "/dispatch/todo",
    response={200: list[ToDoOut], **LIST_ERRORS},
    summary="What the caller's bureau has to answer or review",
)
def todo(request: HttpRequest) -> list[ToDoOut]:
    return [
        ToDoOut(
            kind=f.kind,
            severity=f.severity.value,
            assignment_id=f.assignment_id,
            task_id=f.task_id,
            title=f.title,
            deadline=f.deadline,
            link=f.link,
        )
        for f in selectors.todo_for(request.user, timezone.localdate())
    ]


@router.post(
    "/dispatch/tasks",
    response={201: TaskOut, 200: TaskOut, **ERRORS},
    summary="Send a task to lower units (multipart: the fields, `recipients` repeated, `attachments`)",
)
def create_task(
    request: HttpRequest,
    payload: Form[TaskIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, TaskOut]:
        task, created = services.create_task(
            request.user, attachments=attachments or [], **payload.model_dump()
        )
        return (201 if created else 200), _one(request, task.pk)

    return idempotent(request, payload, create)


add_detail_route(
    router,
    "/dispatch/tasks/{task_id}",
    TaskOut,
    name="get_task",
    summary="One task with its attachments, assignments and feedback",
    read=_one,
)


@router.post(
    "/dispatch/assignments/{assignment_id}/received",
    response={200: TaskOut, **ERRORS},
    summary="Mark a task received (the recipient, on first opening it)",
)
def received(request: HttpRequest, assignment_id: int) -> TaskOut:
    assignment, _ = services.mark_received(request.user, assignment_id)
    return _one(request, assignment.task_id)


@router.post(
    "/dispatch/assignments/{assignment_id}/answers",
    response={201: TaskOut, 200: TaskOut, **ERRORS},
    summary="Answer a task (multipart: `text` and any number of `attachments`)",
)
def answer(
    request: HttpRequest,
    assignment_id: int,
    payload: Form[DispatchAnswerIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, TaskOut]:
        _, created = services.answer(
            request.user, assignment_id, attachments=attachments or [], **payload.model_dump()
        )
        return (201 if created else 200), _one(request, _task_of(assignment_id))

    return idempotent(request, payload, create)


@router.post(
    "/dispatch/assignments/{assignment_id}/review",
    response={200: TaskOut, **ERRORS},
    summary="Close an answered assignment or return it with a reason (the sending bureau)",
)
def review(request: HttpRequest, assignment_id: int, payload: DispatchReviewIn) -> IdempotentAnswer:
    def create() -> tuple[int, TaskOut]:
        services.review(request.user, assignment_id, **payload.model_dump())
        return 200, _one(request, _task_of(assignment_id))

    return idempotent(request, payload, create)


@router.post(
    "/dispatch/assignments/{assignment_id}/redispatch",
    response={201: TaskOut, 200: TaskOut, **ERRORS},
    summary="Pass a received task on to the caller's own lower units (multipart, like sending)",
)
def redispatch(
    request: HttpRequest,
    assignment_id: int,
    payload: Form[TaskIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> IdempotentAnswer:
    def create() -> tuple[int, TaskOut]:
        task, created = services.redispatch(
            request.user, assignment_id, attachments=attachments or [], **payload.model_dump()
        )
        return (201 if created else 200), _one(request, task.pk)

    return idempotent(request, payload, create)


add_file_route(
    router,
    "/dispatch/attachments/{attachment_id}",
    selectors.attachments_for,
    name="attachment",
    summary="An attachment (JPEG or PDF); ?thumbnail=true for a photo's small one",
    file_field="file",
)
