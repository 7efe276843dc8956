"""How bodies and schools are named after the place they sit in, following Chinese usage:
"晋中市榆次区市场监督管理局" but "介休市市场监督管理局" (a county-level city stands on its own), and
in Dongguan and Zhongshan, whose cities have towns instead of counties, "东莞市市场监督管理局虎门分局".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from brightkitchen.demo.names import PLACE_WORDS, chinese_number
from brightkitchen.regions.models import Region, RegionLevel
from brightkitchen.schools.models import SchoolType

_TOWN_SUFFIXES = ("街道", "镇")


@dataclass(frozen=True)
class Place:
    """A region as the generators need it, detached from the database."""

    code: str
    name: str
    full_name: str
    level: int
    city_name: str = ""  # the enclosing city, for county- and town-level places

    @classmethod
    def of(cls, region: Region, city: Region | None = None) -> Place:
        return cls(region.code, region.name, region.full_name, region.level, city.name if city else "")

    @property
    def is_town(self) -> bool:
        # Towns and sub-districts of cities without counties have 9-digit codes.
        return len(self.code) > 6

    @property
    def local_name(self) -> str:
        """How the place is written before a body's name."""
        if self.level < RegionLevel.COUNTY:
            return self.name
        if self.is_town or self.name.endswith("区"):
            return self.city_name + self.name
        return self.name


def regulator_name(place: Place) -> str:
    if place.is_town:
        stem = place.name
        for suffix in _TOWN_SUFFIXES:
            stem = stem.removesuffix(suffix)
        return f"{place.city_name}市场监督管理局{stem}分局"
    return f"{place.local_name}市场监督管理局"


def education_bureau_name(place: Place) -> str:
    if place.is_town:
        return f"{place.local_name}教育管理中心"
    return f"{place.local_name}教育局"


_SUFFIX = {
    SchoolType.KINDERGARTEN: "幼儿园",
    SchoolType.PRIMARY: "小学",
    SchoolType.SECONDARY: "中学",
    SchoolType.VOCATIONAL: "职业中学",
}
_SPECIALS = {
    SchoolType.KINDERGARTEN: ("实验幼儿园", "机关幼儿园", "中心幼儿园"),
    SchoolType.PRIMARY: ("实验小学", "中心小学", "外国语小学"),
    SchoolType.SECONDARY: ("实验中学", "外国语学校", "初级中学", "高级中学"),
    SchoolType.VOCATIONAL: (
        "职业中学",
        "职业技术学校",
        "中等职业学校",
        "职业教育中心",
        "卫生职业学校",
        "技工学校",
    ),
}
_COLLEGE_WORDS = (
    "",
    "理工",
    "科技",
    "信息",
    "工商",
    "财经",
    "师范",
    "医学",
    "艺术",
    "商贸",
    "建筑",
    "交通",
    "农业",
    "外语",
    "体育",
    "旅游",
    "卫生",
    "电子",
    "机电",
    "经贸",
    "传媒",
    "幼儿师范",
    "城市",
    "工程",
)
_COLLEGE_SUFFIXES = ("学院", "职业技术学院", "职业学院")


@dataclass
class SchoolNames:
    """Hands out school names that are unique within each place (and, for colleges, which are named
    after their city, unique within the city)."""

    rng: random.Random
    used: set[tuple[str, str]] = field(default_factory=set)
    ordinals: dict[tuple[str, SchoolType], int] = field(default_factory=dict)

    def next(self, place: Place, school_type: SchoolType) -> str:
        if school_type == SchoolType.UNIVERSITY:
            return self._college(place)
        prefix = place.local_name if place.is_town else place.name
        candidates: list[str] = []
        if school_type == SchoolType.VOCATIONAL:
            # A county has one or two vocational schools, named for what they are, not numbered.
            candidates = [prefix + special for special in _SPECIALS[school_type]]
            self.rng.shuffle(candidates)
        elif self.rng.random() < 0.45:
            candidates += [prefix + special for special in _SPECIALS[school_type]]
            candidates += [prefix + word + _SUFFIX[school_type] for word in PLACE_WORDS]
            self.rng.shuffle(candidates)
        for name in candidates:
            if (place.code, name) not in self.used:
                return self._take(place.code, name)
        return self._take(place.code, self._ordinal(place, prefix, school_type))

    def _ordinal(self, place: Place, prefix: str, school_type: SchoolType) -> str:
        while True:
            n = self.ordinals.get((place.code, school_type), 0) + 1
            self.ordinals[place.code, school_type] = n
            name = f"{prefix}第{chinese_number(n)}{_SUFFIX[school_type]}"
            if (place.code, name) not in self.used:
                return name

    def _college(self, place: Place) -> str:
        city = place.city_name or place.name
        options = [city + word + suffix for word in _COLLEGE_WORDS for suffix in _COLLEGE_SUFFIXES]
        self.rng.shuffle(options)
        for name in options:
            if (city, name) not in self.used:
                self.used.add((city, name))
                return self._take(place.code, name)
        return self._take(place.code, self._ordinal(place, place.name, SchoolType.VOCATIONAL))

    def _take(self, code: str, name: str) -> str:
        self.used.add((code, name))
        return name
