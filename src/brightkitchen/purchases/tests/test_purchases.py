from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from brightkitchen.audit.models import AuditLogEntry
from brightkitchen.conftest import World
from brightkitchen.core.errors import Conflict, FieldError
from brightkitchen.purchases import metrics, rules, services
from brightkitchen.purchases.models import PurchaseCertificate, PurchaseInspection, add_months, retain_until
from brightkitchen.purchases.tests.factories import deliveries, jpeg, pdf, photo
from brightkitchen.schools.metrics import MetricInput, canteen_rate
from brightkitchen.schools.models import Canteen

pytestmark = pytest.mark.django_db
D = datetime.date


def _data(**over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "delivered_on": today,
        "supplier_name": "晋中市粮油公司",
        "product": "大米",
        "specification": "25 kg/袋",
        "quantity": Decimal("4"),
        "unit": "袋",
        "production_date": today - datetime.timedelta(days=10),
        "lot_number": "",
        "shelf_life_days": 365,
        "bulk_staple": False,
        "acceptor_name": "王师傅",
        "second_acceptor_name": "",
        "decision": "accepted",
        "rejection_reason": "",
        "rejection_handling": "",
    }
    data.update(over)
    return data


def _create(world: World, who: str = "manager_a", **kwargs: Any) -> tuple[PurchaseInspection, bool]:
    data = kwargs.pop("data", None) or _data()
    return services.create_inspection(world.users[who], world.canteens["a"].pk, data, **kwargs)


def _err(excinfo: pytest.ExceptionInfo[FieldError]) -> str:
    return excinfo.value.field


# --- Retention ----------------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert add_months(D(2026, 1, 15), 24) == D(2028, 1, 15)


def test_retention_six_months_after_shelf_life_end() -> None:
    # produced 1 Jan, 30 days shelf life → shelf life ends 31 Jan → kept until 31 July
    assert retain_until(D(2026, 1, 5), D(2026, 1, 1), 30) == D(2026, 7, 31)
    # only a lot number: counted from the delivery (never earlier than from production)
    assert retain_until(D(2026, 1, 5), None, 30) == D(2026, 8, 4)
    # no shelf life: two years after delivery
    assert retain_until(D(2026, 2, 28), D(2026, 1, 1), None) == D(2028, 2, 28)


def test_delete_refused_until_retention_end_then_allowed(world: World) -> None:
    today = timezone.localdate()
    record, _ = _create(
        world, data=_data(production_date=today - datetime.timedelta(days=40), shelf_life_days=30)
    )
    end = record.retain_until
    assert end == add_months(today - datetime.timedelta(days=10), 6)
    user = world.users["manager_a"]
    with pytest.raises(Conflict) as exc:
        services.delete_inspection(user, record.pk, today=end)  # the last day it must be kept
    assert exc.value.field == "retain_until" and exc.value.status == 409
    services.delete_inspection(user, record.pk, today=end + datetime.timedelta(days=1))
    assert not PurchaseInspection.objects.filter(pk=record.pk).exists()


def test_delete_without_shelf_life_after_two_years(world: World) -> None:
    today = timezone.localdate()
    record, _ = _create(world, data=_data(shelf_life_days=None))
    user = world.users["manager_a"]
    with pytest.raises(Conflict):
        services.delete_inspection(user, record.pk, today=add_months(today, 24))
    services.delete_inspection(user, record.pk, today=add_months(today, 24) + datetime.timedelta(days=1))


def test_api_delete_before_retention_is_409_naming_retain_until(world: World) -> None:
    record, _ = _create(world)
    response = world.client("manager_a").delete(f"/api/v1/purchases/inspections/{record.pk}")
    assert response.status_code == 409
    assert response.json()["detail"][0]["loc"] == ["body", "retain_until"]
    body = world.client("manager_a").get(f"/api/v1/purchases/inspections/{record.pk}").json()
    assert body["retain_until"] == record.retain_until.isoformat() and body["may_delete"] is False


def test_canteen_staff_may_not_delete(world: World) -> None:
    old = deliveries(world)["a"]["old"]
    assert world.client("staff_a").delete(f"/api/v1/purchases/inspections/{old.pk}").status_code == 403
    assert world.client("manager_a").delete(f"/api/v1/purchases/inspections/{old.pk}").status_code == 204


def test_correction_is_audited_and_revalidated(world: World) -> None:
    record, _ = _create(world)
    client = world.client("manager_a")
    before = AuditLogEntry.objects.count()
    response = client.patch(
        f"/api/v1/purchases/inspections/{record.pk}", {"quantity": 5.5}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["quantity"] == "5.50" or Decimal(response.json()["quantity"]) == Decimal("5.5")
    assert AuditLogEntry.objects.count() == before + 1
    # clearing the production date leaves neither date nor lot: refused, naming the field
    response = client.patch(
        f"/api/v1/purchases/inspections/{record.pk}",
        {"production_date": None},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["detail"][0]["loc"] == ["body", "production_date"]
    response = client.patch(
        f"/api/v1/purchases/inspections/{record.pk}", {"canteen_id": 1}, content_type="application/json"
    )
    assert response.status_code == 422


# --- Validation ---------------------------------------------------------------------------------------


def test_production_date_or_lot_number_required(world: World) -> None:
    with pytest.raises(FieldError) as exc:
        _create(world, data=_data(production_date=None, lot_number=""))
    assert _err(exc) == "production_date"
    record, _ = _create(world, data=_data(production_date=None, lot_number="20261101A"))
    assert record.lot_number == "20261101A"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"quantity": Decimal("0")}, "quantity"),
        ({"shelf_life_days": 0}, "shelf_life_days"),
        ({"delivered_on": timezone.localdate() + datetime.timedelta(days=1)}, "delivered_on"),
        ({"production_date": timezone.localdate() + datetime.timedelta(days=1)}, "production_date"),
        ({"product": " "}, "product"),
        ({"unit": ""}, "unit"),
        ({"supplier_name": "x" * 101}, "supplier_name"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_bad_fields_are_named(world: World, over: dict[str, Any], field: str) -> None:
    with pytest.raises(FieldError) as exc:
        _create(world, data=_data(**over))
    assert _err(exc) == field


# --- Two-person rule ------------------------------------------------------------------------------------


def test_bulk_staple_needs_two_different_people(world: World) -> None:
    with pytest.raises(FieldError) as exc:
        _create(world, data=_data(bulk_staple=True))
    assert _err(exc) == "second_acceptor_name"
    with pytest.raises(FieldError) as exc:
        _create(world, data=_data(bulk_staple=True, acceptor_name="王师傅", second_acceptor_name=" 王 师傅 "))
    assert exc.value.code == "same_person"
    record, created = _create(world, data=_data(bulk_staple=True, second_acceptor_name="李会计"))
    assert created and record.second_acceptor_name == "李会计"


def test_bulk_staple_same_user_twice_refused(world: World) -> None:
    manager = world.users["manager_a"]
    staff = world.users["staff_a"]
    data = _data(bulk_staple=True, acceptor_name="", acceptor_id=manager.pk, second_acceptor_id=manager.pk)
    data["second_acceptor_name"] = "另一个名字"
    with pytest.raises(FieldError) as exc:
        _create(world, data=data)
    assert exc.value.code == "same_person"
    data = _data(bulk_staple=True, acceptor_name="", acceptor_id=manager.pk, second_acceptor_id=staff.pk)
    record, _ = _create(world, data=data)
    assert record.acceptor_name == str(manager) and record.second_acceptor_name == str(staff)


def test_acceptor_user_of_another_canteen_refused(world: World) -> None:
    data = _data(acceptor_id=world.users["manager_b"].pk)
    with pytest.raises(FieldError) as exc:
        _create(world, data=data)
    assert _err(exc) == "acceptor_id"


def test_api_bulk_same_person_is_400_naming_field(world: World) -> None:
    body = {**_form(), "bulk_staple": "true", "second_acceptor_name": "王师傅"}
    response = world.client("manager_a").post(_url(world), body)
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "second_acceptor_name"]


# --- Rejection -----------------------------------------------------------------------------------------


def test_rejection_is_recorded_with_reason_and_handling(world: World) -> None:
    with pytest.raises(FieldError) as exc:
        _create(world, data=_data(decision="rejected"))
    assert _err(exc) == "rejection_reason"
    with pytest.raises(FieldError) as exc:
        _create(world, data=_data(decision="rejected", rejection_reason="包装破损"))
    assert _err(exc) == "rejection_handling"
    record, _ = _create(
        world, data=_data(decision="rejected", rejection_reason="检疫证明缺失", rejection_handling="returned")
    )
    assert record.decision == "rejected" and record.rejection_handling == "returned"
    # an accepted delivery carries no rejection record
    accepted, _ = _create(world, data=_data(rejection_reason="多余", rejection_handling="destroyed"))
    assert accepted.rejection_reason == "" and accepted.rejection_handling == ""


def test_rejected_delivery_raises_no_alert_and_is_out_of_the_metric(world: World) -> None:
    _create(world, data=_data(decision="rejected", rejection_reason="变质", rejection_handling="destroyed"))
    today = timezone.localdate()
    assert rules.certificate_missing_findings(today) == []
    assert metrics.certificate_rate(MetricInput(Canteen.objects.all(), today, today)) == {}


# --- Uploads, idempotency ----------------------------------------------------------------------------


def _url(world: World) -> str:
    return f"/api/v1/purchases/canteens/{world.canteens['a'].pk}/inspections"


def _form(**over: Any) -> dict[str, Any]:
    today = timezone.localdate()
    body: dict[str, Any] = {
        "delivered_on": today.isoformat(),
        "supplier_name": "太谷区肉联厂",
        "product": "猪肉",
        "quantity": "20",
        "unit": "kg",
        "production_date": today.isoformat(),
        "shelf_life_days": "3",
        "acceptor_name": "王师傅",
    }
    body.update(over)
    return body


def test_api_create_with_photo_and_pdf(world: World) -> None:
    body = _form(
        certificate_kind="quarantine", certificates=[photo("a.jpg"), SimpleUploadedFile("b.pdf", pdf())]
    )
    response = world.client("manager_a").post(_url(world), body)
    assert response.status_code == 201, response.content
    certs = response.json()["certificates"]
    assert [c["content_type"] for c in certs] == ["image/jpeg", "application/pdf"]
    assert {c["kind"] for c in certs} == {"quarantine"}
    pdf_response = world.client("regulator_a").get(certs[1]["url"])
    assert pdf_response.status_code == 200 and pdf_response["Content-Type"] == "application/pdf"
    # A PDF as uploaded is a download, never a page of the platform's origin; pictures stay inline.
    assert pdf_response["Content-Disposition"].startswith("attachment;")
    assert pdf_response["X-Content-Type-Options"] == "nosniff"
    picture = world.client("regulator_a").get(certs[0]["url"])
    assert picture.status_code == 200 and picture["Content-Disposition"].startswith("inline;")
    assert picture["X-Content-Type-Options"] == "nosniff"
    assert world.client("regulator_b").get(certs[1]["url"]).status_code == 404


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg"),
        SimpleUploadedFile("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
        SimpleUploadedFile("x.jpg", b"", content_type="image/jpeg"),
    ],
)
def test_bad_upload_is_refused_and_stores_nothing(world: World, upload: SimpleUploadedFile) -> None:
    response = world.client("manager_a").post(_url(world), _form(certificates=[upload]))
    assert response.status_code in (400, 422), response.content
    assert response.json()["detail"][0]["loc"][-1] == "certificates"
    assert not PurchaseInspection.objects.filter(product="猪肉").exists()


def test_second_bad_file_is_named_and_first_removed(world: World) -> None:
    bad = SimpleUploadedFile("x.jpg", b"junk", content_type="image/jpeg")
    response = world.client("manager_a").post(_url(world), _form(certificates=[photo(), bad]))
    assert response.status_code == 400
    assert response.json()["detail"][0]["loc"] == ["body", "certificates.1"]
    assert PurchaseCertificate.objects.count() == 0


def test_resubmit_with_submission_key_creates_once(world: World) -> None:
    key = str(uuid.uuid4())
    client = world.client("manager_a")
    first = client.post(_url(world), _form(submission_key=key, certificates=[photo()]))
    second = client.post(_url(world), _form(submission_key=key, certificates=[photo()]))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert PurchaseInspection.objects.count() == 1 and PurchaseCertificate.objects.count() == 1


def test_resubmit_with_idempotency_key_creates_once(world: World) -> None:
    client = world.client("manager_a")
    headers = {"Idempotency-Key": "delivery-1"}
    first = client.post(_url(world), _form(), headers=headers)
    second = client.post(_url(world), _form(), headers=headers)
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and PurchaseInspection.objects.count() == 1


def test_add_certificate_later_closes_the_alert_and_fills_the_metric(world: World) -> None:
    record, _ = _create(world)
    today = timezone.localdate()
    findings = rules.certificate_missing_findings(today)
    assert [f.subject_key for f in findings] == [f"purchase_certificate:{record.pk}"]
    assert canteen_rate(metrics.certificate_rate, record.canteen_id, today, today).rate == 0
    client = world.client("staff_a")
    url = f"/api/v1/purchases/inspections/{record.pk}/certificates"
    key = str(uuid.uuid4())
    assert client.post(url, {"kind": "quality", "file": photo(), "submission_key": key}).status_code == 201
    assert client.post(url, {"kind": "quality", "file": photo(), "submission_key": key}).status_code == 200
    assert PurchaseCertificate.objects.filter(inspection=record).count() == 1
    assert rules.certificate_missing_findings(today) == []
    assert canteen_rate(metrics.certificate_rate, record.canteen_id, today, today).rate == 1
    missing = client.post(url, {"kind": "quality"})
    assert missing.status_code == 400 and missing.json()["detail"][0]["loc"] == ["body", "file"]
    bad_kind = client.post(url, {"kind": "selfie", "file": photo()})
    assert bad_kind.status_code == 422


def test_alert_window_is_seven_days(world: World) -> None:
    today = timezone.localdate()
    _create(world, data=_data(delivered_on=today - datetime.timedelta(days=6)))
    _create(world, data=_data(delivered_on=today - datetime.timedelta(days=7), product="面粉"))
    assert len(rules.certificate_missing_findings(today)) == 1


def test_regulator_reads_but_does_not_record(world: World) -> None:
    response = world.client("regulator_a").post(_url(world), _form())
    assert response.status_code == 403


# --- Page ---------------------------------------------------------------------------------------------


def test_page_records_a_bulk_delivery_with_camera_photo(world: World) -> None:
    client = world.client("manager_a")
    url = f"/purchases/canteens/{world.canteens['a'].pk}/"
    page = client.get(url)
    assert page.status_code == 200 and 'capture="environment"' in page.content.decode()
    assert "second_acceptor_name" in page.content.decode()
    form = {
        **_form(),
        "submission_key": str(uuid.uuid4()),
        "decision": "accepted",
        "certificate_kind": "quarantine",
        "bulk_staple": "on",
        "second_acceptor_name": "王师傅",
        "certificates": photo(),
    }
    refused = client.post(url, form)
    assert refused.status_code == 400 and PurchaseInspection.objects.count() == 0
    form["second_acceptor_name"] = "李会计"
    form["certificates"] = photo()
    assert client.post(url, form).status_code == 302
    assert client.post(url, {**form, "certificates": photo()}).status_code == 302  # resubmit
    assert PurchaseInspection.objects.count() == 1 and PurchaseCertificate.objects.count() == 1


def test_school_file_section_shows_certificate_status(world: World) -> None:
    deliveries(world)
    _create(world, data=_data(product="无证鸡蛋"))
    response = world.client("principal_a").get(f"/schools/{world.schools['a'].pk}/")
    text = response.content.decode()
    assert response.status_code == 200, text[:300]
    assert "甲县测试东北大米" in text and "无证鸡蛋" in text


def test_jpeg_helper_is_valid() -> None:
    assert jpeg()[:2] == b"\xff\xd8"


def test_first_acceptor_defaults_to_the_acting_user(world: World) -> None:
    record, _ = _create(world, data=_data(acceptor_name=""))
    assert record.acceptor_id == world.users["manager_a"].pk and record.acceptor_name == str(record.acceptor)


def test_demo_seed_is_realistic_and_idempotent(world: World) -> None:
    import random

    from brightkitchen.purchases.demo_data import seed
    from brightkitchen.schedule.models import Term

    today = timezone.localdate()
    Term.objects.create(
        region_id="14", name="学期", starts_on=today - datetime.timedelta(days=90), ends_on=today
    )
    canteens = [world.canteens["a"], world.canteens["b"]]
    seed(canteens, today, random.Random(1))
    counts = (PurchaseInspection.objects.count(), PurchaseCertificate.objects.count())
    assert counts[0] > 50 and counts[0] > counts[1] > counts[0] * 0.8
    assert PurchaseInspection.objects.filter(bulk_staple=True).exclude(second_acceptor_name="").exists()
    seed(canteens, today, random.Random(2))
    assert (PurchaseInspection.objects.count(), PurchaseCertificate.objects.count()) == counts
    for record in PurchaseInspection.objects.all()[:200]:
        services.validate(record, today)


def test_patch_acceptor_users(world: World) -> None:
    record, _ = _create(world)
    client = world.client("manager_a")
    url = f"/api/v1/purchases/inspections/{record.pk}"
    same = {
        "bulk_staple": True,
        "second_acceptor_id": world.users["manager_a"].pk,
        "second_acceptor_name": "",
    }
    response = client.patch(
        url, {**same, "acceptor_id": world.users["manager_a"].pk}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"][0]["type"] == "same_person"
    other = {**same, "second_acceptor_id": world.users["staff_a"].pk}
    response = client.patch(url, other, content_type="application/json")
    assert response.status_code == 200 and response.json()["second_acceptor_id"] == world.users["staff_a"].pk
    response = client.patch(url, {"second_acceptor_id": None}, content_type="application/json")
    assert response.status_code == 200 and response.json()["second_acceptor_id"] is None
