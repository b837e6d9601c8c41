"""Lawton–Brody Instrumental Activities of Daily Living scale (1969; design notes §5).

Eight items; the best-fitting description is chosen and scores 0 or 1. Several options of
one item share a score, and a record gives the score, so an item's allowed scores are the
set of its option scores ({0, 1} for every item here). Total 0–8, higher = more
independent. There are no official severity bands, so the result's ``band`` is ``None``.

In the original scoring men were scored on telephone, shopping, transportation,
medications and finances only (0–5): see :class:`~.config.LawtonSettings` (off by
default). "Needs help with all home maintenance tasks" scores 1, as in the original (one
public transcription scores it 0).

The English option text follows the original; the Chinese text is our rendering.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .common import invalid_field, item_total, type_name
from .config import ScoringSettings
from .types import Instrument, Item, Option, ScoreDirection

CODE: Final = "lawton-iadl"

ITEMS: Final[tuple[Item, ...]] = (
    Item(
        code="telephone",
        title_zh="使用电话的能力",
        title_en="Ability to use telephone",
        description_zh="",
        description_en="",
        options=(
            Option(
                1,
                "主动使用电话，能查找并拨打号码",
                "Operates telephone on own initiative; looks up and dials numbers",
            ),
            Option(1, "能拨打几个熟悉的号码", "Dials a few well-known numbers"),
            Option(1, "能接电话，但不会拨号", "Answers telephone but does not dial"),
            Option(0, "完全不会使用电话", "Does not use telephone at all"),
        ),
    ),
    Item(
        code="shopping",
        title_zh="购物",
        title_en="Shopping",
        description_zh="",
        description_en="",
        options=(
            Option(1, "能独立完成所有购物", "Takes care of all shopping needs independently"),
            Option(0, "能独立购买小件物品", "Shops independently for small purchases"),
            Option(0, "每次购物都需要有人陪同", "Needs to be accompanied on any shopping trip"),
            Option(0, "完全不能购物", "Completely unable to shop"),
        ),
    ),
    Item(
        code="food_preparation",
        title_zh="备餐",
        title_en="Food preparation",
        description_zh="",
        description_en="",
        options=(
            Option(
                1,
                "能独立计划、烹制和端上适量的饭菜",
                "Plans, prepares and serves adequate meals independently",
            ),
            Option(
                0,
                "备好原料时能做出适量的饭菜",
                "Prepares adequate meals if supplied with ingredients",
            ),
            Option(
                0,
                "能加热、端上和准备饭菜，或能做饭但不能保证饮食适当",
                "Heats, serves and prepares meals, or prepares meals but does not maintain "
                "adequate diet",
            ),
            Option(0, "需要别人把饭菜做好并端上", "Needs to have meals prepared and served"),
        ),
    ),
    Item(
        code="housekeeping",
        title_zh="做家务",
        title_en="Housekeeping",
        description_zh="",
        description_en="",
        options=(
            Option(
                1,
                "能独自或偶尔在帮助下（如重活有人帮忙）料理家务",
                "Maintains house alone or with occasional assistance (e.g. heavy-work "
                "domestic help)",
            ),
            Option(
                1,
                "能做洗碗、铺床等日常轻家务",
                "Performs light daily tasks such as dish washing, bed making",
            ),
            Option(
                1,
                "能做日常轻家务，但不能保持可接受的清洁程度",
                "Performs light daily tasks but cannot maintain acceptable level of cleanliness",
            ),
            Option(1, "所有家务都需要帮助", "Needs help with all home maintenance tasks"),
            Option(0, "不参与任何家务", "Does not participate in any housekeeping tasks"),
        ),
    ),
    Item(
        code="laundry",
        title_zh="洗衣",
        title_en="Laundry",
        description_zh="",
        description_en="",
        options=(
            Option(1, "能自己洗全部个人衣物", "Does personal laundry completely"),
            Option(
                1,
                "能洗小件衣物，如漂洗袜子等",
                "Launders small items, rinses stockings, etc.",
            ),
            Option(0, "所有衣物都需要别人洗", "All laundry must be done by others"),
        ),
    ),
    Item(
        code="transportation",
        title_zh="交通出行",
        title_en="Mode of transportation",
        description_zh="",
        description_en="",
        options=(
            Option(
                1,
                "能独立乘坐公共交通工具或自己开车",
                "Travels independently on public transportation or drives own car",
            ),
            Option(
                1,
                "能自己安排乘出租车出行，但不乘坐其他公共交通工具",
                "Arranges own travel via taxi, but does not otherwise use public transportation",
            ),
            Option(
                1,
                "有人陪同时能乘坐公共交通工具",
                "Travels on public transportation when accompanied by another",
            ),
            Option(
                0,
                "只能在他人协助下乘出租车或小汽车出行",
                "Travel limited to taxi or automobile with assistance of another",
            ),
            Option(0, "完全不能出行", "Does not travel at all"),
        ),
    ),
    Item(
        code="medications",
        title_zh="自己负责服药",
        title_en="Responsibility for own medications",
        description_zh="",
        description_en="",
        options=(
            Option(
                1,
                "能在正确的时间按正确的剂量自己服药",
                "Is responsible for taking medication in correct dosages at correct time",
            ),
            Option(
                0,
                "药物事先分装好时能自己服用",
                "Takes responsibility if medication is prepared in advance in separate dosage",
            ),
            Option(0, "不能自己服药", "Is not capable of dispensing own medication"),
        ),
    ),
    Item(
        code="finances",
        title_zh="理财能力",
        title_en="Ability to handle finances",
        description_zh="",
        description_en="",
        options=(
            Option(
                1,
                "能独立处理财务（做预算、开支票、付房租和账单、去银行），收取并管理收入",
                "Manages financial matters independently (budgets, writes cheques, pays rent "
                "and bills, goes to bank), collects and keeps track of income",
            ),
            Option(
                1,
                "能处理日常购物，但银行业务、大宗购买等需要帮助",
                "Manages day-to-day purchases, but needs help with banking, major purchases, etc.",
            ),
            Option(0, "不能管理钱财", "Incapable of handling money"),
        ),
    ),
)

#: Items scored for men in the original 1969 scoring.
MALE_1969_ITEMS: Final[tuple[str, ...]] = (
    "telephone",
    "shopping",
    "transportation",
    "medications",
    "finances",
)

SEXES: Final[tuple[str, ...]] = ("male", "female")

LAWTON_IADL: Final[Instrument] = Instrument(
    code=CODE,
    name_zh="Lawton工具性日常生活活动能力量表",
    name_en="Lawton Instrumental Activities of Daily Living Scale",
    source="Lawton & Brody 1969",
    direction=ScoreDirection.HIGHER_IS_BETTER,
    items=ITEMS,
)


def score_lawton(
    instrument: Instrument,
    scores: Mapping[str, int],
    record: Mapping[str, Any],
    settings: ScoringSettings,
) -> dict[str, Any]:
    """Total 0–8 and ``band: None``; with ``male_1969_scoring`` and a male record, 0–5."""
    sex = record.get("sex")
    if sex is not None and sex not in SEXES:
        raise invalid_field(
            "sex",
            f'字段 sex 必须为 "male" 或 "female"，实际为 {sex!r}',
            f'field sex must be "male" or "female", got {type_name(sex)} {sex!r}',
        )
    result: dict[str, Any] = {"instrument": instrument.code}
    if not settings.lawton.male_1969_scoring:
        result["total"] = item_total(scores, instrument.item_codes)
        result["band"] = None
        return result
    scored = MALE_1969_ITEMS if sex == "male" else instrument.item_codes
    result["total"] = item_total(scores, scored)
    result["band"] = None
    result["max_total"] = sum(instrument.item(code).max_score for code in scored)
    result["scored_items"] = list(scored)
    result["settings"] = settings.lawton.to_dict()
    return result
