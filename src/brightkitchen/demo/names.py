"""Plausible Chinese names, phone numbers and registration codes for generated data.

Everything takes a `random.Random` so a given seed always yields the same data set.
"""

from __future__ import annotations

import random

_DIGITS = "零一二三四五六七八九"

# Common surnames first, so weighting by position gives a realistic mix (王, 李, 张 dominate).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔"
)
_SURNAME_WEIGHTS = [1.0 / (i + 4) for i in range(len(_SURNAMES))]
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国红梅玉兰秀英志宏海波斌鹏辉俊峰琳燕晓东亮婷雪慧"
    "文博浩宇欣怡子涵佳颖思雨晨阳嘉懿卫民淑珍桂兰春生永福德胜金凤丹宁瑞祥"
)
_MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
    "199",
)
_ROADS = (
    "人民路",
    "解放路",
    "建设路",
    "文化路",
    "育才路",
    "新华街",
    "府前街",
    "中心街",
    "朝阳路",
    "和平路",
    "东风路",
    "滨河路",
    "学府路",
    "公园路",
    "青年路",
    "胜利路",
    "迎宾路",
    "顺城街",
    "新建路",
    "花园路",
    "光明路",
    "团结路",
)
_BRANDS = (
    "鑫源",
    "恒泰",
    "福满",
    "康达",
    "佳禾",
    "丰瑞",
    "永盛",
    "华膳",
    "金穗",
    "禾润",
    "美味源",
    "膳缘",
    "绿源",
    "安康",
    "德信",
    "益膳",
    "百味",
    "惠民",
    "优膳",
    "正和",
    "乐厨",
    "嘉盛",
    "新食代",
    "好味来",
)
# Place-like words that name a school after its part of town ("城关小学", "育才中学").
PLACE_WORDS = (
    "城关",
    "城东",
    "城西",
    "城南",
    "城北",
    "东关",
    "西关",
    "南关",
    "北关",
    "新华",
    "育才",
    "朝阳",
    "红旗",
    "光明",
    "建设",
    "文化",
    "东街",
    "西街",
    "南街",
    "北街",
    "新城",
    "滨河",
    "东湖",
    "桥东",
    "桥西",
    "府前",
    "花园",
    "前进",
)

# GB 32100-2015 (unified social credit code) and GB 11714-1997 (organisation code) check characters.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (as in 第一百零五中学); 1 ≤ n ≤ 999."""
    if not 1 <= n <= 999:
        raise ValueError(n)
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        # "十一", not "一十一", when the number starts with the tens.
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and units:
        out += "零"
    if units:
        out += _DIGITS[units]
    return out


def person_name(rng: random.Random) -> str:
    surname = rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    return surname + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def mobile_phone(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def street_address(rng: random.Random, region_full_name: str) -> str:
    return f"{region_full_name}{rng.choice(_ROADS)}{rng.randint(1, 320)}号"


def company_name(rng: random.Random, place: str, business: str) -> str:
    """e.g. 晋中市鑫源餐饮管理有限公司."""
    return f"{place}{rng.choice(_BRANDS)}{business}有限公司"


def credit_code(rng: random.Random, region_code: str, authority: str) -> str:
    """A unified social credit code with valid check characters. `authority` is the two leading
    characters: 11 for a government body, 12 for a public institution (school), 91 for a company."""
    # Digits only in the organisation code keep its own check (where letters count A=10..Z=35) simple.
    body = f"{rng.randrange(10**8):08d}"
    org_sum = sum(int(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    org_check = 11 - org_sum % 11
    org_code = body + {10: "X", 11: "0"}.get(org_check, str(org_check))
    first17 = authority + region_code[:6].ljust(6, "0") + org_code
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_ALPHABET[(31 - total % 31) % 31]
