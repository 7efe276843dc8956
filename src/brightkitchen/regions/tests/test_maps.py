"""The region boundaries of `regions.maps`: the strict literal reader, ECharts' coordinate decoding, the
packaged files (every level: the country, Shanxi's cities, Jinzhong's counties), matching with the
project's region tree by code then name, and the SVG projection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brightkitchen.regions import maps

PCA = Path(maps.__file__).parent / "data" / "pca-code.json"


def _children(code: str) -> list[tuple[str, str]]:
    """(code, name) of a region's children in the project's official tree."""

    def find(nodes: list[dict[str, object]]) -> list[tuple[str, str]] | None:
        for node in nodes:
            kids = node.get("children") or []
            assert isinstance(kids, list)
            if node["code"] == code:
                return [(str(k["code"]), str(k["name"])) for k in kids]
            found = find(kids)
            if found is not None:
                return found
        return None

    result = find(json.loads(PCA.read_text(encoding="utf-8")))
    assert result is not None, code
    return result


def _bounds(shape: maps.Shape) -> tuple[float, float, float, float]:
    points = [p for polygon in shape.polygons for ring in polygon for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), max(lons), min(lats), max(lats)


def test_the_literal_reader_is_strict_and_understands_the_minifiers_words() -> None:
    name, collection = maps.parse_register_map(
        'x.registerMap("测\\u8bd5",{type:"FeatureCollection",UTF8Encoding:!0,'
        'features:[{\'id\':"1",n:-1.5e1,t:true,f:!1,z:null,s:"a\\"b\\\\"}]})'
    )
    assert name == "测试"
    assert collection["UTF8Encoding"] is True
    assert collection["features"] == [{"id": "1", "n": -15.0, "t": True, "f": False, "z": None, "s": 'a"b\\'}]
    for bad in (
        'registerMap("a",{features:[f()]})',  # a call: never evaluated
        'registerMap("a",{features:[1,]',  # cut short
        'registerMap("a",{"features":"x}',  # unterminated string
        "no map here",
    ):
        with pytest.raises(maps.MapDataError):
            maps.parse_register_map(bad)


def test_decoding_a_ring() -> None:
    # "@@" is a zero step (the offset itself); "B@" is +1 in x; "A@" is -1 (zigzag).
    ring = maps.decode_ring("@@B@@BA@", [1024, 2048])
    assert ring == ((1.0, 2.0), (1024 / 1024 + 1 / 1024, 2.0), (1025 / 1024, 2049 / 1024), (1.0, 2049 / 1024))
    with pytest.raises(maps.MapDataError):
        maps.decode_ring("@@@", [0, 0])


def test_jinzhongs_counties_lie_in_jinzhong_and_every_county_has_a_shape() -> None:
    shapes = maps.children_shapes("1407", "晋中市")
    assert len(shapes) == 11
    for shape in shapes:
        west, east, south, north = _bounds(shape)
        assert 111 <= west < east <= 114.5, shape.name
        assert 36.5 <= south < north <= 38.5, shape.name
    yuci = next(s for s in shapes if s.code == "140702")
    assert yuci.name == "榆次区"
    counties = _children("1407")
    matched = maps.match_children(counties, shapes)
    missing = [name for code, name in counties if code not in matched]
    assert missing == []  # 11 of 11
    # 太谷区 (140703 since 2019) has no shape of its own code: the older 太谷县 (140726) by its name's stem.
    assert matched["140703"].code == "140726" and matched["140702"].code == "140702"
    assert len({id(s) for s in matched.values()}) == len(matched)  # no shape used twice


def test_the_country_and_a_province() -> None:
    provinces = _children_of_country()
    country = maps.children_shapes(None)
    matched = maps.match_children(provinces, country)
    assert {c for c, _n in provinces} <= set(matched)  # all 31 provinces (the data adds HK, Macao, Taiwan)
    west, east, south, north = _bounds(matched["14"])  # Shanxi
    assert 110 <= west < east <= 115 and 34.5 <= south < north <= 41
    cities = maps.children_shapes("14", "山西省")
    found = maps.match_children(_children("14"), cities)
    assert len(found) == 11 and found["1407"].name == "晋中市"
    # A name the data does not know, and a city file that is not the region's: no shapes, no error.
    assert maps.children_shapes("1407", "无此市") == ()
    assert maps.children_shapes("4401", "晋中市") == ()
    assert maps.children_shapes("140702", "榆次区") == ()  # below a county: no map


def _children_of_country() -> list[tuple[str, str]]:
    return [(str(n["code"]), str(n["name"])) for n in json.loads(PCA.read_text(encoding="utf-8"))]


def test_name_fallback_takes_only_unambiguous_names() -> None:
    square = (((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)),)
    shapes = [
        maps.Shape("999901", "甲东县", (square,)),
        maps.Shape("999902", "乙东县", (square,)),
        maps.Shape("999905", "丁东县", (square,)),
        maps.Shape("999906", "丁东旗", (square,)),
    ]
    children = [("999902", "乙东县"), ("999903", "甲东区"), ("999904", "丙东县"), ("999907", "丁东区")]
    found = maps.match_children(children, shapes)
    assert found["999902"].code == "999902"  # by code
    assert found["999903"].code == "999901"  # by the stem of its name
    assert "999904" not in found and "999907" not in found  # unknown; two shapes of that stem


def test_projection_fits_and_simplifies() -> None:
    shapes = maps.children_shapes("1407", "晋中市")
    drawing = maps.project(shapes, width=1000, max_height=800)
    assert drawing.width <= 1000 and drawing.height <= 800 and max(drawing.width, drawing.height) >= 799
    assert len(drawing.paths) == len(shapes) and all(
        p.startswith("M") and p.endswith("Z") for p in drawing.paths
    )
    points = sum(len(ring) for s in shapes for polygon in s.polygons for ring in polygon)
    drawn = sum(p.count("L") + p.count("M") for p in drawing.paths)
    assert drawn < points / 2  # simplified
    for path, label in zip(drawing.paths, drawing.labels, strict=True):
        xs = [
            float(pair.split(",")[0]) for pair in path.replace("M", "L").replace("Z", "").split("L") if pair
        ]
        assert label is not None and min(xs) <= label[0] <= max(xs)
    assert maps.shapes_in.cache_info().hits > 0  # decoded once per file
