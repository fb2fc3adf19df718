"""Reading places as villages write them: village groups (1组, 第一组, 红旗村3组) and work places.

Used by the imports; the registers' own forms choose from lists and need none of this.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from registry.models import WorkPlace

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _chinese_number(text: str) -> int | None:
    """Return 1 to 99 from 一 … 九十九, or None."""
    if not text or any(ch not in _NUMERALS for ch in text):
        return None
    if text == "十":
        return 10
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0)
    return _NUMERALS[text] if len(text) == 1 else None


_GROUP = re.compile(r"^第?([0-9]+|[一二三四五六七八九十]+)(?:组|社|村民小组|小组)?$")


def find_group(groups: Sequence[Any], text: str, *, village_name: str = "") -> Any | None:
    """Return the group of ``groups`` that ``text`` names (by its name or its number), or None.

    Accepted: the group's own name, 3组, 3, 第三组, 三社, and any of these after the village's name.
    """
    wanted = unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")
    if village_name and wanted.startswith(village_name):
        wanted = wanted[len(village_name) :]
    for group in groups:
        if group.name and wanted == group.name:
            return group
    match = _GROUP.match(wanted)
    if match is None:
        return None
    digits = match.group(1)
    number = int(digits) if digits.isdigit() else _chinese_number(digits)
    return next((g for g in groups if g.number == number), None)


def no_group_reason(groups: Sequence[Any], text: str) -> str:
    """Return why ``text`` names no group of the village, listing the groups it has."""
    names = "、".join(str(g) for g in groups) or _("（本村还没有村民小组）")
    return _("本村没有“%(group)s”这个村民小组，应为：%(groups)s。") % {"group": text, "groups": names}


#: Province-level divisions by the first two digits of a division code, as people write them.
PROVINCES = {
    "11": ("北京",), "12": ("天津",), "13": ("河北",), "14": ("山西",), "15": ("内蒙古",),
    "21": ("辽宁",), "22": ("吉林",), "23": ("黑龙江",), "31": ("上海",), "32": ("江苏",),
    "33": ("浙江",), "34": ("安徽",), "35": ("福建",), "36": ("江西",), "37": ("山东",),
    "41": ("河南",), "42": ("湖北",), "43": ("湖南",), "44": ("广东",), "45": ("广西",),
    "46": ("海南",), "50": ("重庆",), "51": ("四川",), "52": ("贵州",), "53": ("云南",),
    "54": ("西藏",), "61": ("陕西",), "62": ("甘肃",), "63": ("青海",), "64": ("宁夏",),
    "65": ("新疆",), "71": ("台湾",), "81": ("香港",), "82": ("澳门",),
}  # fmt: skip
_ABROAD = ("国外", "境外", "出国")


def parse_work_place(text: str, *, county: Any) -> tuple[str, str, str | None]:
    """Return (work place, detail, error) from a cell such as “省外 广东东莞” or “广东省深圳市”.

    A text that starts with a work place's label (在家, 县内, 县外省内, 省外) is that place, the rest
    its detail, as the export writes it. A text that names a province (or a place abroad) is
    省外, or 县外省内 for the county's own province; ``county`` is anything with a ``code`` (a
    division code: the first two digits are the province). Anything else is refused: whether a
    place is in the county is not something to guess.
    """
    text = (text or "").strip()
    if not text:
        return WorkPlace.HOME, "", None
    labels = sorted(((str(label), value) for value, label in WorkPlace.choices), key=lambda p: -len(p[0]))
    for label, value in labels:
        if text.startswith(label):
            return value, text[len(label) :].strip(), None
    own = PROVINCES.get(str(getattr(county, "code", ""))[:2], ())
    if text.startswith(_ABROAD):
        return WorkPlace.OUT_PROVINCE, text, None
    for names in PROVINCES.values():
        if any(text.startswith(name) for name in names):
            if names == own:
                return WorkPlace.OUT_COUNTY, text, None
            return WorkPlace.OUT_PROVINCE, text, None
    allowed = "、".join(str(label) for _value, label in WorkPlace.choices)
    return (
        "",
        "",
        _(
            "“%(place)s”看不出在县内还是县外：请以%(allowed)s之一开头"
            "（后面可写具体地点，如“省外 广东东莞”），或以省份开头（如“广东省深圳市”）。"
        )
        % {"place": text, "allowed": allowed},
    )
