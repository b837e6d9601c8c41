"""The order of names as Chinese users expect it: by pinyin (ADR 0007).

``name_sort_key`` is stored in ``Elder.name_sort`` (written by ``services.apply_to_model``,
the one write path) and indexed; sorting by it gives the same order on SQLite and on
PostgreSQL (where the column uses the "C" collation, i.e. code-point order).

The key is one segment per character, joined by the control character U+001F (which no
name may hold, see ``common.text``): a Han character becomes its pinyin with the tone
number, then the character itself (``李华`` → ``li3李␟hua2华``); any other character becomes
its case-folded form, then itself. So

- names sort syllable by syllable (``li`` < ``lin`` < ``liu``), then by tone, then by
  character, so all 李 come together, before 里 and after 黎 (li2);
- a shorter name sorts before a longer one with the same beginning (the separator sorts
  before every character);
- the key of a name's first *n* characters is the beginning of the key of the name, and
  only of such names, so a name-prefix search is a range on the same index
  (``name_sort_range``).

For that last property each character is read on its own, not in phrase context; the first
character is read as a surname where it has a surname reading (曾 zeng1, not ceng2).
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

#: Readings of polyphonic characters as surnames (the first character of a name).
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
#: ``Elder.name_sort`` holds at most this many characters.
MAX_LENGTH = 500
#: Below every character a name may hold (names refuse control characters).
SEPARATOR = "\x1f"


def _is_control(char: str) -> bool:
    return char < " " or char == "\x7f"


@lru_cache(maxsize=8192)
def _segment(char: str, first: bool) -> str:
    if first and char in SURNAME_READINGS:
        return SURNAME_READINGS[char] + char
    reading = lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore")
    if reading:
        return reading[0] + char
    return char.casefold() + char


def name_sort_key(name: str) -> str:
    """The stored sort key of a name (see the module documentation)."""
    text = "".join(c for c in name.strip() if not _is_control(c))
    return SEPARATOR.join(_segment(char, index == 0) for index, char in enumerate(text))[
        :MAX_LENGTH
    ]


def name_sort_range(prefix: str) -> tuple[str, str] | None:
    """``(low, high)``: exactly the keys of the names that begin with ``prefix`` satisfy
    ``low <= key < high``. None when the prefix is empty or holds a control character (no
    name does; the caller then filters by the name itself)."""
    text = prefix.strip()
    if not text or text != prefix or any(_is_control(c) for c in text):
        return None
    low = name_sort_key(text)
    # After a whole segment comes either the end or the separator.
    return low, low + chr(ord(SEPARATOR) + 1)
