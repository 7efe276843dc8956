"""Scoring of a standardised inspection and the grades that follow (量化分级).

Score: 100 × (weight of the passed items) / (weight of the applicable items), items marked "not
applicable" left out; truncated (not rounded) to one decimal, so a stored 90.0 always means the exact
score reached 90. No applicable item at all scores 100.

Dynamic grade (shown as a face), per inspection:
- 优秀 (大笑): score ≥ 90 and no key item failed;
- 良好 (微笑): score ≥ 75 and at most one key item failed;
- 一般 (平脸): score ≥ 60 and at most one key item failed;
- no grade (不予评级): score < 60, or two or more key items failed.
Source: domain-rules §1.4, the Hainan cut-offs of the SFDA 2012 量化分级 guidance (≥ 9.0 优秀,
7.5–8.9 良好, 6.0–7.4 一般; no grade below 6.0 or with 2+ key items failed), here on a 100-point scale.
The key-item conditions for 优秀 (none failed) and 良好 (at most one) are our default: the reference
gives none beyond the "2+ key items → no grade" rule.

Annual grade (A/B/C) over the calendar year's inspections — our default, the reference names the
grades but gives no rule:
- C when any inspection got no grade, or was 一般 with a key item failed, or the average score < 75;
- A when every inspection was 优秀 or 良好 and at least one 优秀;
- B otherwise. No inspection in the year: no annual grade.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from brightkitchen.inspections.models import Outcome
from brightkitchen.schools.models import AnnualGrade, DynamicGrade

EXCELLENT_MIN = Decimal(90)
GOOD_MIN = Decimal(75)
FAIR_MIN = Decimal(60)
EXCELLENT_MAX_KEY_FAILURES = 0
GOOD_MAX_KEY_FAILURES = 1
GRADED_MAX_KEY_FAILURES = 1  # two or more failed key items: no grade
ANNUAL_C_AVERAGE_BELOW = Decimal(75)

FACES = {
    DynamicGrade.EXCELLENT: "😄",
    DynamicGrade.GOOD: "🙂",
    DynamicGrade.FAIR: "😐",
}


@dataclass(frozen=True)
class Scored:
    outcome: str
    weight: int
    is_key: bool


def score_of(results: Iterable[Scored]) -> tuple[Decimal, int]:
    """(score, key items failed)."""
    passed = applicable = key_failures = 0
    for r in results:
        if r.outcome == Outcome.NOT_APPLICABLE:
            continue
        applicable += r.weight
        if r.outcome == Outcome.PASS:
            passed += r.weight
        elif r.is_key:
            key_failures += 1
    if applicable == 0:
        return Decimal(100), key_failures
    score = (Decimal(100 * passed) / Decimal(applicable)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return score, key_failures


def dynamic_grade(score: Decimal, key_failures: int) -> DynamicGrade | None:
    """The grade of one inspection, or None for 不予评级."""
    if score < FAIR_MIN or key_failures > GRADED_MAX_KEY_FAILURES:
        return None
    if score >= EXCELLENT_MIN and key_failures <= EXCELLENT_MAX_KEY_FAILURES:
        return DynamicGrade.EXCELLENT
    if score >= GOOD_MIN and key_failures <= GOOD_MAX_KEY_FAILURES:
        return DynamicGrade.GOOD
    return DynamicGrade.FAIR


@dataclass(frozen=True)
class Graded:
    score: Decimal
    key_failures: int
    grade: str  # a DynamicGrade value, or "" for no grade


def annual_grade(inspections: Sequence[Graded]) -> AnnualGrade | None:
    if not inspections:
        return None
    average = sum((i.score for i in inspections), Decimal(0)) / len(inspections)
    if (
        average < ANNUAL_C_AVERAGE_BELOW
        or any(not i.grade for i in inspections)
        or any(i.grade == DynamicGrade.FAIR and i.key_failures for i in inspections)
    ):
        return AnnualGrade.C
    grades = {i.grade for i in inspections}
    if grades <= {DynamicGrade.EXCELLENT, DynamicGrade.GOOD} and DynamicGrade.EXCELLENT in grades:
        return AnnualGrade.A
    return AnnualGrade.B
