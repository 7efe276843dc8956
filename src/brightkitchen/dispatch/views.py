"""Dispatch pages: the inbox and outbox with states and overdue marks and the bureau's to-do list, the
form that sends a task down, the task page with its attachments, assignments, feedback threads and the
actions open to the user (answer, review, re-dispatch), and the scoped attachment download."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brightkitchen.core import uploads
from brightkitchen.core.forms import submit
from brightkitchen.core.scoping import Action, AnyUser, get_visible_or_404
from brightkitchen.dispatch import rules, selectors, services
from brightkitchen.dispatch.forms import AnswerForm, ReviewForm, TaskForm
from brightkitchen.dispatch.models import DispatchAssignment, DispatchState, DispatchTask


def _may_send(user: AnyUser) -> bool:
    try:
        services.sending_bureau(user)
    except PermissionDenied:
        return False
    return True


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    org_id = getattr(request.user, "organisation_id", None)
    box = request.GET.get("box", "")
    if box not in selectors.Box.CHOICES:
        box = selectors.Box.INBOX if org_id else selectors.Box.ALL
    page = Paginator(selectors.tasks_for(request.user, box), 25).get_page(request.GET.get("page"))
    for task in page:
        state = getattr(task, "my_state", None)
        task.my_state_label = DispatchState(state).label if state else ""  # type: ignore[attr-defined]
    context = {
        "page": page,
        "box": box,
        "today": timezone.localdate(),
        "todo": selectors.todo_for(request.user, timezone.localdate())[:50],
        "labels": rules.LABELS,
        "may_send": _may_send(request.user),
    }
    return render(request, "dispatch/index.html", context)


def _send_form(request: HttpRequest, parent: DispatchAssignment | None) -> HttpResponse:
    org = services.sending_bureau(request.user)
    units = list(services.lower_units(org))
    initial = {"title": parent.task.title, "deadline": parent.task.deadline} if parent else {}
    form = TaskForm(units=units, initial=initial)
    if request.method == "POST":
        form = TaskForm(request.POST, request.FILES, units=units)
        if parent is None:
            task, status = submit(
                request,
                form,
                lambda data: services.create_task(request.user, **data),
                _("Task sent."),
            )
        else:
            task, status = submit(
                request,
                form,
                lambda data: services.redispatch(request.user, parent.pk, **data),
                _("Task passed on to your lower units."),
            )
        if task is not None:
            return redirect("dispatch:detail", task.pk)
    else:
        status = 200
    return render(
        request, "dispatch/new.html", {"form": form, "parent": parent, "sender": org}, status=status
    )


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    return _send_form(request, None)


def _assignment(request: HttpRequest, assignment_id: int) -> DispatchAssignment:
    return get_visible_or_404(
        DispatchAssignment,
        request.user,
        Action.VIEW,
        related=("task", "task__sender", "recipient"),
        pk=assignment_id,
    )


@require_http_methods(["GET", "POST"])
def redispatch(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment(request, assignment_id)
    if getattr(request.user, "organisation_id", None) != assignment.recipient_id:
        raise PermissionDenied
    return _send_form(request, assignment)


def _task(request: HttpRequest, task_id: int) -> DispatchTask:
    return get_visible_or_404(selectors.tasks_for(request.user), request.user, Action.VIEW, pk=task_id)


def _detail(
    request: HttpRequest, task: DispatchTask, bound: dict[int, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    org_id = getattr(user, "organisation_id", None)
    rows = list(selectors.assignments_of(user, task))
    progress = selectors.child_progress(user, [a.pk for a in rows])
    may_send = _may_send(user)
    bound = bound or {}
    entries = []
    for a in rows:
        mine = a.recipient_id == org_id
        entries.append(
            {
                "a": a,
                "progress": progress.get(a.pk),
                "answer_form": bound.get(a.pk) or AnswerForm() if mine and a.awaiting_answer else None,
                "review_form": (
                    bound.get(a.pk) or ReviewForm()
                    if task.sender_id == org_id and a.state == DispatchState.ANSWERED
                    else None
                ),
                "may_redispatch": mine and may_send and a.state != DispatchState.CLOSED,
            }
        )
    context = {
        "task": task,
        "attachments": selectors.task_attachments(user, task),
        "entries": entries,
        "today": timezone.localdate(),
    }
    return render(request, "dispatch/detail.html", context, status=status)


@require_GET
def detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id)
    mine = getattr(task, "my_assignment", None)
    if mine is not None and getattr(task, "my_state", None) == DispatchState.SENT:
        # The recipient opens the task for the first time: it is received.
        services.mark_received(request.user, mine)
        task = _task(request, task_id)
    return _detail(request, task)


@require_POST
def answer(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment(request, assignment_id)
    form = AnswerForm(request.POST, request.FILES)
    done, status = submit(
        request,
        form,
        lambda data: services.answer(request.user, assignment.pk, **data),
        _("Answer sent for review."),
    )
    if done is not None:
        return redirect("dispatch:detail", assignment.task_id)
    return _detail(request, _task(request, assignment.task_id), {assignment.pk: form}, status)


@require_POST
def review(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment(request, assignment_id)
    form = ReviewForm(request.POST)
    done, status = submit(
        request,
        form,
        lambda data: services.review(request.user, assignment.pk, **data),
        _("Decision recorded."),
    )
    if done is not None:
        return redirect("dispatch:detail", assignment.task_id)
    return _detail(request, _task(request, assignment.task_id), {assignment.pk: form}, status)


@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    qs = selectors.attachments_for(request.user)
    item = get_visible_or_404(qs, request.user, Action.VIEW, pk=attachment_id)
    return uploads.serve(item.thumbnail if request.GET.get("thumbnail") and item.thumbnail else item.file)
