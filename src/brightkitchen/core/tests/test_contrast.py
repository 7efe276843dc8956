"""Status badges and muted text reach WCAG AA contrast (4.5:1 for normal text), computed from the
colours in the stylesheet itself: each badge class's text colour on its own background (or the base
badge's), muted text on the page and card backgrounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "brightkitchen" / "app.css"
AA = 4.5


def _rules(css: str) -> list[tuple[list[str], dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = {}
        for decl in body.split(";"):
            if ":" in decl:
                name, value = decl.split(":", 1)
                decls[name.strip()] = value.strip()
        found.append(([s.strip() for s in selectors.split(",")], decls))
    return found


def _variables(rules: list[tuple[list[str], dict[str, str]]]) -> dict[str, str]:
    return {k: v for sels, decls in rules if ":root" in sels for k, v in decls.items() if k.startswith("--")}


def _colour(value: str, variables: dict[str, str]) -> tuple[float, float, float]:
    value = value.strip()
    var = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if var:
        return _colour(variables[var.group(1)], variables)
    hexa = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value)
    assert hexa, f"not a colour this test reads: {value!r}"
    digits = hexa.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple[float, float, float], bg: tuple[float, float, float]) -> float:
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _badge_pairs() -> dict[str, tuple[str, str]]:
    """Every `.badge.<class>` selector, with the text colour and background it ends up with: its own,
    else those of a rule for its class alone (`.status-online`), else the base `.badge`'s, else the
    page's text colour."""
    rules = _rules(CSS.read_text())
    by_selector: dict[str, dict[str, str]] = {}
    for sels, decls in rules:
        for sel in sels:
            by_selector.setdefault(sel, {}).update(decls)
    base = by_selector[".badge"]
    ink = by_selector["body"]["color"]
    pairs = {}
    for sel, decls in by_selector.items():
        m = re.fullmatch(r"\.badge\.([\w-]+)", sel)
        if not m:
            continue
        alone = by_selector.get(f".{m.group(1)}", {})
        fg = decls.get("color") or alone.get("color") or base.get("color") or ink
        bg = decls.get("background") or base["background"]
        pairs[sel] = (fg, bg)
    return pairs


def test_the_stylesheet_has_badges() -> None:
    assert {".badge.valid", ".badge.status-online", ".badge.muted"} <= set(_badge_pairs())


@pytest.mark.parametrize("selector", sorted(_badge_pairs()))
def test_badge_contrast(selector: str) -> None:
    variables = _variables(_rules(CSS.read_text()))
    fg, bg = _badge_pairs()[selector]
    ratio = contrast(_colour(fg, variables), _colour(bg, variables))
    assert ratio >= AA, f"{selector}: {fg} on {bg} is {ratio:.2f}:1, below {AA}:1"


@pytest.mark.parametrize("background", ["--bg", "--card", "--line", "--ok-bg", "--warn-bg", "--bad-bg"])
def test_muted_text_contrast(background: str) -> None:
    variables = _variables(_rules(CSS.read_text()))
    ratio = contrast(_colour("var(--muted)", variables), _colour(f"var({background})", variables))
    assert ratio >= AA, f"muted text on {background} is {ratio:.2f}:1"


def test_contrast_formula() -> None:
    black, white = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
    assert round(contrast(black, white), 1) == 21.0
    assert contrast(white, white) == 1.0
    assert round(contrast(_colour("#767676", {}), white), 2) == 4.54  # the usual grey that just passes
