"""GB/T 42195-2022 附录A: the basic-information forms A.1–A.5 (design notes §1.11).

Field codes, Chinese labels and options follow the notes; ``key`` is our machine name and
the English labels are ours. Only three fields feed the scorer (C.4): A.5.11 昏迷 →
record field ``coma``; A.4.1 疾病诊断 → ``diagnoses`` (with ``diagnosed_by_psychiatrist``,
which the form does not have as a field: it qualifies the 其他精神和行为障碍 entry);
A.2.14 近30天内照护风险事件 → ``risk_events_30d``. :func:`gbt42195_fields_from_form`
turns those form values into the scorer's record fields.

Verification: A.1, A.3, A.4 and A.5 [V2]; in A.2 the fields and options are [V2] but the
A.2.x numbering comes from one source [V1].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .types import FieldKind, FieldOption, FormField, FormSection


def _options(*pairs: tuple[str, str, str]) -> tuple[FieldOption, ...]:
    return tuple(FieldOption(value, zh, en) for value, zh, en in pairs)


def _field(
    code: str,
    key: str,
    zh: str,
    en: str,
    kind: FieldKind,
    options: tuple[FieldOption, ...] = (),
    **extra: Any,
) -> FormField:
    return FormField(
        code=code, key=key, label_zh=zh, label_en=en, kind=kind, options=options, **extra
    )


_NO_YES: Final = _options(("no", "无", "No"), ("yes", "有", "Yes"))

# --- A.1 评估信息表 -----------------------------------------------------------------------------
A1: Final[FormSection] = FormSection(
    "A.1",
    "评估信息表",
    "Assessment information",
    (
        _field("A.1.1", "assessment_no", "评估编号", "Assessment number", FieldKind.TEXT),
        _field("A.1.2", "base_date", "评估基准日期", "Assessment reference date", FieldKind.DATE),
        _field(
            "A.1.3",
            "reason",
            "评估原因",
            "Reason for assessment",
            FieldKind.SINGLE_CHOICE,
            _options(
                ("first", "首次评估", "First assessment"),
                ("routine", "常规评估", "Routine assessment"),
                ("immediate", "即时评估", "Immediate assessment (change of condition)"),
                (
                    "review",
                    "因对评估结果有疑问进行的复评",
                    "Re-assessment because the result is disputed",
                ),
                ("other", "其他", "Other"),
            ),
        ),
    ),
)

# --- A.2 评估对象基本信息表 ---------------------------------------------------------------------
_RISK_COUNTS: Final = (
    FieldOption("none", "无", "None", count=0),
    FieldOption("once", "发生过1次", "Once", count=1),
    FieldOption("twice", "发生过2次", "Twice", count=2),
    FieldOption("three_or_more", "发生过3次及以上", "Three times or more", count=3),
)

A2: Final[FormSection] = FormSection(
    "A.2",
    "评估对象基本信息表",
    "Basic information about the person assessed",
    (
        _field("A.2.1", "name", "姓名", "Name", FieldKind.TEXT),
        _field(
            "A.2.2",
            "sex",
            "性别",
            "Sex",
            FieldKind.SINGLE_CHOICE,
            _options(("male", "男", "Male"), ("female", "女", "Female")),
        ),
        _field("A.2.3", "birth_date", "出生日期", "Date of birth", FieldKind.DATE),
        _field("A.2.4", "height_cm", "身高", "Height", FieldKind.NUMBER, unit="cm"),
        _field("A.2.5", "weight_kg", "体重", "Weight", FieldKind.NUMBER, unit="kg"),
        # S-GO also offers 其他; the other sources do not.
        _field(
            "A.2.6",
            "ethnicity",
            "民族",
            "Ethnicity",
            FieldKind.SINGLE_CHOICE,
            _options(("han", "汉族", "Han"), ("minority", "少数民族", "Ethnic minority")),
        ),
        _field(
            "A.2.7",
            "religion",
            "宗教信仰",
            "Religious belief",
            FieldKind.SINGLE_CHOICE,
            _options(("no", "无", "None"), ("yes", "有", "Yes")),
        ),
        _field("A.2.8", "id_number", "公民身份号码", "Citizen ID number", FieldKind.TEXT),
        _field(
            "A.2.9",
            "education",
            "文化程度",
            "Education",
            FieldKind.SINGLE_CHOICE,
            _options(
                ("illiterate", "文盲", "Illiterate"),
                ("primary", "小学", "Primary school"),
                ("junior_secondary", "初中", "Junior secondary school"),
                (
                    "senior_secondary",
                    "高中/技校/中专",
                    "Senior secondary, technical or vocational school",
                ),
                ("college_or_above", "大学专科及以上", "College or above"),
                ("unknown", "不详", "Unknown"),
            ),
        ),
        _field(
            "A.2.10",
            "living_arrangement",
            "居住情况（多选）",
            "Living arrangement (multiple choice)",
            FieldKind.MULTI_CHOICE,
            _options(
                ("alone", "独居", "Lives alone"),
                ("spouse", "与配偶居住", "With spouse"),
                ("children", "与子女居住", "With children"),
                ("parents", "与父母居住", "With parents"),
                ("siblings", "与兄弟姐妹居住", "With siblings"),
                ("other_relatives", "与其他亲属居住", "With other relatives"),
                ("non_relatives", "与非亲属关系的人居住", "With non-relatives"),
                ("care_institution", "养老机构", "In a care institution"),
            ),
        ),
        # S-VUE writes "未说明的婚姻状况".
        _field(
            "A.2.11",
            "marital_status",
            "婚姻状况",
            "Marital status",
            FieldKind.SINGLE_CHOICE,
            _options(
                ("unmarried", "未婚", "Never married"),
                ("married", "已婚", "Married"),
                ("widowed", "丧偶", "Widowed"),
                ("divorced", "离婚", "Divorced"),
                ("unspecified", "未说明", "Not stated"),
            ),
        ),
        _field(
            "A.2.12",
            "medical_payment",
            "医疗费用支付方式（多选）",
            "Payment of medical costs (multiple choice)",
            FieldKind.MULTI_CHOICE,
            _options(
                (
                    "urban_employee_insurance",
                    "城镇职工基本医疗保险",
                    "Basic medical insurance for urban employees",
                ),
                (
                    "resident_insurance",
                    "城乡居民基本医疗保险",
                    "Basic medical insurance for urban and rural residents",
                ),
                ("self_pay", "自费", "Self-paid"),
                ("civil_servant_subsidy", "公务员补助", "Civil servants' medical subsidy"),
                (
                    "enterprise_supplementary",
                    "企业补充保险",
                    "Supplementary enterprise insurance",
                ),
                (
                    "public_medical_care",
                    "公费医疗及医疗照顾对象",
                    "Public medical care and medical-care beneficiaries",
                ),
                ("medical_assistance", "医疗救助", "Medical assistance"),
                ("critical_illness_insurance", "大病保险", "Critical illness insurance"),
            ),
        ),
        _field(
            "A.2.13",
            "income_sources",
            "经济来源（多选）",
            "Sources of income (multiple choice)",
            FieldKind.MULTI_CHOICE,
            _options(
                ("pension", "退休金/养老金", "Retirement pension"),
                ("children", "子女补贴", "Support from children"),
                ("relatives_friends", "亲友资助", "Support from relatives and friends"),
                ("state_allowance", "国家普惠型补贴", "State universal allowance"),
                ("savings", "个人储蓄", "Personal savings"),
                ("other_allowance", "其他补贴", "Other allowances"),
            ),
        ),
        _field(
            "A.2.14",
            "risk_events_30d",
            "近30天内照护风险事件",
            "Care-risk events in the last 30 days",
            FieldKind.GROUP,
            children=(
                _field("A.2.14.1", "fall", "跌倒", "Fall", FieldKind.SINGLE_CHOICE, _RISK_COUNTS),
                _field(
                    "A.2.14.2",
                    "wandering",
                    "走失",
                    "Wandering off (getting lost)",
                    FieldKind.SINGLE_CHOICE,
                    _RISK_COUNTS,
                ),
                _field(
                    "A.2.14.3", "choking", "噎食", "Choking", FieldKind.SINGLE_CHOICE, _RISK_COUNTS
                ),
                _field(
                    "A.2.14.4",
                    "suicide_self_harm",
                    "自杀、自伤",
                    "Suicide or self-harm",
                    FieldKind.SINGLE_CHOICE,
                    _RISK_COUNTS,
                ),
                _field("A.2.14.5", "other", "其他", "Other", FieldKind.SINGLE_CHOICE, _RISK_COUNTS),
            ),
        ),
    ),
)

# --- A.3 信息提供者及联系人信息表 ---------------------------------------------------------------
A3: Final[FormSection] = FormSection(
    "A.3",
    "信息提供者及联系人信息表",
    "Informant and contact person",
    (
        _field("A.3.1", "informant_name", "信息提供者的姓名", "Informant's name", FieldKind.TEXT),
        _field(
            "A.3.2",
            "informant_relationship",
            "信息提供者与老年人的关系",
            "Informant's relationship to the older person",
            FieldKind.SINGLE_CHOICE,
            _options(
                ("self", "本人", "Self"),
                ("spouse", "配偶", "Spouse"),
                ("child", "子女", "Child"),
                ("other_relative", "其他亲属", "Other relative"),
                ("hired_carer", "雇佣照顾者", "Hired carer"),
                (
                    "committee_staff",
                    "村（居）民委员会工作人员",
                    "Staff of the village or residents' committee",
                ),
                ("other", "其他", "Other"),
            ),
        ),
        _field("A.3.3", "contact_name", "联系人姓名", "Contact person's name", FieldKind.TEXT),
        _field("A.3.4", "contact_phone", "联系人电话", "Contact person's phone", FieldKind.TEXT),
    ),
)

# --- A.4 疾病诊断和用药情况 ---------------------------------------------------------------------


def _dx(value: str, zh: str, en: str, icd10: str | None) -> FieldOption:
    return FieldOption(value, zh, en, icd10=icd10)


#: The ``value`` of an ICD-coded diagnosis is its code range, which the scorer understands
#: directly ("F00-F03" counts as a dementia diagnosis).
DIAGNOSIS_OPTIONS: Final[tuple[FieldOption, ...]] = (
    _dx("I10-I15", "高血压病", "Hypertensive disease", "I10～I15"),
    _dx("I25", "冠心病", "Coronary heart disease", "I25"),
    _dx("E10-E14", "糖尿病", "Diabetes mellitus", "E10～E14"),
    _dx("J12-J18", "肺炎", "Pneumonia", "J12～J18"),
    _dx("J44", "慢性阻塞性肺疾病", "Chronic obstructive pulmonary disease", "J44"),
    _dx("I60-I62", "脑出血", "Intracranial haemorrhage", "I60～I62"),
    _dx("I63", "脑梗塞", "Cerebral infarction", "I63"),
    _dx("uti_30d", "尿路感染（30天内）", "Urinary tract infection (within 30 days)", None),
    _dx("G20-G22", "帕金森综合征", "Parkinsonism", "G20～G22"),
    _dx("N18-N19", "慢性肾衰竭", "Chronic renal failure", "N18～N19"),
    _dx("K74", "肝硬化", "Cirrhosis of the liver", "K74"),
    _dx("K20-K31", "消化性溃疡", "Peptic ulcer", "K20～K31"),
    # S-VUE2 alone writes C00～C48.
    _dx("C00-D48", "肿瘤", "Neoplasm", "C00～D48"),
    _dx("amputation_6m", "截肢（6个月内）", "Amputation (within 6 months)", None),
    _dx("M84", "骨折（3个月内）", "Fracture (within 3 months)", "M84"),
    _dx("G40", "癫痫", "Epilepsy", "G40"),
    _dx("E01-E03", "甲状腺功能减退症", "Hypothyroidism", "E01～E03"),
    _dx("H25-H26", "白内障", "Cataract", "H25～H26"),
    _dx("H40-H42", "青光眼", "Glaucoma", "H40～H42"),
    _dx("M80-M82", "骨质疏松症", "Osteoporosis", "M80～M82"),
    _dx("F00-F03", "痴呆", "Dementia", "F00～F03"),
    _dx(
        "F04-F99",
        "其他精神和行为障碍",
        "Other mental and behavioural disorders",
        "F04～F99",
    ),
    _dx("other", "其他", "Other", None),
)

A4: Final[FormSection] = FormSection(
    "A.4",
    "疾病诊断和用药情况",
    "Diagnoses and medication",
    (
        _field(
            "A.4.1",
            "diagnoses",
            "疾病诊断（可多选）",
            "Diagnoses (multiple choice)",
            FieldKind.MULTI_CHOICE,
            DIAGNOSIS_OPTIONS,
        ),
        # S-VUE writes 药品名称 / 用药频次.
        _field(
            "A.4.2",
            "medications",
            "用药情况（目前长期服药情况）",
            "Medication (current long-term medication)",
            FieldKind.TABLE,
            children=(
                _field("A.4.2.1", "drug_name", "药物名称", "Drug name", FieldKind.TEXT),
                _field("A.4.2.2", "method", "服药方法", "Route", FieldKind.TEXT),
                _field("A.4.2.3", "dose", "用药剂量", "Dose", FieldKind.TEXT),
                _field("A.4.2.4", "frequency", "用药频率", "Frequency", FieldKind.TEXT),
            ),
        ),
    ),
)

# --- A.5 健康相关问题 (not scored; only A.5.11 changes the level) -------------------------------
_MISSING_TEETH = ("牙列缺损", "Partial loss of teeth")
_NO_TEETH = ("牙列缺失", "Loss of a whole arch")

A5: Final[FormSection] = FormSection(
    "A.5",
    "健康相关问题",
    "Health-related problems",
    (
        _field(
            "A.5.1",
            "pressure_injury",
            "压力性损伤",
            "Pressure injury",
            FieldKind.SINGLE_CHOICE,
            _options(
                ("none", "无", "None"),
                (
                    "stage_1",
                    "Ⅰ期：皮肤完好，出现指压不会变白的红印",
                    "Stage I: intact skin with non-blanchable redness",
                ),
                (
                    "stage_2",
                    "Ⅱ期：皮肤真皮层损失、暴露，出现水疱",
                    "Stage II: partial-thickness loss with exposed dermis, blisters",
                ),
                (
                    "stage_3",
                    "Ⅲ期：全层皮肤缺失，可见脂肪、肉芽组织以及边缘内卷",
                    "Stage III: full-thickness skin loss; fat and granulation tissue visible, "
                    "rolled edges",
                ),
                (
                    "stage_4",
                    "Ⅳ期：全层皮肤、组织缺失，可见肌腱、肌肉、腱膜，以及边缘内卷，伴随隧道、潜行",
                    "Stage IV: full-thickness skin and tissue loss; tendon, muscle or fascia "
                    "visible, rolled edges, tunnelling and undermining",
                ),
                (
                    "unstageable",
                    "不可分期：全身皮肤、组织被腐肉、焦痂掩盖，无法确认组织缺失程度，"
                    "去除腐肉、焦痂才可判断损伤程度",
                    "Unstageable: skin and tissue covered by slough or eschar, so the depth "
                    "cannot be judged until it is removed",
                ),
            ),
        ),
        _field(
            "A.5.2",
            "joint_mobility",
            "关节活动度",
            "Joint range of motion",
            FieldKind.SINGLE_CHOICE,
            (
                FieldOption(
                    "no_effect", "无，没有影响日常生活功能", "No effect on daily functioning"
                ),
                FieldOption(
                    "affects_daily_life",
                    "是，影响日常生活功能，部位",
                    "Yes, affects daily functioning; site",
                    needs_detail=True,
                ),
                FieldOption("cannot_judge", "无法判断", "Cannot be judged"),
            ),
        ),
        _field(
            "A.5.3",
            "wounds",
            "伤口情况（可多选）",
            "Wounds (multiple choice)",
            FieldKind.MULTI_CHOICE,
            _options(
                ("none", "无", "None"),
                ("abrasion", "擦伤", "Abrasion"),
                ("burn", "烧烫伤", "Burn or scald"),
                ("surgical", "术后伤口", "Surgical wound"),
                ("diabetic_foot", "糖尿病足溃疡", "Diabetic foot ulcer"),
                ("vascular_ulcer", "血管性溃疡", "Vascular ulcer"),
                ("other", "其他伤口", "Other wound"),
            ),
        ),
        _field(
            "A.5.4",
            "special_care",
            "特殊护理情况（可多选）",
            "Special care needs (multiple choice)",
            FieldKind.MULTI_CHOICE,
            _options(
                ("none", "无", "None"),
                ("gastric_tube", "胃管", "Gastric tube"),
                ("urinary_catheter", "尿管", "Urinary catheter"),
                ("tracheostomy", "气管切开", "Tracheostomy"),
                ("stoma", "胃/肠/膀胱造瘘", "Gastric, intestinal or bladder stoma"),
                ("non_invasive_ventilator", "无创呼吸机", "Non-invasive ventilator"),
                ("dialysis", "透析", "Dialysis"),
                ("other", "其他", "Other"),
            ),
        ),
        _field(
            "A.5.5",
            "pain",
            "疼痛感",
            "Pain",
            FieldKind.SINGLE_CHOICE,
            _options(
                ("none", "无疼痛", "No pain"),
                ("mild", "轻度疼痛", "Mild pain"),
                ("moderate", "中度疼痛（尚可忍受的程度）", "Moderate pain (bearable)"),
                ("severe", "重度疼痛（无法忍受的程度）", "Severe pain (unbearable)"),
                ("unknown", "不知道或无法判断", "Unknown or cannot be judged"),
            ),
            note_zh="注：通过表情反应和询问来判断",
            note_en="Note: judged from facial expression and by asking",
        ),
        _field(
            "A.5.6",
            "tooth_loss",
            "牙齿缺失情况（可多选）",
            "Missing teeth (multiple choice)",
            FieldKind.MULTI_CHOICE,
            (
                FieldOption("none", "无缺损", "No defect"),
                FieldOption(
                    "tooth_defect",
                    "牙体缺损（如龋齿、楔状缺损）",
                    "Tooth defect (e.g. caries, wedge-shaped defect)",
                ),
                FieldOption(
                    "partial_non_opposing",
                    "非对位牙缺失",
                    "Missing non-opposing teeth",
                    group_zh=_MISSING_TEETH[0],
                    group_en=_MISSING_TEETH[1],
                ),
                FieldOption(
                    "partial_one_side_opposing",
                    "单侧对位牙缺失",
                    "Missing opposing teeth on one side",
                    group_zh=_MISSING_TEETH[0],
                    group_en=_MISSING_TEETH[1],
                ),
                FieldOption(
                    "partial_both_sides_opposing",
                    "双侧对位牙缺失",
                    "Missing opposing teeth on both sides",
                    group_zh=_MISSING_TEETH[0],
                    group_en=_MISSING_TEETH[1],
                ),
                FieldOption(
                    "edentulous_upper",
                    "上颌牙缺失",
                    "Upper teeth missing",
                    group_zh=_NO_TEETH[0],
                    group_en=_NO_TEETH[1],
                ),
                FieldOption(
                    "edentulous_lower",
                    "下颌牙缺失",
                    "Lower teeth missing",
                    group_zh=_NO_TEETH[0],
                    group_en=_NO_TEETH[1],
                ),
                FieldOption(
                    "edentulous_full",
                    "全口牙缺失",
                    "All teeth missing",
                    group_zh=_NO_TEETH[0],
                    group_en=_NO_TEETH[1],
                ),
            ),
        ),
        _field(
            "A.5.7",
            "dentures",
            "义齿佩戴情况（可多选）",
            "Dentures worn (multiple choice)",
            FieldKind.MULTI_CHOICE,
            _options(
                ("none", "无义齿", "No dentures"),
                ("fixed", "固定义齿", "Fixed denture"),
                ("removable_partial", "可摘局部义齿", "Removable partial denture"),
                ("removable_full", "可摘全/半口义齿", "Removable full or half denture"),
            ),
        ),
        _field(
            "A.5.8",
            "dysphagia_signs",
            "吞咽困难的情形和症状（可多选）",
            "Signs and symptoms of swallowing difficulty (multiple choice)",
            FieldKind.MULTI_CHOICE,
            _options(
                ("none", "无", "None"),
                (
                    "complains",
                    "抱怨吞咽困难或吞咽时会疼痛",
                    "Complains of difficulty or pain when swallowing",
                ),
                (
                    "coughing",
                    "吃东西或喝水时出现咳嗽或呛咳",
                    "Coughs or chokes when eating or drinking",
                ),
                (
                    "residue",
                    "用餐后嘴中仍含着食物或留有残余食物",
                    "Food held or left in the mouth after meals",
                ),
                (
                    "spillage",
                    "当喝或吃流质或固体的食物时，食物会从嘴角边流失",
                    "Food escapes from the corner of the mouth when drinking or eating",
                ),
                ("drooling", "有流口水的情况", "Drooling"),
            ),
        ),
        _field(
            "A.5.9",
            "malnutrition",
            "营养不良：体质指数（BMI）低于正常值",
            "Malnutrition: body-mass index (BMI) below normal",
            FieldKind.SINGLE_CHOICE,
            _NO_YES,
            note_zh="注：BMI = 体重(kg) / [身高(m)]²",
            note_en="Note: BMI = weight (kg) / [height (m)]²",
        ),
        _field(
            "A.5.10",
            "ineffective_airway_clearance",
            "清理呼吸道无效",
            "Ineffective airway clearance",
            FieldKind.SINGLE_CHOICE,
            _NO_YES,
        ),
        _field("A.5.11", "coma", "昏迷", "Coma", FieldKind.SINGLE_CHOICE, _NO_YES),
        _field("A.5.12", "other", "其他（请补充）", "Other (please specify)", FieldKind.TEXT),
    ),
)

APPENDIX_A: Final[tuple[FormSection, ...]] = (A1, A2, A3, A4, A5)

#: Fields whose value the registry (or the booking) already holds, by code, with the
#: registry's name for it. They are shown from the registry, never stored with the
#: assessment: A.2.8 and A.3.4 are personal data kept only encrypted in the registry, and
#: the others would be stale copies (and A.2.3 the exact birth date, which some roles that
#: read assessments may not see). Changes go back to the registry through its services.
REGISTRY_FIELDS: Final[dict[str, str]] = {
    "A.1.1": "assessment_number",
    "A.2.1": "name",
    "A.2.2": "sex",
    "A.2.3": "birth_date",
    "A.2.8": "id_number",
    "A.3.3": "contact_name",
    "A.3.4": "contact_phone",
}
#: Of those, the ones that are personal data (encrypted in the registry, masked by role).
PERSONAL_FIELDS: Final[frozenset[str]] = frozenset({"A.2.8", "A.3.4"})
#: The stored reference to the registry contact chosen for A.3.3/A.3.4 (a contact id).
CONTACT_REF: Final = "A.3.contact"


def appendix_a_section(code: str) -> FormSection:
    """The section ``"A.1"`` … ``"A.5"``."""
    for section in APPENDIX_A:
        if section.code == code:
            return section
    raise KeyError(code)


def gbt42195_fields_from_form(
    *,
    coma: str | None = None,
    diagnoses: list[str] | None = None,
    diagnosed_by_psychiatrist: bool = False,
    risk_events: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The scorer's C.4 record fields from appendix A form values.

    ``coma`` is the A.5.11 option value (``"no"``/``"yes"``); ``diagnoses`` A.4.1 option
    values or ICD-10 codes, passed through; ``risk_events`` maps A.2.14 child keys
    (``fall``, ``wandering`` …) to option values (``"none"`` … ``"three_or_more"``).
    Raises ``KeyError`` for an unknown option value.
    """
    fields: dict[str, Any] = {
        "diagnoses": list(diagnoses or []),
        "diagnosed_by_psychiatrist": diagnosed_by_psychiatrist,
    }
    if coma is not None:
        fields["coma"] = A5.field("A.5.11").option(coma).value == "yes"
    counts: dict[str, int] = {}
    group = A2.field("A.2.14")
    for child in group.children:
        value = (risk_events or {}).get(child.key)
        if value is not None:
            count = child.option(value).count
            counts[child.key] = count if count is not None else 0
    unknown = set(risk_events or {}) - {child.key for child in group.children}
    if unknown:
        raise KeyError(sorted(unknown)[0])
    fields["risk_events_30d"] = counts
    return fields
