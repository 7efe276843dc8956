"""Changes shared by the apps that keep checklists. The apps' services check the acting user's rights
(through the checklists' scope rule) and their own rules first, then call these inside their
transaction."""

from __future__ import annotations

import datetime
import uuid

from django.db.models import Max

from brightkitchen.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from brightkitchen.core.scoping import AnyUser
from brightkitchen.core.validation import acting_user


def lock(template: ChecklistTemplate) -> None:
    """Lock the template's row (inside a transaction) so two editors never make the same version."""
    ChecklistTemplate.objects.select_for_update().filter(pk=template.pk).first()


def latest_version(template: ChecklistTemplate) -> ChecklistVersion | None:
    return ChecklistVersion.objects.filter(template=template).order_by("-number").first()


def next_number(template: ChecklistTemplate) -> int:
    latest = ChecklistVersion.objects.filter(template=template).aggregate(m=Max("number"))["m"]
    return (latest or 0) + 1


def new_version(
    user: AnyUser | None,
    template: ChecklistTemplate,
    *,
    published_at: datetime.datetime | None = None,
    copy_from: ChecklistVersion | None = None,
    submission_key: uuid.UUID | None = None,
) -> ChecklistVersion:
    """The template's next version (call with the template locked), a draft unless `published_at` is
    given, with a copy of `copy_from`'s items."""
    version = ChecklistVersion(
        template=template,
        number=next_number(template),
        published_at=published_at,
        created_by=acting_user(user) if user is not None else None,
        submission_key=submission_key,
    )
    version.save()
    if copy_from is not None:
        for item in copy_from.items.order_by("order", "id"):
            ChecklistItem(
                version=version,
                order=item.order,
                code=item.code,
                text=item.text,
                is_key=item.is_key,
                weight=item.weight,
            ).save()
    return version
