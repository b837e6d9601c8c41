"""GB/T 42195-2022《老年人能力评估规范》: 附录B items and the levels (C.3) as data.

The option text follows the main tables of the design notes
(``shared/design/assessment-instruments.md`` §1.3–§1.8) character for character; the
notes there record where transcriptions differ. English renderings are ours.

26 items in 4 domains: 自理能力 (B.1, 8 items, max 32), 基础运动能力 (B.2, 4, max 15),
精神状态 (B.3, 9, max 28), 感知觉与社会参与 (B.4, 5, max 15); total 0–90, higher = better.
The C.4 level change rules and the rule function are in ``gbt42195_rules.py``.
"""

from __future__ import annotations

from typing import Final

from .types import AbilityLevel, Domain, Instrument, Item, Option, ScoreDirection

CODE: Final = "gbt42195-2022"

# --- The common 5-step assistance scale (§1.3) ----------------------------------------------
# Used by B.1.2, B.1.3, B.1.4, B.1.5, B.1.8, B.2.1 and B.2.2. S-JS writes "不需要他人协助"
# at 4 points for B.1.8, B.2.1 and B.2.2; the main table's "不需要协助" is used for all.
COMMON_SCALE: Final[tuple[Option, ...]] = (
    Option(4, "独立完成，不需要协助", "Completes it independently, without help"),
    Option(3, "在他人指导或提示下完成", "Completes it with guidance or prompting from others"),
    Option(
        2,
        "需要他人协助，但以自身完成为主",
        "Needs help from others, but does most of it themself",
    ),
    Option(
        1,
        "主要依靠他人协助，自身能给予配合",
        "Relies mainly on help from others, and can cooperate",
    ),
    Option(
        0,
        "完全依赖他人协助，且不能给予配合",
        "Fully dependent on help from others, and cannot cooperate",
    ),
)

# --- 表B.1 自理能力 (§1.4) ----------------------------------------------------------------------
SELF_CARE_ITEMS: Final[tuple[Item, ...]] = (
    Item(
        code="B.1.1",
        title_zh="进食",
        title_en="Eating",
        description_zh="使用适当的器具将食物送入口中并咽下",
        description_en="Using suitable utensils to bring food to the mouth and swallow it",
        options=(
            Option(
                4,
                "独立使用器具将食物送进口中并咽下，没有呛咳",
                "Uses utensils independently to bring food to the mouth and swallow it, "
                "without choking",
            ),
            Option(
                3,
                "在他人指导或提示下完成，或独立使用辅具，没有呛咳",
                "Completes it with guidance or prompting from others, or uses assistive "
                "devices independently, without choking",
            ),
            # S-PY: "进食中至少需要少量接触式协助".
            Option(
                2,
                "进食中需要少量接触式协助，偶尔（每月一次及以上）呛咳",
                "Needs a little hands-on help while eating; chokes occasionally (once a month "
                "or more)",
            ),
            Option(
                1,
                "在进食中需要大量接触式协助，经常（每周一次及以上）呛咳",
                "Needs a lot of hands-on help while eating; chokes often (once a week or more)",
            ),
            Option(
                0,
                "完全依赖他人协助进食，或吞咽困难，或留置营养管",
                "Fully dependent on others for eating, or has difficulty swallowing, or has "
                "an indwelling feeding tube",
            ),
        ),
    ),
    Item(
        code="B.1.2",
        title_zh="修饰",
        title_en="Grooming",
        description_zh="指洗脸、刷牙、梳头、刮脸、剪指（趾）甲等",
        description_en="Washing the face, brushing teeth, combing hair, shaving, trimming "
        "finger- and toenails, etc.",
        options=COMMON_SCALE,
    ),
    Item(
        code="B.1.3",
        title_zh="洗澡",
        title_en="Bathing",
        description_zh="清洗和擦干身体",
        description_en="Washing and drying the body",
        options=COMMON_SCALE,
    ),
    Item(
        code="B.1.4",
        title_zh="穿/脱上衣",
        title_en="Dressing and undressing the upper body",
        description_zh="指穿/脱上身衣服、系扣、拉拉链等",
        description_en="Putting on and taking off upper-body clothes, doing up buttons and "
        "zips, etc.",
        options=COMMON_SCALE,
    ),
    Item(
        code="B.1.5",
        title_zh="穿/脱裤子和鞋袜",
        title_en="Putting on and taking off trousers, shoes and socks",
        description_zh="指穿/脱裤子、鞋袜等",
        description_en="Putting on and taking off trousers, shoes, socks, etc.",
        options=COMMON_SCALE,
    ),
    Item(
        code="B.1.6",
        title_zh="小便控制",
        title_en="Bladder control",
        description_zh="控制和排出尿液的能力",
        description_en="The ability to control and pass urine",
        options=(
            Option(
                4,
                "可自行控制排尿，排尿次数、排尿控制均正常",
                "Controls urination unaided; frequency and control of urination are normal",
            ),
            Option(
                3,
                "白天可自行控制排尿次数，夜间出现排尿次数增多、排尿控制较差，"
                "或自行使用尿布、尿垫等辅助用物",
                "Controls urinary frequency unaided during the day; at night urinates more "
                "often with poorer control, or uses nappies, pads or similar aids unaided",
            ),
            Option(
                2,
                "白天大部分时间可自行控制排尿，偶出现（每天<1次，但每周>1次）尿失禁，"
                "夜间控制排尿较差，或他人少量协助使用尿布、尿垫等辅助用物",
                "Controls urination unaided most of the day, with occasional incontinence "
                "(less than once a day but more than once a week); poorer control at night, "
                "or needs a little help from others with nappies, pads or similar aids",
            ),
            # S-VUE: "但尚未完全失禁".
            Option(
                1,
                "白天大部分时间不能控制排尿（每天≥1次，但尚非完全失控），夜间出现尿失禁，"
                "或他人大量协助使用尿布、尿垫等辅助用物",
                "Cannot control urination most of the day (once a day or more, but not "
                "completely uncontrolled); incontinent at night, or needs a lot of help from "
                "others with nappies, pads or similar aids",
            ),
            Option(
                0,
                "小便失禁，完全不能控制排尿，或留置导尿管",
                "Urinary incontinence: cannot control urination at all, or has an indwelling "
                "urinary catheter",
            ),
        ),
    ),
    Item(
        code="B.1.7",
        title_zh="大便控制",
        title_en="Bowel control",
        description_zh="控制和排出粪便的能力",
        description_en="The ability to control and pass stool",
        options=(
            Option(4, "可正常自行控制大便排出", "Controls bowel movements normally unaided"),
            # "每周<1次" per S-JS, S-VUE and S-GO; S-PY's "每天<1次" is a typo.
            Option(
                3,
                "有时出现（每周<1次）便秘或大便失禁，或自行使用开塞露、尿垫等辅助用物",
                "Sometimes (less than once a week) constipated or incontinent of stool, or "
                "uses glycerine enemas, pads or similar aids unaided",
            ),
            Option(
                2,
                "经常出现（每天<1次，但每周>1次）便秘或大便失禁，"
                "或他人少量协助使用开塞露、尿垫等辅助用物",
                "Often (less than once a day but more than once a week) constipated or "
                "incontinent of stool, or needs a little help from others with glycerine "
                "enemas, pads or similar aids",
            ),
            Option(
                1,
                "大部分时间均出现（每天≥1次）便秘或大便失禁，但尚非完全失控，"
                "或他人大量协助使用开塞露、尿垫等辅助用物",
                "Constipated or incontinent of stool most of the time (once a day or more), "
                "but not completely uncontrolled, or needs a lot of help from others with "
                "glycerine enemas, pads or similar aids",
            ),
            Option(
                0,
                "严重便秘或者完全大便失禁，需要依赖他人协助排便或清洁皮肤",
                "Severe constipation or complete faecal incontinence; depends on others to "
                "help with defecation or cleaning the skin",
            ),
        ),
    ),
    Item(
        code="B.1.8",
        title_zh="如厕",
        title_en="Toileting",
        description_zh="上厕所排泄大小便，并清洁身体",
        description_en="Going to the toilet to pass urine or stool, and cleaning oneself",
        options=COMMON_SCALE,
        note_zh="注：评估中强调排泄前解开裤子、完成排泄后清洁身体、穿上裤子",
        note_en="Note: the assessment stresses undoing the trousers before, and cleaning "
        "oneself and pulling the trousers up after",
    ),
)

# --- 表B.2 基础运动能力 (§1.5) ------------------------------------------------------------------
BASIC_MOTOR_ITEMS: Final[tuple[Item, ...]] = (
    Item(
        code="B.2.1",
        title_zh="床上体位转移",
        title_en="Changing position in bed",
        description_zh="卧床翻身及坐起躺下",
        description_en="Turning over in bed, sitting up and lying down",
        options=COMMON_SCALE,
    ),
    Item(
        code="B.2.2",
        title_zh="床椅转移",
        title_en="Bed–chair transfer",
        description_zh="从坐位到站位，再从站位到坐位的转换过程",
        description_en="Changing from sitting to standing, and back from standing to sitting",
        options=COMMON_SCALE,
    ),
    Item(
        code="B.2.3",
        title_zh="平地行走",
        title_en="Walking on level ground",
        description_zh="双脚交互的方式在地面行动，总是一只脚在前",
        description_en="Moving on the ground with alternating feet, always one foot in front",
        note_zh="注：包括他人辅助和使用辅具的步行",
        note_en="Note: includes walking with help from others and with walking aids",
        options=(
            Option(
                4,
                "独立平地步行50 m左右，不需要协助，无摔倒风险",
                "Walks about 50 m on level ground independently, without help and without "
                "risk of falling",
            ),
            # S-PY: "存在跌倒风险".
            Option(
                3,
                "能平地步行50 m左右，存在摔倒风险，需要他人监护或指导，"
                "或使用拐杖、助行器等辅助工具",
                "Can walk about 50 m on level ground but is at risk of falling and needs "
                "supervision or guidance, or uses a walking stick, walker or similar aid",
            ),
            Option(
                2,
                "在步行时需要他人少量扶持协助",
                "Needs a little physical support from others while walking",
            ),
            Option(
                1,
                "在步行时需要他人大量扶持协助",
                "Needs a lot of physical support from others while walking",
            ),
            Option(0, "完全不能步行", "Cannot walk at all"),
        ),
    ),
    Item(
        code="B.2.4",
        title_zh="上下楼梯",
        title_en="Going up and down stairs",
        description_zh="双脚交替完成楼梯台阶连续的上下移动",
        description_en="Going up and down consecutive stair steps with alternating feet",
        options=(
            Option(
                3,
                "可独立上下楼梯（连续上下10个～15个台阶），不需要协助",
                "Goes up and down stairs independently (10 to 15 consecutive steps), without help",
            ),
            Option(
                2, "在他人指导或提示下完成", "Completes it with guidance or prompting from others"
            ),
            Option(
                1,
                "需要他人协助，但以自身完成为主",
                "Needs help from others, but does most of it themself",
            ),
            Option(
                0,
                "主要依靠他人协助，自身能给予配合；或者完全依赖他人协助，且不能给予配合",
                "Relies mainly on help from others and can cooperate; or is fully dependent "
                "on help from others and cannot cooperate",
            ),
        ),
    ),
)

# --- 表B.3 精神状态 (§1.6) ----------------------------------------------------------------------
MENTAL_ITEMS: Final[tuple[Item, ...]] = (
    # S-VUE alone writes "（年、月、日、时）"; S-JS, S-PY and the LTC form write "（年、月）".
    Item(
        code="B.3.1",
        title_zh="时间定向",
        title_en="Orientation to time",
        description_zh="知道并确认时间的能力",
        description_en="The ability to know and confirm the time",
        options=(
            Option(
                4,
                "时间观念（年、月）清楚，日期（或星期几）可相差一天",
                "Clear sense of time (year, month); the date (or weekday) may be one day off",
            ),
            Option(
                3,
                "时间观念有些下降，年、月、日（或星期几）不能全部分清（相差两天或以上）",
                "Sense of time somewhat reduced; cannot tell all of year, month and day (or "
                "weekday) (two or more days off)",
            ),
            Option(
                2,
                "时间观念较差，年、月、日不清楚，可知上半年或下半年或季节",
                "Poor sense of time; unclear about year, month and day, but knows the half of "
                "the year or the season",
            ),
            Option(
                1,
                "时间观念很差，年、月、日不清楚，可知上午、下午或白天、夜间",
                "Very poor sense of time; unclear about year, month and day, but knows "
                "morning or afternoon, or day or night",
            ),
            Option(0, "无时间观念", "No sense of time"),
        ),
    ),
    Item(
        code="B.3.2",
        title_zh="空间定向",
        title_en="Orientation to place",
        description_zh="知道并确认空间的能力",
        description_en="The ability to know and confirm one's whereabouts",
        options=(
            Option(
                4,
                "能在日常生活范围内单独外出，如在日常居住小区内独自外出购物等",
                "Can go out alone within the area of daily life, e.g. shops alone within "
                "their residential community",
            ),
            Option(
                3,
                "不能单独外出，但能准确知道自己日常生活所在地的地址信息",
                "Cannot go out alone, but knows the address of their place of daily life "
                "accurately",
            ),
            Option(
                2,
                "不能单独外出，但知道较多有关自己日常生活的地址信息",
                "Cannot go out alone, but knows a fair amount of address information about "
                "their daily life",
            ),
            Option(
                1,
                "不能单独外出，但知道较少自己居住或生活所在地的地址信息",
                "Cannot go out alone, and knows little address information about where they live",
            ),
            Option(0, "不能单独外出，无空间观念", "Cannot go out alone; no sense of space"),
        ),
    ),
    Item(
        code="B.3.3",
        title_zh="人物定向",
        title_en="Orientation to person",
        description_zh="知道并确认人物的能力",
        description_en="The ability to know and confirm people",
        options=(
            Option(
                4,
                "认识长期共同一起生活的人，能称呼并知道关系",
                "Recognises the people they have long lived with, can address them and knows "
                "the relationship",
            ),
            Option(
                3,
                "能认识大部分共同生活居住的人，能称呼或知道关系",
                "Recognises most of the people they live with, can address them or knows the "
                "relationship",
            ),
            Option(
                2,
                "能认识部分日常同住的亲人或照护者等，能称呼或知道关系等",
                "Recognises some of the relatives or carers they live with daily, can address "
                "them or knows the relationship",
            ),
            Option(
                1,
                "只认识自己或极少数日常同住的亲人或照护者等",
                "Recognises only themself or very few of the relatives or carers they live "
                "with daily",
            ),
            Option(0, "不认识任何人（包括自己）", "Recognises nobody (including themself)"),
        ),
    ),
    Item(
        code="B.3.4",
        title_zh="记忆",
        title_en="Memory",
        description_zh="短时、近期和远期记忆能力",
        description_en="Short-term, recent and long-term memory",
        options=(
            Option(
                4,
                "总是能保持与社会、年龄所适应的记忆能力，能完整的回忆",
                "Always keeps a memory suited to their social setting and age; recalls fully",
            ),
            Option(
                3,
                "出现轻度的记忆紊乱或回忆不能（不能回忆即时信息，3个词语经过5分钟后仅能回忆0个～1个）",
                "Mild memory disturbance or failure to recall (cannot recall immediate "
                "information: recalls only 0 to 1 of 3 words after 5 minutes)",
            ),
            Option(
                2,
                "出现中度的记忆紊乱或回忆不能（不能回忆近期记忆，不记得上一顿饭吃了什么）",
                "Moderate memory disturbance or failure to recall (cannot recall recent "
                "events, e.g. what they ate at the last meal)",
            ),
            Option(
                1,
                "出现重度的记忆紊乱或回忆不能（不能回忆远期记忆，不记得自己的老朋友）",
                "Severe memory disturbance or failure to recall (cannot recall the distant "
                "past, e.g. does not remember old friends)",
            ),
            Option(
                0,
                "记忆完全紊乱或者完全不能对既往事物进行正确的回忆",
                "Memory completely disordered, or completely unable to recall past events "
                "correctly",
            ),
        ),
    ),
    Item(
        code="B.3.5",
        title_zh="理解能力",
        title_en="Comprehension",
        description_zh="理解语言信息和非语言信息的能力（可借助平时使用助听设备等），即理解别人的话",
        description_en="The ability to understand verbal and non-verbal information (usual "
        "hearing aids may be used), i.e. to understand what others say",
        options=(
            Option(4, "能正常理解他人的话", "Understands what others say normally"),
            Option(
                3,
                "能理解他人的话，但需要增加时间",
                "Understands what others say, but needs more time",
            ),
            Option(
                2,
                "理解有困难，需频繁重复或简化口头表达",
                "Has difficulty understanding; needs frequent repetition or simplified speech",
            ),
            Option(
                1,
                "理解有严重困难，需要大量他人帮助",
                "Has severe difficulty understanding; needs a lot of help from others",
            ),
            Option(0, "完全不能理解他人的话", "Cannot understand what others say at all"),
        ),
    ),
    Item(
        code="B.3.6",
        title_zh="表达能力",
        title_en="Expression",
        description_zh="表达信息能力，包括口头的和非口头的，即表达自己的想法",
        description_en="The ability to express information, verbally and non-verbally, i.e. "
        "to express one's thoughts",
        options=(
            Option(4, "能正常表达自己的想法", "Expresses their thoughts normally"),
            Option(
                3,
                "能表达自己的需要，但需要增加时间",
                "Can express their needs, but needs more time",
            ),
            Option(
                2,
                "表达需要有困难，需频繁重复或简化口头表达",
                "Has difficulty expressing needs; needs frequent repetition or simplified speech",
            ),
            Option(
                1,
                "表达有严重困难，需要大量他人帮助",
                "Has severe difficulty expressing; needs a lot of help from others",
            ),
            Option(0, "完全不能表达需要", "Cannot express needs at all"),
        ),
    ),
    # S-VUE adds "注：长期的行为状态" (one source only; not used).
    Item(
        code="B.3.7",
        title_zh="攻击行为",
        title_en="Aggressive behaviour",
        description_zh="身体攻击行为（如打/踢/推/咬/抓/摔东西）和语言攻击行为（如骂人、语言威胁、尖叫）",
        description_en="Physical aggression (e.g. hitting, kicking, pushing, biting, "
        "scratching, throwing things) and verbal aggression (e.g. swearing, verbal threats, "
        "screaming)",
        options=(
            Option(1, "未出现", "Not present"),
            Option(
                0,
                "近一个月内出现过攻击行为",
                "Aggressive behaviour in the past month",
            ),
        ),
    ),
    Item(
        code="B.3.8",
        title_zh="抑郁症状",
        title_en="Depressive symptoms",
        description_zh="存在情绪低落、兴趣减退、活力减退等症状，甚至出现妄想、幻觉、自杀念头或自杀行为",
        description_en="Low mood, loss of interest, loss of energy and similar symptoms, up "
        "to delusions, hallucinations, suicidal thoughts or suicidal behaviour",
        note_zh="注：长期的负性情绪",
        note_en="Note: long-lasting negative emotions",
        options=(
            Option(1, "未出现", "Not present"),
            Option(
                0,
                "近一个月内出现过负性情绪",
                "Negative emotions in the past month",
            ),
        ),
    ),
    # S-PY and S-VUE add "注：处于昏迷状态者，直接评定为重度失能". It conflicts with C.4
    # (完全失能, level 4) and is unverified, so it is not part of the data: the coma override
    # is LevelChangeRules.coma_level, keyed on A.5.11, not on this item.
    Item(
        code="B.3.9",
        title_zh="意识水平",
        title_en="Level of consciousness",
        description_zh="机体对自身和周围环境的刺激做出应答反应的能力程度，包括清醒和持续的觉醒状态",
        description_en="How well the body responds to stimuli from itself and its "
        "surroundings, including wakefulness and sustained arousal",
        options=(
            Option(
                2,
                "神志清醒，对周围环境能做出正确反应",
                "Fully conscious; responds correctly to the surroundings",
            ),
            Option(
                1,
                "嗜睡，表现为睡眠状态过度延长。当呼唤或推动老年人的肢体时可唤醒，"
                "并能进行正确的交谈或执行指令，停止刺激后又继续入睡；"
                "意识模糊，注意力涣散，对外界刺激不能清晰的认识，空间和时间定向力障碍，"
                "理解力迟钝，记忆力模糊和不连贯",
                "Somnolence: sleep is excessively prolonged; can be woken by calling or by "
                "moving the limbs and can then talk correctly or follow instructions, but "
                "falls asleep again when stimulation stops. Confusion: scattered attention, "
                "unclear perception of external stimuli, disoriented in place and time, slow "
                "comprehension, vague and incoherent memory",
            ),
            Option(
                0,
                "昏睡，一般的外界刺激不能使其觉醒，给予较强烈的刺激时可有短时的意识清醒，"
                "醒后可简短回答提问，当刺激减弱后又很快进入睡眠状态；"
                "或者昏迷：意识丧失，随意运动丧失，对一般刺激全无反应",
                "Stupor: ordinary stimuli do not wake them; strong stimuli bring brief "
                "wakefulness with short answers, but they fall asleep again soon after the "
                "stimulus weakens. Or coma: loss of consciousness and of voluntary movement, "
                "no response at all to ordinary stimuli",
            ),
        ),
    ),
)

# --- 表B.4 感知觉与社会参与 (§1.7) --------------------------------------------------------------
# S-VUE's B.4.1 and B.4.2 text is garbled; the text follows S-JS and S-PY. The sources give
# no description line for B.4.4 and B.4.5, so none is invented.
PERCEPTION_SOCIAL_ITEMS: Final[tuple[Item, ...]] = (
    Item(
        code="B.4.1",
        title_zh="视力",
        title_en="Vision",
        description_zh="感受存在的光线并感受物体的大小、形状的能力。在个体的最好矫正视力下进行评估",
        description_en="The ability to perceive light and the size and shape of objects; "
        "assessed with the person's best corrected vision",
        options=(
            Option(2, "视力正常", "Normal vision"),
            Option(
                1,
                "能看清楚大字体，但看不清书报上的标准字体；视力有限，看不清报纸大标题，但能辨认物体",
                "Can read large print but not the standard print of books and newspapers; "
                "limited vision, cannot read newspaper headlines but can recognise objects",
            ),
            Option(
                0,
                "只能看到光、颜色和形状；完全失明",
                "Sees only light, colours and shapes; totally blind",
            ),
        ),
    ),
    Item(
        code="B.4.2",
        title_zh="听力",
        title_en="Hearing",
        description_zh="能辨别声音的方位、音调、音量和音质的有关能力（可借助平时使用助听设备等）",
        description_en="The ability to tell the direction, pitch, volume and quality of "
        "sounds (usual hearing aids may be used)",
        options=(
            Option(2, "听力正常", "Normal hearing"),
            Option(
                1,
                "在轻声说话或说话距离超过2米时听不清；正常交流有些困难，需在安静的环境或大声说话才能听到",
                "Cannot hear clearly when spoken to softly or from more than 2 metres; some "
                "difficulty in normal conversation, needs a quiet place or a loud voice to hear",
            ),
            Option(
                0,
                "讲话者大声说话或说话很慢，才能部分听见；完全失聪",
                "Hears only partly, and only when the speaker talks loudly or very slowly; "
                "totally deaf",
            ),
        ),
    ),
    # S-GO reuses the common assistance scale here: a paraphrase, not the standard's text.
    Item(
        code="B.4.3",
        title_zh="执行日常事务",
        title_en="Managing daily affairs",
        description_zh="计划、安排并完成日常事务，包括但不限于洗衣服、小金额购物、服药管理",
        description_en="Planning, arranging and completing daily affairs, including but not "
        "limited to laundry, small purchases and managing medication",
        options=(
            Option(
                4,
                "能完全独立计划、安排和完成日常事务，无需协助",
                "Plans, arranges and completes daily affairs fully independently, without help",
            ),
            Option(
                3,
                "在计划、安排和完成日常事务时需要他人监护或指导",
                "Needs supervision or guidance from others to plan, arrange and complete daily "
                "affairs",
            ),
            Option(
                2,
                "在计划、安排和完成日常事务时需要少量协助",
                "Needs a little help to plan, arrange and complete daily affairs",
            ),
            Option(
                1,
                "在计划、安排和完成日常事务时需要大量协助",
                "Needs a lot of help to plan, arrange and complete daily affairs",
            ),
            Option(0, "完全依赖他人进行日常事务", "Fully dependent on others for daily affairs"),
        ),
    ),
    # S-VUE differs at 1 point ("需有人协助搭乘出租车或私家车外出"); S-JS, S-PY, S-GO agree.
    Item(
        code="B.4.4",
        title_zh="使用交通工具外出",
        title_en="Going out by transport",
        description_zh="",
        description_en="",
        options=(
            Option(
                3,
                "能自己骑车或搭乘公共交通工具外出",
                "Can go out on their own by bicycle or public transport",
            ),
            Option(
                2,
                "能自己搭乘出租车，但不会搭乘其他公共交通工具外出",
                "Can take a taxi on their own, but cannot go out by other public transport",
            ),
            Option(
                1,
                "当有人协助或陪伴，可搭乘公共交通工具外出",
                "Can go out by public transport when helped or accompanied by someone",
            ),
            Option(
                0,
                "只能在他人协助下搭乘出租车或私家车外出；完全不能出门，或者外出完全需要协助",
                "Can go out only by taxi or private car with help from others; cannot leave "
                "home at all, or needs full help to go out",
            ),
        ),
    ),
    Item(
        code="B.4.5",
        title_zh="社会交往能力",
        title_en="Social interaction",
        description_zh="",
        description_en="",
        options=(
            Option(
                4,
                "参与社会，在社会环境有一定的适应能力，待人接物恰当",
                "Takes part in society, adapts reasonably to the social environment and deals "
                "with people appropriately",
            ),
            Option(
                3,
                "能适应单纯环境，主动接触他人，初见面时难让人发现智力问题，不能理解隐喻语",
                "Adapts to simple settings and approaches others; intellectual problems are "
                "hard to notice at first meeting; cannot understand metaphors",
            ),
            # S-VUE: "不会主动待人".
            Option(
                2,
                "脱离社会，可被动接触，不会主动待他人，谈话中很多不适词句，容易上当受骗",
                "Withdrawn from society; responds when approached but does not approach "
                "others; many inappropriate words in conversation; easily deceived",
            ),
            Option(
                1,
                "勉强可与他人接触，谈吐内容不清楚，表情不恰当",
                "Can barely interact with others; speech content unclear; inappropriate "
                "facial expressions",
            ),
            Option(0, "不能与人交往", "Cannot interact with people"),
        ),
    ),
)

DOMAINS: Final[tuple[Domain, ...]] = (
    Domain(
        "self_care",
        "自理能力",
        "Self-care",
        tuple(item.code for item in SELF_CARE_ITEMS),
        "B.1",
    ),
    Domain(
        "basic_motor",
        "基础运动能力",
        "Basic motor ability",
        tuple(item.code for item in BASIC_MOTOR_ITEMS),
        "B.2",
    ),
    Domain(
        "mental",
        "精神状态",
        "Mental state",
        tuple(item.code for item in MENTAL_ITEMS),
        "B.3",
    ),
    Domain(
        "perception_social",
        "感知觉与社会参与",
        "Perception and social participation",
        tuple(item.code for item in PERCEPTION_SOCIAL_ITEMS),
        "B.4",
    ),
)

# §1.8, [V2]. C.3 初步等级 from the total; C.5 uses the same names for the final level.
LEVELS: Final[tuple[AbilityLevel, ...]] = (
    AbilityLevel(0, "能力完好", "Intact ability", 90, 90),
    AbilityLevel(
        1,
        "能力轻度受损（轻度失能）",
        "Mildly impaired ability (mild disability)",
        66,
        89,
    ),
    AbilityLevel(
        2,
        "能力中度受损（中度失能）",
        "Moderately impaired ability (moderate disability)",
        46,
        65,
    ),
    AbilityLevel(
        3,
        "能力重度受损（重度失能）",
        "Severely impaired ability (severe disability)",
        30,
        45,
    ),
    AbilityLevel(
        4,
        "能力完全丧失（完全失能）",
        "Complete loss of ability (complete disability)",
        0,
        29,
    ),
)

GBT42195: Final[Instrument] = Instrument(
    code=CODE,
    name_zh="老年人能力评估规范",
    name_en="Assessment specifications for older adults",
    source="GB/T 42195-2022",
    direction=ScoreDirection.HIGHER_IS_BETTER,
    items=SELF_CARE_ITEMS + BASIC_MOTOR_ITEMS + MENTAL_ITEMS + PERCEPTION_SOCIAL_ITEMS,
    domains=DOMAINS,
    levels=LEVELS,
)


# --- Preliminary level (C.3) -------------------------------------------------------------------


def preliminary_level(total: int) -> int:
    """The C.3 preliminary level 0–4 of a total 0–90 (§1.8)."""
    level = GBT42195.level_for(total)
    if level is None:
        raise ValueError(f"total {total} is outside 0–90")
    return level.level
