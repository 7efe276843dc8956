"""Move the rows of the two old checklist models into the one versioned checklist model.

- inspections: each ChecklistTemplate becomes a checklist of purpose "inspection" (its owner's region),
  each TemplateVersion a ChecklistVersion of it, each TemplateItem a ChecklistItem; inspections and their
  results are pointed at the new version and items (`new_version`, `new_item`).
- selfcheck: the rows of one region and kind (each old ChecklistTemplate row was one version) become one
  checklist of that purpose with one published ChecklistVersion per old row (same number, published
  when it was saved); ChecklistItem.order is the old position; reports and answers are pointed at the
  new version and items (`new_template`, `new_item`).

Reversible: going back copies the new rows of each purpose into the (then empty) old tables and points
the inspections, results, reports and answers at them again. Ids are not kept (both old models' ids
meet in one table); timestamps and submission keys are.
"""

from collections import defaultdict

from django.db import migrations

BATCH = 500


def _keep_times(model, pairs):
    """Copy created_at/updated_at from old rows to new ones (bulk_update skips auto_now)."""
    rows = []
    for new, old in pairs:
        new.created_at, new.updated_at = old.created_at, old.updated_at
        rows.append(new)
    model.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=BATCH)


def _repoint(model, old_field, new_field, mapping):
    for old_id, new_id in mapping.items():
        model.objects.filter(**{old_field: old_id}).update(**{new_field: new_id})


def forward(apps, schema_editor):
    Template = apps.get_model("checklists", "ChecklistTemplate")
    Version = apps.get_model("checklists", "ChecklistVersion")
    Item = apps.get_model("checklists", "ChecklistItem")

    # --- inspections ------------------------------------------------------------------------------
    OldTemplate = apps.get_model("inspections", "ChecklistTemplate")
    OldVersion = apps.get_model("inspections", "TemplateVersion")
    OldItem = apps.get_model("inspections", "TemplateItem")
    Inspection = apps.get_model("inspections", "Inspection")
    Result = apps.get_model("inspections", "InspectionResult")

    templates, versions, items = {}, {}, {}
    pairs = []
    for old in OldTemplate.objects.select_related("owner").order_by("pk"):
        new = Template.objects.create(
            purpose="inspection",
            region_id=old.owner.region_id,
            owner_id=old.owner_id,
            name=old.name,
            submission_key=old.submission_key,
        )
        templates[old.pk] = new.pk
        pairs.append((new, old))
    _keep_times(Template, pairs)
    pairs = []
    for old in OldVersion.objects.order_by("pk"):
        new = Version.objects.create(
            template_id=templates[old.template_id], number=old.number, published_at=old.published_at
        )
        versions[old.pk] = new.pk
        pairs.append((new, old))
    _keep_times(Version, pairs)
    pairs = []
    for old in OldItem.objects.order_by("pk"):
        new = Item.objects.create(
            version_id=versions[old.version_id],
            order=old.order,
            code=old.code,
            text=old.text,
            is_key=old.is_key,
            weight=old.weight,
        )
        items[old.pk] = new.pk
        pairs.append((new, old))
    _keep_times(Item, pairs)
    _repoint(Inspection, "version_id", "new_version_id", versions)
    _repoint(Result, "item_id", "new_item_id", items)

    # --- selfcheck --------------------------------------------------------------------------------
    OldList = apps.get_model("selfcheck", "ChecklistTemplate")
    OldListItem = apps.get_model("selfcheck", "ChecklistItem")
    Report = apps.get_model("selfcheck", "SelfInspection")
    Answer = apps.get_model("selfcheck", "InspectionAnswer")

    by_region_kind = defaultdict(list)
    for old in OldList.objects.order_by("region_id", "kind", "version", "pk"):
        by_region_kind[(old.region_id, old.kind)].append(old)
    versions, items = {}, {}
    template_pairs, version_pairs, item_pairs = [], [], []
    for (region_id, kind), rows in by_region_kind.items():
        template = Template.objects.create(purpose=kind, region_id=region_id)
        template_pairs.append((template, rows[0]))
        for old in rows:
            version = Version.objects.create(
                template_id=template.pk,
                number=old.version,
                published_at=old.created_at,
                created_by_id=old.created_by_id,
                submission_key=old.submission_key,
            )
            versions[old.pk] = version.pk
            version_pairs.append((version, old))
    for old in OldListItem.objects.order_by("pk"):
        new = Item.objects.create(
            version_id=versions[old.template_id], order=old.position, text=old.text, is_key=old.is_key
        )
        items[old.pk] = new.pk
        item_pairs.append((new, old))
    _keep_times(Template, template_pairs)
    _keep_times(Version, version_pairs)
    _keep_times(Item, item_pairs)
    _repoint(Report, "template_id", "new_template_id", versions)
    _repoint(Answer, "item_id", "new_item_id", items)


def backward(apps, schema_editor):
    Template = apps.get_model("checklists", "ChecklistTemplate")
    Version = apps.get_model("checklists", "ChecklistVersion")
    Item = apps.get_model("checklists", "ChecklistItem")

    # --- inspections ------------------------------------------------------------------------------
    OldTemplate = apps.get_model("inspections", "ChecklistTemplate")
    OldVersion = apps.get_model("inspections", "TemplateVersion")
    OldItem = apps.get_model("inspections", "TemplateItem")
    Inspection = apps.get_model("inspections", "Inspection")
    Result = apps.get_model("inspections", "InspectionResult")

    templates, versions, items = {}, {}, {}
    pairs = []
    for new in Template.objects.filter(purpose="inspection").order_by("pk"):
        old = OldTemplate.objects.create(name=new.name, owner_id=new.owner_id, submission_key=new.submission_key)
        templates[new.pk] = old.pk
        pairs.append((old, new))
    _keep_times(OldTemplate, pairs)
    pairs = []
    for new in Version.objects.filter(template__purpose="inspection").order_by("pk"):
        old = OldVersion.objects.create(
            template_id=templates[new.template_id], number=new.number, published_at=new.published_at
        )
        versions[new.pk] = old.pk
        pairs.append((old, new))
    _keep_times(OldVersion, pairs)
    pairs = []
    for new in Item.objects.filter(version__template__purpose="inspection").order_by("pk"):
        old = OldItem.objects.create(
            version_id=versions[new.version_id],
            order=new.order,
            code=new.code,
            text=new.text,
            is_key=new.is_key,
            weight=new.weight,
        )
        items[new.pk] = old.pk
        pairs.append((old, new))
    _keep_times(OldItem, pairs)
    _repoint(Inspection, "new_version_id", "version_id", versions)
    _repoint(Result, "new_item_id", "item_id", items)

    # --- selfcheck --------------------------------------------------------------------------------
    OldList = apps.get_model("selfcheck", "ChecklistTemplate")
    OldListItem = apps.get_model("selfcheck", "ChecklistItem")
    Report = apps.get_model("selfcheck", "SelfInspection")
    Answer = apps.get_model("selfcheck", "InspectionAnswer")

    self_check = ("daily", "weekly", "monthly")
    versions, items = {}, {}
    pairs = []
    for new in Version.objects.filter(template__purpose__in=self_check).select_related("template"):
        old = OldList.objects.create(
            region_id=new.template.region_id,
            kind=new.template.purpose,
            version=new.number,
            created_by_id=new.created_by_id,
            submission_key=new.submission_key,
        )
        versions[new.pk] = old.pk
        pairs.append((old, new))
    _keep_times(OldList, pairs)
    pairs = []
    for new in Item.objects.filter(version__template__purpose__in=self_check).order_by("version_id", "order", "pk"):
        old = OldListItem.objects.create(
            template_id=versions[new.version_id], position=new.order, text=new.text, is_key=new.is_key
        )
        items[new.pk] = old.pk
        pairs.append((old, new))
    _keep_times(OldListItem, pairs)
    _repoint(Report, "new_template_id", "template_id", versions)
    _repoint(Answer, "new_item_id", "item_id", items)
    # The new rows go when the checklists tables are dropped (reversing 0001).
    Inspection.objects.update(new_version=None)
    Result.objects.update(new_item=None)
    Report.objects.update(new_template=None)
    Answer.objects.update(new_item=None)
    Item.objects.all().delete()
    Version.objects.all().delete()
    Template.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0001_initial"),
        ("inspections", "0003_old_checklist_links_nullable"),
        ("selfcheck", "0003_old_checklist_links_nullable"),
    ]

    operations = [migrations.RunPython(forward, backward)]
