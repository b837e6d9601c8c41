"""《长期护理失能等级评估标准（试行）》(医保办发〔2021〕37号), 附件1 C1/C2/C3.

Items, options and scores are verified by several sources (design notes §3.2); option
text is verbatim from there, in the order the notes list it. Higher = better in all three
domains: C1 日常生活活动能力 0–100, C2 认知能力 0–16, C3 感知觉与沟通能力 0–12.

The grading of each domain (§3.3) and the 0–5 combination matrix (§3.4) are NOT verified.
They exist here only as :class:`~.config.LtcGradingConfig` data labelled
``status="regional setting to be confirmed — not the verified national table"``. The
scorer always returns the domain totals and computes a grade only when a config is passed
explicitly; :data:`LTC_QUOTED_GRADING` holds the commonly quoted values for a region to
confirm or replace. No mapping to GB/T 42195 levels is implied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .common import domain_totals
from .config import DomainCutoffs, GradeBand, LtcGradingConfig, ScoringSettings
from .types import AbilityLevel, Domain, Instrument, Item, Option, ScoreDirection

CODE: Final = "ltc-2021"

# --- C1 日常生活活动能力 (10 items, 0–100) ------------------------------------------------------
ADL_ITEMS: Final[tuple[Item, ...]] = (
    Item(
        code="feeding",
        title_zh="进食",
        title_en="Feeding",
        description_zh="",
        description_en="",
        options=(
            Option(
                0,
                "较大或完全依赖，或有留置营养管",
                "Largely or fully dependent, or has an indwelling feeding tube",
            ),
            Option(
                5, "需部分帮助（夹菜、盛饭）", "Needs some help (picking up food, serving rice)"
            ),
            Option(
                10,
                "自理（在合理时间内能独立使用餐具进食各种食物，可使用辅助工具独立完成进食，"
                "但不包括做饭）",
                "Independent (eats all kinds of food with utensils within a reasonable time, "
                "may use aids to eat independently; cooking not included)",
            ),
        ),
    ),
    Item(
        code="dressing",
        title_zh="穿衣",
        title_en="Dressing",
        description_zh="",
        description_en="",
        options=(
            Option(0, "依赖他人", "Dependent on others"),
            Option(
                5,
                "需要部分帮助（能自己穿脱衣服或假肢或矫形器，但需要他人帮助整理衣物，"
                "系扣/鞋带、拉拉链等）",
                "Needs some help (puts on and takes off clothes, prostheses or orthoses, but "
                "needs help to arrange clothes, do up buttons or laces, zips, etc.)",
            ),
            Option(
                10,
                "自理（自己系开纽扣，关开拉链和穿鞋、袜、假肢或矫形器等）",
                "Independent (does and undoes buttons and zips, puts on shoes, socks, "
                "prostheses or orthoses, etc.)",
            ),
        ),
    ),
    Item(
        code="face_oral_hygiene",
        title_zh="面部与口腔清洁",
        title_en="Face and mouth hygiene",
        description_zh="",
        description_en="",
        options=(
            Option(0, "需要帮助", "Needs help"),
            Option(
                5,
                "独立洗脸、梳头、刷牙、剃须（不包括准备洗脸水、梳子、牙刷等准备工作）",
                "Washes the face, combs hair, brushes teeth and shaves independently "
                "(preparing water, comb, toothbrush, etc. not included)",
            ),
        ),
    ),
    Item(
        code="bowel_control",
        title_zh="大便控制",
        title_en="Bowel control",
        description_zh="",
        description_en="",
        options=(
            Option(
                0,
                "失禁（平均每周≥1次或完全不能控制大便排泄，需要完全依赖他人）",
                "Incontinent (on average once a week or more, or cannot control defecation "
                "at all and depends fully on others)",
            ),
            Option(
                5,
                "偶有失禁（每周＜1次），或需要他人提示或便秘需要人工帮助取便",
                "Occasional accident (less than once a week), or needs prompting, or "
                "constipation needs manual help to remove stool",
            ),
            Option(10, "能控制", "Continent"),
        ),
    ),
    Item(
        code="bladder_control",
        title_zh="小便控制",
        title_en="Bladder control",
        description_zh="",
        description_en="",
        options=(
            Option(
                0,
                "失禁（平均每天≥1次或经常尿失禁，完全需要他人帮忙完成排尿行为；"
                "或留置导尿管，但无法自行管理导尿管）",
                "Incontinent (on average once a day or more, or often incontinent and fully "
                "dependent on others to pass urine; or catheterised and unable to manage the "
                "catheter)",
            ),
            Option(
                5,
                "偶有失禁（每24h＜1次，但每周＞1次），或需要他人提示",
                "Occasional accident (less than once per 24 h but more than once a week), or "
                "needs prompting",
            ),
            Option(
                10,
                "能控制（或留置导尿管，可自行管理导尿管）",
                "Continent (or catheterised and manages the catheter alone)",
            ),
        ),
    ),
    Item(
        code="toilet_use",
        title_zh="用厕",
        title_en="Toilet use",
        description_zh="",
        description_en="",
        options=(
            Option(
                0,
                "需要极大地帮助或完全依赖他人",
                "Needs a great deal of help or is fully dependent on others",
            ),
            Option(
                5,
                "需部分帮助（需他人帮忙整理衣裤、坐上/蹲上便器等）",
                "Needs some help (to arrange clothes, sit or squat on the toilet, etc.)",
            ),
            Option(
                10,
                "自理（能够使用厕纸、穿脱裤子等）",
                "Independent (uses toilet paper, pulls trousers down and up, etc.)",
            ),
        ),
    ),
    Item(
        code="walking",
        title_zh="平地行走",
        title_en="Walking on level ground",
        description_zh="",
        description_en="",
        options=(
            Option(
                0,
                "卧床不起、不能步行、移动需要完全帮助",
                "Bedridden, cannot walk, needs full help to move",
            ),
            Option(
                5,
                "在较大程度上依赖他人搀扶（≥2人）或依赖他人帮助使用轮椅等辅助工具才能移动",
                "Moves only with substantial support from others (2 or more people) or with "
                "help to use a wheelchair or similar aid",
            ),
            Option(
                10,
                "需少量帮助（需1人搀扶或需他人在旁提示或在他人帮助下使用辅助工具）",
                "Needs a little help (support from 1 person, prompting, or help to use an aid)",
            ),
            Option(
                15,
                "独立步行（自行使用辅助工具，在家及附近等日常生活活动范围内独立步行）",
                "Walks independently (using aids unaided, within the area of daily life such "
                "as home and neighbourhood)",
            ),
        ),
    ),
    Item(
        code="transfer",
        title_zh="床椅转移",
        title_en="Bed–chair transfer",
        description_zh="",
        description_en="",
        options=(
            Option(0, "完全依赖他人，不能坐", "Fully dependent on others, cannot sit"),
            Option(
                5,
                "需大量帮助（至少2人，身体帮助），能坐",
                "Needs a lot of help (at least 2 people, physical help), can sit",
            ),
            Option(
                10,
                "需少量帮助（1人搀扶或使用拐杖等辅助工具或扶着墙、周围设施，"
                "转移时需他人在旁监护、提示）",
                "Needs a little help (support from 1 person, a stick or similar aid, or "
                "holding on to walls or fixtures; needs supervision or prompting)",
            ),
            Option(15, "自理", "Independent"),
        ),
    ),
    Item(
        code="stairs",
        title_zh="上下楼",
        title_en="Stairs",
        description_zh="",
        description_en="",
        options=(
            Option(
                0,
                "不能，或需极大帮助或完全依赖他人",
                "Unable, or needs a great deal of help, or fully dependent on others",
            ),
            Option(
                5,
                "需要部分帮助（需扶着楼梯、他人搀扶、使用拐杖或需他人在旁提示）",
                "Needs some help (holds the banister, support from others, a stick, or prompting)",
            ),
            Option(
                10,
                "独立上下楼（可借助电梯等，如果使用支具，需可独自完成穿、脱动作）",
                "Independent (may use a lift, etc.; if braces are used, puts them on and "
                "takes them off alone)",
            ),
        ),
    ),
    Item(
        code="bathing",
        title_zh="洗澡",
        title_en="Bathing",
        description_zh="",
        description_en="",
        options=(
            Option(0, "洗澡过程中需他人帮助", "Needs help from others while bathing"),
            Option(
                5,
                "准备好洗澡水后，可自己独立完成",
                "Bathes independently once the water is prepared",
            ),
        ),
    ),
)

# --- C2 认知能力 (4 items, 0–16) ----------------------------------------------------------------
# Similar to GB/T 42195 B.3.1–B.3.3 but not identical (人物定向 2: "一半" vs "部分").
COGNITION_ITEMS: Final[tuple[Item, ...]] = (
    Item(
        code="time_orientation",
        title_zh="时间定向",
        title_en="Orientation to time",
        description_zh="",
        description_en="",
        options=(
            Option(0, "无时间观念", "No sense of time"),
            Option(
                1,
                "时间观念很差，年、月、日不清楚，可知上午、下午或白天、夜间",
                "Very poor sense of time; unclear about year, month and day, but knows "
                "morning or afternoon, or day or night",
            ),
            Option(
                2,
                "时间观念较差，年、月、日不清楚，可知上半年或下半年或季节",
                "Poor sense of time; unclear about year, month and day, but knows the half of "
                "the year or the season",
            ),
            Option(
                3,
                "时间观念有些下降，年、月、日（或星期几）不能全部分清（相差两天或以上）",
                "Sense of time somewhat reduced; cannot tell all of year, month and day (or "
                "weekday) (two or more days off)",
            ),
            Option(
                4,
                "时间观念（年、月）清楚，日期（或星期几）可相差一天",
                "Clear sense of time (year, month); the date (or weekday) may be one day off",
            ),
        ),
    ),
    Item(
        code="person_orientation",
        title_zh="人物定向",
        title_en="Orientation to person",
        description_zh="",
        description_en="",
        options=(
            Option(0, "不认识任何人（包括自己）", "Recognises nobody (including themself)"),
            Option(
                1,
                "只认识自己或极少数日常同住的亲人或照护者等",
                "Recognises only themself or very few of the relatives or carers they live "
                "with daily",
            ),
            Option(
                2,
                "能认识一半日常同住的亲人或照护者等，能称呼或知道关系等",
                "Recognises half of the relatives or carers they live with daily, can address "
                "them or knows the relationship",
            ),
            Option(
                3,
                "能认识大部分共同生活居住的人，能称呼或知道关系",
                "Recognises most of the people they live with, can address them or knows the "
                "relationship",
            ),
            Option(
                4,
                "认识长期共同一起生活的人，能称呼并知道关系",
                "Recognises the people they have long lived with, can address them and knows "
                "the relationship",
            ),
        ),
    ),
    Item(
        code="place_orientation",
        title_zh="空间定向",
        title_en="Orientation to place",
        description_zh="",
        description_en="",
        options=(
            Option(0, "不能单独外出，无空间观念", "Cannot go out alone; no sense of space"),
            Option(
                1,
                "不能单独外出，少量知道自己居住或生活所在地的地址",
                "Cannot go out alone; knows a little of the address where they live",
            ),
            Option(
                2,
                "不能单独外出，但知道较多有关自己日常生活的地址",
                "Cannot go out alone, but knows a fair amount about the addresses of their "
                "daily life",
            ),
            Option(
                3,
                "不能单独外出，但能准确知道自己日常生活所在地的地址",
                "Cannot go out alone, but knows the address of their place of daily life "
                "accurately",
            ),
            Option(
                4,
                "能在日常生活范围内单独外出，如在日常居住小区内独自外出购物等",
                "Can go out alone within the area of daily life, e.g. shops alone within "
                "their residential community",
            ),
        ),
    ),
    Item(
        code="memory",
        title_zh="记忆力",
        title_en="Memory",
        description_zh="",
        description_en="",
        options=(
            Option(
                0,
                "完全不能回忆即时信息，并且完全不能对既往事物进行正确的回忆",
                "Cannot recall immediate information at all, and cannot recall past events "
                "correctly at all",
            ),
            Option(
                1,
                "对既往事物能有少部分正确的回忆，没有近期记忆",
                "Recalls a small part of past events correctly; no recent memory",
            ),
            Option(
                2,
                "能回忆大部分既往事物，记住1个词语",
                "Recalls most past events; remembers 1 word",
            ),
            Option(
                3,
                "能回忆大部分既往事物，记住2个词语",
                "Recalls most past events; remembers 2 words",
            ),
            Option(
                4,
                "能够完整回忆既往事物，记住3个词语",
                "Recalls past events fully; remembers 3 words",
            ),
        ),
    ),
)

# --- C3 感知觉与沟通能力 (3 items, 0–12) --------------------------------------------------------
PERCEPTION_ITEMS: Final[tuple[Item, ...]] = (
    Item(
        code="vision",
        title_zh="视力",
        title_en="Vision",
        description_zh="",
        description_en="",
        options=(
            Option(0, "完全失明", "Totally blind"),
            Option(
                1,
                "只能看到光、颜色和形状（大致轮廓），眼睛可随物体移动",
                "Sees only light, colours and shapes (rough outlines); eyes can follow moving "
                "objects",
            ),
            Option(
                2,
                "视力有限，看不清报纸大标题，但能辨认较大的物体",
                "Limited vision; cannot read newspaper headlines but can recognise larger objects",
            ),
            Option(
                3,
                "能看清楚大字体，但看不清书报上的标准字体，辨别小物体有一定困难",
                "Can read large print but not the standard print of books and newspapers; "
                "some difficulty recognising small objects",
            ),
            Option(
                4,
                "与日常生活能力相关的视力（如阅读书报、看电视等）基本正常",
                "Vision for daily activities (reading, watching television, etc.) essentially "
                "normal",
            ),
        ),
    ),
    Item(
        code="hearing",
        title_zh="听力",
        title_en="Hearing",
        description_zh="",
        description_en="",
        options=(
            Option(0, "完全失聪", "Totally deaf"),
            Option(
                1,
                "讲话者大声说话或说话很慢，才能部分听见",
                "Hears only partly, and only when the speaker talks loudly or very slowly",
            ),
            Option(
                2,
                "正常交流有些困难，需在安静的环境大声说话才能听到",
                "Some difficulty in normal conversation; needs a loud voice in a quiet place "
                "to hear",
            ),
            Option(
                3,
                "在轻声说话或说话距离超过2米时听不清",
                "Cannot hear clearly when spoken to softly or from more than 2 metres",
            ),
            Option(
                4,
                "与日常生活习惯相关的听力基本正常（如能听到门铃、电视、电话等声音）",
                "Hearing for daily life essentially normal (hears the doorbell, television, "
                "telephone, etc.)",
            ),
        ),
    ),
    Item(
        code="communication",
        title_zh="沟通能力",
        title_en="Communication",
        description_zh="",
        description_en="",
        options=(
            Option(
                0,
                "完全不能理解他人的言语，也无法表达",
                "Cannot understand others' speech at all, nor express themself",
            ),
            Option(
                1,
                "不能完全理解他人的话，只能以简单的单词或手势表达大概意愿",
                "Cannot fully understand others; expresses rough wishes only with simple "
                "words or gestures",
            ),
            Option(
                2,
                "勉强可与他人交流，谈吐内容不清楚，需频繁重复或简化口头表达",
                "Can barely communicate; speech content unclear; needs frequent repetition or "
                "simplified speech",
            ),
            Option(
                3,
                "能够表达自己的需要或理解他人的话，但需要增加时间或给予帮助",
                "Can express their needs or understand others, but needs more time or help",
            ),
            Option(4, "无困难，能与他人正常沟通和交流", "No difficulty; communicates normally"),
        ),
    ),
)

DOMAINS: Final[tuple[Domain, ...]] = (
    Domain(
        "adl",
        "日常生活活动能力",
        "Activities of daily living",
        tuple(item.code for item in ADL_ITEMS),
        "C1",
    ),
    Domain(
        "cognition",
        "认知能力",
        "Cognitive ability",
        tuple(item.code for item in COGNITION_ITEMS),
        "C2",
    ),
    Domain(
        "perception_communication",
        "感知觉与沟通能力",
        "Perception and communication",
        tuple(item.code for item in PERCEPTION_ITEMS),
        "C3",
    ),
)

# 失能等级 names [V2]. How a level follows from the domain grades is not verified.
LEVELS: Final[tuple[AbilityLevel, ...]] = (
    AbilityLevel(0, "基本正常", "Essentially normal"),
    AbilityLevel(1, "轻度失能", "Mild disability"),
    AbilityLevel(2, "中度失能", "Moderate disability"),
    AbilityLevel(3, "重度失能Ⅰ级", "Severe disability, grade I"),
    AbilityLevel(4, "重度失能Ⅱ级", "Severe disability, grade II"),
    AbilityLevel(5, "重度失能Ⅲ级", "Severe disability, grade III"),
)

LTC2021: Final[Instrument] = Instrument(
    code=CODE,
    name_zh="长期护理失能等级评估标准（试行）",
    name_en="Long-term care disability grade assessment standard (trial)",
    source="医保办发〔2021〕37号 附件1",
    direction=ScoreDirection.HIGHER_IS_BETTER,
    items=ADL_ITEMS + COGNITION_ITEMS + PERCEPTION_ITEMS,
    domains=DOMAINS,
    levels=LEVELS,
)

#: The commonly quoted cut-offs (§3.3) and matrix (§3.4). UNVERIFIED: a setting for a
#: region to confirm against its own copy of the notice, never the default.
LTC_QUOTED_GRADING: Final[LtcGradingConfig] = LtcGradingConfig(
    name="commonly-quoted-2021",
    source="values often quoted for 医保办发〔2021〕37号; not checked against the official text",
    domain_cutoffs=(
        DomainCutoffs(
            "adl",
            (
                GradeBand(0, 100, 100),
                GradeBand(1, 65, 95),
                GradeBand(2, 45, 60),
                GradeBand(3, 0, 40),
            ),
        ),
        DomainCutoffs(
            "cognition",
            (GradeBand(0, 16, 16), GradeBand(1, 4, 15), GradeBand(2, 2, 3), GradeBand(3, 0, 1)),
        ),
        DomainCutoffs(
            "perception_communication",
            (GradeBand(0, 12, 12), GradeBand(1, 4, 11), GradeBand(2, 2, 3), GradeBand(3, 0, 1)),
        ),
    ),
    # Rows: ADL grade 0–3; columns: the worse of the cognition and perception grades 0–3.
    matrix=(
        (0, 0, 1, 1),
        (1, 1, 1, 2),
        (2, 2, 2, 3),
        (3, 3, 4, 5),
    ),
)


def validate_grading_config(instrument: Instrument, config: LtcGradingConfig) -> None:
    """A config must grade every possible total of every domain exactly once.

    ADL totals move in steps of 5, so an ADL table may leave gaps between reachable totals
    (100 / 65–95 …); every reachable total must still fall in exactly one band.
    """
    for domain in instrument.domains:
        try:
            cutoffs = config.cutoffs(domain.code)
        except KeyError:
            raise ValueError(f"LTC grading config {config.name!r} lacks {domain.code}") from None
        for total in _reachable_totals(instrument, domain.item_codes):
            hits = [b for b in cutoffs.bands if b.min_total <= total <= b.max_total]
            if len(hits) != 1:
                raise ValueError(
                    f"LTC grading config {config.name!r}: {domain.code} total {total} falls in "
                    f"{len(hits)} bands"
                )


def _reachable_totals(instrument: Instrument, codes: tuple[str, ...]) -> set[int]:
    totals = {0}
    for code in codes:
        totals = {t + s for t in totals for s in instrument.item(code).allowed_scores}
    return totals


def score_ltc2021(
    instrument: Instrument,
    scores: Mapping[str, int],
    record: Mapping[str, Any],
    settings: ScoringSettings,
) -> dict[str, Any]:
    """Domain totals always; a grade only with an explicit ``LtcGradingConfig``."""
    domains = domain_totals(instrument, scores)
    result: dict[str, Any] = {"instrument": instrument.code, "domains": domains, "grade": None}
    config = settings.ltc_grading
    if config is None:
        return result
    validate_grading_config(instrument, config)
    grades: dict[str, int] = {}
    for domain in instrument.domains:
        grade = config.cutoffs(domain.code).grade_for(domains[domain.code])
        if grade is None:  # pragma: no cover - excluded by validate_grading_config
            raise ValueError(f"{config.name!r} does not grade {domain.code}")
        grades[domain.code] = grade
    other = max(grades["cognition"], grades["perception_communication"])
    level = config.matrix[grades["adl"]][other]
    result["grade"] = {
        "level": level,
        "name_zh": instrument.level(level).name_zh,
        "name_en": instrument.level(level).name_en,
        "domain_grades": grades,
        "status": config.status,
        "config": config.to_dict(),
    }
    return result
