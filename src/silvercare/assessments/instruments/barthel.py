"""Barthel Index, 0–100 version (Mahoney & Barthel 1965; design notes §4.1).

Every item score is a multiple of 5; higher = more independent. The English option text
follows the common published wording; the Chinese text is our rendering of it (the
Chinese forms in MZ/T 039 and the LTC standard are separate instruments with their own
wording, kept in their own item banks).

Bands: the 自理能力分级 of WS/T 431《护理分级》 as used in Chinese clinical practice
(100 无需依赖, 61–99 轻度依赖, 41–60 中度依赖, ≤40 重度依赖). These come from the 2013
edition; whether WS/T 431—2023 keeps them is unverified. The international Shah, Vanclay
& Cooper (1989) bands and the MZ/T 039 bands (100 / 65–95 / 45–60 / ≤40) are different.
"""

from __future__ import annotations

from typing import Final

from .types import Band, Instrument, Item, Option, ScoreDirection

CODE: Final = "barthel"

ITEMS: Final[tuple[Item, ...]] = (
    Item(
        code="feeding",
        title_zh="进食",
        title_en="Feeding",
        description_zh="用餐具将食物送入口中并咀嚼、吞咽",
        description_en="Bringing food to the mouth with utensils, chewing and swallowing",
        options=(
            Option(10, "独立完成", "Independent"),
            Option(
                5,
                "需要帮助（如切碎食物、涂抹黄油等）",
                "Needs help cutting, spreading butter, etc.",
            ),
            Option(0, "不能完成", "Unable"),
        ),
    ),
    Item(
        code="bathing",
        title_zh="洗澡",
        title_en="Bathing",
        description_zh="独自完成洗澡全过程",
        description_en="Bathing or showering without help",
        options=(
            Option(5, "独立完成", "Independent"),
            Option(0, "依赖他人", "Dependent"),
        ),
    ),
    Item(
        code="grooming",
        title_zh="修饰",
        title_en="Grooming",
        description_zh="洗脸、梳头、刷牙、剃须",
        description_en="Washing the face, combing hair, brushing teeth, shaving",
        options=(
            Option(
                5,
                "独立完成洗脸、梳头、刷牙、剃须（可提供用具）",
                "Independent with face, hair, teeth and shaving (implements provided)",
            ),
            Option(0, "需要他人帮助", "Needs help with personal care"),
        ),
    ),
    Item(
        code="dressing",
        title_zh="穿衣",
        title_en="Dressing",
        description_zh="穿脱衣服，包括系扣、拉拉链、系鞋带",
        description_en="Putting on and taking off clothes, including buttons, zips and laces",
        options=(
            Option(
                10,
                "独立完成（包括系扣、拉拉链、系鞋带）",
                "Independent (including buttons, zips, laces, etc.)",
            ),
            Option(
                5,
                "需要帮助，约一半可自己完成",
                "Needs help but can do about half unaided",
            ),
            Option(0, "依赖他人", "Dependent"),
        ),
    ),
    Item(
        code="bowels",
        title_zh="大便控制",
        title_en="Bowels",
        description_zh="控制排便",
        description_en="Bowel control",
        options=(
            Option(10, "能控制", "Continent"),
            Option(5, "偶有失禁（每周一次）", "Occasional accident (once a week)"),
            Option(0, "失禁（或需要他人给予灌肠）", "Incontinent (or needs to be given enemas)"),
        ),
    ),
    Item(
        code="bladder",
        title_zh="小便控制",
        title_en="Bladder",
        description_zh="控制排尿",
        description_en="Bladder control",
        options=(
            Option(10, "能控制", "Continent"),
            Option(
                5,
                "偶有失禁（每24小时最多一次）",
                "Occasional accident (at most once per 24 hours)",
            ),
            Option(
                0,
                "失禁，或留置导尿管且不能自行管理",
                "Incontinent, or catheterised and unable to manage alone",
            ),
        ),
    ),
    Item(
        code="toilet",
        title_zh="如厕",
        title_en="Toilet use",
        description_zh="上厕所、穿脱裤子、擦拭",
        description_en="Getting on and off the toilet, dressing and wiping",
        options=(
            Option(10, "独立完成", "Independent"),
            Option(
                5, "需要部分帮助，部分可自己完成", "Needs some help, but can do something alone"
            ),
            Option(0, "依赖他人", "Dependent"),
        ),
    ),
    Item(
        code="transfers",
        title_zh="床椅转移",
        title_en="Transfers (bed to chair and back)",
        description_zh="从床到椅子再回到床",
        description_en="Moving from bed to chair and back",
        options=(
            Option(15, "独立完成", "Independent"),
            Option(10, "需要少量帮助（语言或身体上的）", "Minor help (verbal or physical)"),
            Option(
                5,
                "需要大量帮助（1～2人，身体上的），能坐",
                "Major help (one or two people, physical), can sit",
            ),
            Option(0, "不能完成，无坐位平衡", "Unable, no sitting balance"),
        ),
    ),
    Item(
        code="mobility",
        title_zh="平地行走",
        title_en="Mobility (on level surfaces)",
        description_zh="在室内或平地上行走",
        description_en="Walking indoors or on level surfaces",
        options=(
            Option(
                15,
                "独立行走（可使用任何辅助器具，如手杖）",
                "Independent (but may use any aid, e.g. a stick)",
            ),
            Option(
                10,
                "在1人帮助下行走（语言或身体上的帮助）",
                "Walks with help of one person (verbal or physical)",
            ),
            Option(
                5,
                "可独立使用轮椅（包括转弯）",
                "Wheelchair independent, including corners",
            ),
            Option(0, "不能移动", "Immobile"),
        ),
    ),
    Item(
        code="stairs",
        title_zh="上下楼梯",
        title_en="Stairs",
        description_zh="上下楼梯",
        description_en="Going up and down stairs",
        options=(
            Option(10, "独立完成", "Independent"),
            Option(
                5,
                "需要帮助（语言、身体或携带辅助器具）",
                "Needs help (verbal, physical, carrying aid)",
            ),
            Option(0, "不能完成", "Unable"),
        ),
    ),
)

BANDS: Final[tuple[Band, ...]] = (
    Band("none", "无需依赖", "No dependence", 100, 100),
    Band("mild", "轻度依赖", "Mild dependence", 61, 99),
    Band("moderate", "中度依赖", "Moderate dependence", 41, 60),
    Band("severe", "重度依赖", "Severe dependence", 0, 40),
)

BARTHEL: Final[Instrument] = Instrument(
    code=CODE,
    name_zh="Barthel指数（日常生活活动能力）",
    name_en="Barthel Index (activities of daily living)",
    source="Mahoney & Barthel 1965, 0–100 version; bands WS/T 431",
    direction=ScoreDirection.HIGHER_IS_BETTER,
    items=ITEMS,
    bands=BANDS,
)
