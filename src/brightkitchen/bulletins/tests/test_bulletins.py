"""Bulletins: the PDF opens, embeds the Chinese font and carries the region's figures in Chinese; the
spreadsheet holds the same tables; a bad period is a 400 naming the field."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from brightkitchen.conftest import COUNTY_A, World
from brightkitchen.core.exports import FORMULA_STARTS
from brightkitchen.rectifications import services as rectifications

pytestmark = pytest.mark.django_db


def _notice(w: World) -> None:
    rectifications.issue_notice(
        w.users["regulator_a"], w.canteens["a"].pk, problem="甲县：垃圾桶未加盖", source_kind="patrol"
    )


def test_pdf_bulletin_has_chinese_text(world: World) -> None:
    _notice(world)
    client = world.client("city_regulator")
    client.cookies["django_language"] = "zh-hans"
    response = client.get("/bulletins/bulletin.pdf", {"period": ""})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "晋中市" in text and "榆次区" in text
    assert "通报" in text and "整改率" in text  # the zh-hans catalogue, not only the data
    fonts: Any = reader.pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any("WenQuanYi" in name for name in names), names  # the Chinese font is embedded (subset)


def test_spreadsheet_bulletin(world: World) -> None:
    _notice(world)
    response = world.client("regulator_a").get("/bulletins/bulletin.xlsx", {"region": COUNTY_A})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any("榆次区" in c for c in cells)
    assert any(world.canteens["a"].name in c for c in cells)  # the overdue list or canteen rows


def test_bad_period_and_wrong_role(world: World) -> None:
    client = world.client("regulator_a")
    response = client.get("/bulletins/bulletin.pdf", {"period": "2026-99"})
    assert response.status_code == 400 and 'data-field="period"' in response.content.decode()
    assert world.client("manager_a").get("/bulletins/bulletin.pdf").status_code == 403
    assert world.client("regulator_b").get("/bulletins/bulletin.pdf", {"region": COUNTY_A}).status_code == 404


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_spreadsheet_cells_are_never_formulas(world: World, start: str) -> None:
    # A school named like a formula (formula injection): the cell holds text, prefixed with '.
    school = world.schools["a"].organisation
    school.name = f'{start}HYPERLINK("http://127.0.0.1/x","点我")'
    school.save()
    _notice(world)
    response = world.client("regulator_a").get("/bulletins/bulletin.xlsx", {"region": COUNTY_A})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    named = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert named, "the canteen's name is in the bulletin"
    assert any(str(c.value).startswith("'") for c in named)  # the school's cell (XML reads \r as \n)
    assert all(c.data_type == "s" and not str(c.value).startswith(FORMULA_STARTS) for c in named)
    assert not [c for c in cells if c.data_type == "f"]
