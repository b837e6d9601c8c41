"""Fill ``Elder.name_sort`` for the rows that existed before 0007.

A frozen copy of ``elders.name_order.name_sort_key`` as it was when this migration was
written (migrations never import app code): one segment per character, the pinyin with its
tone number then the character (the first character read as a surname where it has a
surname reading), or any other character case-folded then itself, joined by U+001F
(control characters, which no name may hold, left out).
"""

from django.db import migrations
from pypinyin import Style, lazy_pinyin

SURNAME_READINGS = {
    "曾": "zeng1",
    "单": "shan4",
    "仇": "qiu2",
    "解": "xie4",
    "区": "ou1",
    "查": "zha1",
    "朴": "piao2",
    "长": "chang2",
    "乐": "yue4",
    "华": "hua4",
    "重": "chong2",
    "盖": "ge3",
    "覃": "qin2",
    "翟": "zhai2",
    "缪": "miao4",
    "任": "ren2",
    "种": "chong2",
    "秘": "bi4",
    "隗": "wei3",
    "召": "shao4",
    "句": "gou1",
    "繁": "po2",
    "员": "yun4",
    "过": "guo1",
    "万": "wan4",
    "沈": "shen3",
}
BATCH = 2000


def _segment(char, first, cache):  # type: ignore[no-untyped-def]
    if first and char in SURNAME_READINGS:
        return SURNAME_READINGS[char] + char
    if char not in cache:
        reading = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
        cache[char] = reading[0] + char if reading else char.casefold() + char
    return cache[char]


def _key(name, cache):  # type: ignore[no-untyped-def]
    text = "".join(c for c in name.strip() if c >= " " and c != "\x7f")
    return "\x1f".join(_segment(c, i == 0, cache) for i, c in enumerate(text))[:500]


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Elder = apps.get_model("elders", "Elder")
    cache = {}
    rows = Elder.objects.filter(name_sort="").only("id", "name").order_by("pk")
    last = None
    while True:
        batch = list((rows.filter(pk__gt=last) if last is not None else rows)[:BATCH])
        if not batch:
            return
        for elder in batch:
            elder.name_sort = _key(elder.name, cache)
        Elder.objects.bulk_update(batch, ["name_sort"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("elders", "0007_elder_name_sort_and_no_fact_defaults")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
