"""Demo assistive-device data: eight enterprises, each also in the industry registry (the demo
enterprise user belongs to two),
about 80 products across more than 30 ISO 9999 divisions, most admitted through the whole
workflow, a few admissions in progress (one in public notice with an objection, one
rejected), declared needs, recommendation decisions and fittings with follow-ups for a few
elders of Yuanling street. Idempotent: nothing happens when a product exists."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.utils import timezone
from stdnum.cn import uscc

from silvercare.assistive import services
from silvercare.assistive.models import AdmissionStatus, DeviceType, Enterprise, Product
from silvercare.audit.services import AuditContext
from silvercare.industry.services import enterprise_register, seed_data_restore
from silvercare.regions.models import Region

ENTERPRISES = (
    "深圳康扶医疗器械有限公司",
    "广东安步康复科技有限公司",
    "颐康护理用品（深圳）有限公司",
    "明视光学仪器有限公司",
    "聆声听力科技有限公司",
    "稳行智能出行设备有限公司",
    "舒眠家居护理设备有限公司",
    "福乐适老用品有限公司",
)
REGISTRY_STREET = "440304001000"  # 园岭街道, where the demo suppliers are registered


def _credit_code(n: int) -> str:
    """A valid unified social credit code for demo supplier ``n``."""
    body = f"91440304MA5DK{n:04d}"
    return body + uscc.calc_check_digit(body)


W = "max_user_weight_kg"


def _cane(lo: int, hi: int, kg: int, material: str = "aluminium") -> dict[str, Any]:
    return {"height_min_cm": lo, "height_max_cm": hi, W: kg, "material": material}


def _frame(lo: int, hi: int, kg: int, wheels: int, seat: bool = False) -> dict[str, Any]:
    return {"height_min_cm": lo, "height_max_cm": hi, W: kg, "wheels": wheels, "has_seat": seat}


def _chair(seat: int, kg: int, weight: float, fold: bool = True) -> dict[str, Any]:
    return {
        "seat_width_cm": seat,
        "seat_height_cm": 48,
        W: kg,
        "weight_kg": weight,
        "foldable": fold,
    }


# (division, enterprise index, brand, model, name, sale yuan, monthly rent yuan or None,
#  requires fitting, specifications, suits)
PRODUCTS: tuple[tuple[Any, ...], ...] = (
    (
        "04 19 04",
        7,
        "福乐",
        "FL-P7",
        "一周七格分药盒",
        15,
        None,
        False,
        {"size": "7 格"},
        ["forgets_medicine"],
    ),
    (
        "04 19 04",
        7,
        "福乐",
        "FL-P28S",
        "语音提醒智能药盒",
        199,
        None,
        False,
        {"size": "28 格"},
        ["forgets_medicine", "low_vision"],
    ),
    ("04 24 09", 2, "颐康", "YK-BP10", "上臂式电子血压计", 199, None, False, {}, []),
    ("04 24 09", 2, "颐康", "YK-BP20V", "语音播报电子血压计", 299, None, False, {}, ["low_vision"]),
    (
        "04 33 03",
        6,
        "舒眠",
        "SM-C1",
        "记忆棉防压疮坐垫",
        198,
        None,
        False,
        {"length_cm": 45, "width_cm": 42, "principle": "foam"},
        ["pressure_sore_risk"],
    ),
    (
        "04 33 03",
        6,
        "舒眠",
        "SM-C5A",
        "充气式防压疮坐垫",
        680,
        30,
        False,
        {"length_cm": 46, "width_cm": 43, "principle": "air_cell", W: 150},
        ["pressure_sore_risk"],
    ),
    (
        "04 33 03",
        2,
        "颐康",
        "YK-GC2",
        "凝胶减压坐垫",
        420,
        None,
        False,
        {"length_cm": 44, "width_cm": 40, "principle": "gel"},
        ["pressure_sore_risk"],
    ),
    (
        "04 33 06",
        6,
        "舒眠",
        "SM-M100",
        "交替充气防压疮床垫",
        890,
        60,
        False,
        {"length_cm": 195, "width_cm": 90, "principle": "air_alternating", W: 135},
        ["bed_bound", "pressure_sore_risk"],
    ),
    (
        "04 33 06",
        6,
        "舒眠",
        "SM-F80",
        "高回弹减压海绵床垫",
        390,
        None,
        False,
        {"length_cm": 190, "width_cm": 90, "principle": "foam"},
        ["pressure_sore_risk"],
    ),
    (
        "04 33 06",
        2,
        "颐康",
        "YK-AC300",
        "静态气囊减压床垫",
        1990,
        120,
        True,
        {"length_cm": 200, "width_cm": 90, "principle": "air_cell", W: 180},
        ["bed_bound", "pressure_sore_risk"],
    ),
    ("06 12 06", 0, "康扶", "KF-AFO1", "后置式踝足矫形器（成品）", 600, None, True, {}, []),
    ("06 12 06", 0, "康扶", "KF-AFO9C", "定制热塑踝足矫形器", 1500, None, True, {}, []),
    ("06 12 09", 0, "康扶", "KF-K2", "可调角度膝关节支具", 480, None, True, {}, []),
    (
        "06 12 09",
        7,
        "福乐",
        "FL-KS",
        "弹性护膝（带侧条）",
        120,
        None,
        False,
        {"size": "M/L/XL"},
        [],
    ),
    (
        "09 06 09",
        7,
        "福乐",
        "FL-HP1",
        "防跌倒髋部保护裤",
        260,
        None,
        False,
        {"size": "M/L"},
        ["fall_history"],
    ),
    (
        "09 06 09",
        2,
        "颐康",
        "YK-HP3",
        "软壳髋部保护器",
        380,
        None,
        False,
        {"size": "L"},
        ["fall_history"],
    ),
    (
        "09 12 03",
        2,
        "颐康",
        "YK-T1",
        "钢制坐便椅",
        260,
        20,
        False,
        {"seat_height_min_cm": 42, W: 100},
        ["incontinence"],
    ),
    (
        "09 12 03",
        2,
        "颐康",
        "YK-T5",
        "带扶手可调高坐便椅",
        460,
        30,
        False,
        {"seat_height_min_cm": 40, W: 136},
        ["incontinence"],
    ),
    (
        "09 12 03",
        1,
        "安步",
        "AB-TW",
        "带轮洗浴坐便两用椅",
        980,
        60,
        False,
        {"seat_height_min_cm": 45, W: 120},
        ["incontinence", "bathing_difficulty"],
    ),
    (
        "09 12 12",
        7,
        "福乐",
        "FL-R10",
        "10 厘米马桶增高垫",
        180,
        None,
        False,
        {"seat_height_min_cm": 50, W: 120},
        [],
    ),
    (
        "09 12 12",
        7,
        "福乐",
        "FL-R15A",
        "带扶手马桶增高器",
        420,
        None,
        False,
        {"seat_height_min_cm": 52, W: 136},
        [],
    ),
    (
        "09 30 12",
        2,
        "颐康",
        "YK-D-L",
        "成人纸尿裤（大号，30 片）",
        89,
        None,
        False,
        {"size": "L"},
        ["incontinence"],
    ),
    (
        "09 30 12",
        2,
        "颐康",
        "YK-U-M",
        "拉拉裤（中号，20 片）",
        69,
        None,
        False,
        {"size": "M"},
        ["incontinence"],
    ),
    (
        "09 33 03",
        7,
        "福乐",
        "FL-B1",
        "铝合金防滑洗澡凳",
        160,
        None,
        False,
        {"seat_height_min_cm": 38, W: 120},
        ["bathing_difficulty"],
    ),
    (
        "09 33 03",
        7,
        "福乐",
        "FL-B3",
        "带靠背扶手洗澡椅",
        320,
        20,
        False,
        {"seat_height_min_cm": 40, W: 136, "has_backrest": True},
        ["bathing_difficulty"],
    ),
    (
        "09 33 03",
        1,
        "安步",
        "AB-BB",
        "浴缸转移板",
        450,
        None,
        False,
        {"seat_height_min_cm": 45, W: 130},
        ["bathing_difficulty"],
    ),
    (
        "12 03 03",
        1,
        "安步",
        "AB-S1",
        "可调节单脚手杖",
        80,
        None,
        False,
        _cane(72, 95, 100),
        ["fall_history"],
    ),
    ("12 03 03", 1, "安步", "AB-S3F", "折叠手杖（带灯）", 150, None, False, _cane(80, 92, 100), []),
    (
        "12 03 03",
        0,
        "康扶",
        "KF-SC",
        "碳纤维手杖",
        360,
        None,
        False,
        _cane(75, 97, 120, "carbon"),
        [],
    ),
    ("12 03 06", 1, "安步", "AB-EC", "铝合金肘拐（对）", 180, 15, False, _cane(68, 100, 120), []),
    (
        "12 03 06",
        0,
        "康扶",
        "KF-EC2",
        "人体工学肘拐（对）",
        420,
        25,
        False,
        _cane(70, 102, 130),
        [],
    ),
    ("12 03 12", 1, "安步", "AB-AC", "铝合金腋拐（对）", 160, 15, False, _cane(110, 150, 120), []),
    ("12 03 12", 0, "康扶", "KF-AC5", "带减震腋拐（对）", 290, 20, False, _cane(112, 150, 135), []),
    (
        "12 03 16",
        1,
        "安步",
        "AB-Q4",
        "四脚手杖（小底座）",
        120,
        10,
        False,
        _cane(72, 95, 100),
        ["fall_history"],
    ),
    (
        "12 03 16",
        1,
        "安步",
        "AB-Q4L",
        "四脚手杖（大底座）",
        180,
        12,
        False,
        _cane(72, 95, 120, "steel"),
        ["fall_history"],
    ),
    (
        "12 03 16",
        0,
        "康扶",
        "KF-T3",
        "三脚站立手杖（带灯）",
        260,
        15,
        False,
        _cane(76, 96, 110),
        ["fall_history", "low_vision"],
    ),
    ("12 03 18", 7, "福乐", "FL-SS", "带座手杖", 190, None, False, _cane(84, 90, 100), []),
    ("12 03 18", 1, "安步", "AB-SS3", "三脚折叠座椅手杖", 260, None, False, _cane(85, 88, 110), []),
    (
        "12 06 03",
        1,
        "安步",
        "AB-F1",
        "折叠框式助行器",
        230,
        15,
        False,
        _frame(78, 95, 100, 0),
        ["fall_history"],
    ),
    (
        "12 06 03",
        1,
        "安步",
        "AB-F2W",
        "两轮框式助行器",
        320,
        20,
        False,
        _frame(78, 95, 110, 2),
        ["fall_history"],
    ),
    (
        "12 06 03",
        0,
        "康扶",
        "KF-FS",
        "带座框式助行器",
        450,
        25,
        False,
        _frame(80, 96, 120, 0, True),
        [],
    ),
    (
        "12 06 06",
        1,
        "安步",
        "AB-R4",
        "四轮助行器（带刹车座椅）",
        680,
        35,
        False,
        _frame(80, 95, 120, 4, True),
        [],
    ),
    ("12 06 06", 0, "康扶", "KF-R3", "三轮助行器", 520, 30, False, _frame(80, 94, 100, 3), []),
    (
        "12 06 06",
        5,
        "稳行",
        "WX-R4C",
        "碳纤维轻便四轮助行器",
        1680,
        80,
        False,
        _frame(78, 98, 136, 4, True),
        [],
    ),
    (
        "12 06 12",
        1,
        "安步",
        "AB-WT",
        "前臂支撑台式助行器",
        1280,
        70,
        True,
        _frame(95, 125, 130, 4),
        [],
    ),
    (
        "12 06 12",
        0,
        "康扶",
        "KF-WT2",
        "可升降台式助行器",
        1860,
        90,
        True,
        _frame(90, 128, 150, 4),
        [],
    ),
    (
        "12 22 03",
        0,
        "康扶",
        "KF-W100",
        "钢制手动轮椅",
        690,
        40,
        False,
        _chair(46, 100, 18.5),
        ["cannot_walk_50m"],
    ),
    (
        "12 22 03",
        0,
        "康扶",
        "KF-W210",
        "铝合金轻便手动轮椅",
        1280,
        60,
        False,
        _chair(45, 100, 12.8),
        ["cannot_walk_50m"],
    ),
    (
        "12 22 03",
        5,
        "稳行",
        "WX-A1",
        "主动型超轻手动轮椅",
        5800,
        200,
        True,
        _chair(40, 110, 8.9, False),
        [],
    ),
    (
        "12 22 03",
        5,
        "稳行",
        "WX-P5",
        "高靠背可躺手动轮椅",
        2600,
        120,
        True,
        _chair(48, 120, 22.0),
        ["bed_bound"],
    ),
    (
        "12 22 18",
        0,
        "康扶",
        "KF-AW1",
        "护理型手推轮椅",
        790,
        40,
        False,
        _chair(43, 100, 13.5),
        ["cannot_walk_50m"],
    ),
    (
        "12 22 18",
        5,
        "稳行",
        "WX-T7",
        "小轮便携护理轮椅",
        1180,
        55,
        False,
        _chair(42, 100, 9.8),
        ["cannot_walk_50m"],
    ),
    (
        "12 22 18",
        2,
        "颐康",
        "YK-TS",
        "带坐便护理轮椅",
        1380,
        70,
        False,
        _chair(45, 110, 19.0),
        ["incontinence"],
    ),
    (
        "12 23 06",
        5,
        "稳行",
        "WX-E1",
        "折叠电动轮椅",
        4980,
        260,
        True,
        {"seat_width_cm": 45, W: 110, "range_km": 18, "weight_kg": 26},
        [],
    ),
    (
        "12 23 06",
        5,
        "稳行",
        "WX-E3L",
        "锂电轻便电动轮椅",
        7800,
        380,
        True,
        {"seat_width_cm": 46, W: 120, "range_km": 25, "weight_kg": 19.5},
        [],
    ),
    (
        "12 23 06",
        0,
        "康扶",
        "KF-E8",
        "可躺电动轮椅",
        12800,
        560,
        True,
        {"seat_width_cm": 48, W: 136, "range_km": 30, "weight_kg": 48},
        ["bed_bound"],
    ),
    (
        "12 31 03",
        2,
        "颐康",
        "YK-SB",
        "木质移位板",
        260,
        15,
        False,
        {W: 150, "size": "70×25 cm"},
        [],
    ),
    (
        "12 31 03",
        2,
        "颐康",
        "YK-SS2",
        "翻身移位滑垫",
        180,
        None,
        False,
        {W: 150, "size": "120×70 cm"},
        ["bed_bound"],
    ),
    (
        "12 36 03",
        2,
        "颐康",
        "YK-H150",
        "电动吊兜移位机",
        8600,
        450,
        True,
        {"lift_capacity_kg": 150, "powered": True},
        ["bed_bound"],
    ),
    (
        "12 36 03",
        1,
        "安步",
        "AB-HL",
        "液压移位机",
        4200,
        260,
        True,
        {"lift_capacity_kg": 130, "powered": False},
        ["bed_bound"],
    ),
    (
        "18 12 07",
        6,
        "舒眠",
        "SM-B2",
        "双摇手动护理床",
        1680,
        90,
        False,
        {"length_cm": 200, "width_cm": 90, "functions": 2, W: 150},
        ["bed_bound"],
    ),
    (
        "18 12 07",
        6,
        "舒眠",
        "SM-B3",
        "三摇手动护理床（带便孔）",
        2280,
        110,
        False,
        {"length_cm": 200, "width_cm": 92, "functions": 3, W: 170},
        ["bed_bound", "incontinence"],
    ),
    (
        "18 12 10",
        6,
        "舒眠",
        "SM-E3",
        "三功能电动护理床",
        4680,
        180,
        False,
        {"length_cm": 205, "width_cm": 95, "functions": 3, W: 170},
        ["bed_bound"],
    ),
    (
        "18 12 10",
        6,
        "舒眠",
        "SM-E5T",
        "五功能电动翻身护理床",
        9800,
        320,
        True,
        {"length_cm": 210, "width_cm": 100, "functions": 5, W: 200},
        ["bed_bound", "pressure_sore_risk"],
    ),
    (
        "18 12 10",
        2,
        "颐康",
        "YK-E2H",
        "家居型电动护理床",
        6800,
        240,
        False,
        {"length_cm": 200, "width_cm": 120, "functions": 2, W: 180},
        ["bed_bound"],
    ),
    (
        "18 18 06",
        7,
        "福乐",
        "FL-G30",
        "不锈钢浴室扶手（30 cm）",
        90,
        None,
        False,
        {W: 120, "size": "30 cm"},
        ["bathing_difficulty", "fall_history"],
    ),
    (
        "18 18 06",
        7,
        "福乐",
        "FL-GL",
        "L 型马桶扶手",
        260,
        None,
        False,
        {W: 136, "size": "60×60 cm"},
        ["fall_history"],
    ),
    (
        "18 18 06",
        7,
        "福乐",
        "FL-GF",
        "落地式床边起身扶手",
        480,
        25,
        False,
        {W: 136},
        ["fall_history"],
    ),
    (
        "18 30 15",
        1,
        "安步",
        "AB-RP60",
        "可折叠铝合金坡道（60 cm）",
        380,
        20,
        False,
        {W: 270, "size": "60 cm"},
        [],
    ),
    (
        "18 30 15",
        1,
        "安步",
        "AB-RP120",
        "便携式门槛坡道（120 cm）",
        760,
        35,
        False,
        {W: 300, "size": "120 cm"},
        [],
    ),
    (
        "22 03 09",
        3,
        "明视",
        "MS-3X",
        "手持式放大镜（3 倍带灯）",
        85,
        None,
        False,
        {"magnification": 3, "illuminated": True},
        ["low_vision"],
    ),
    (
        "22 03 09",
        3,
        "明视",
        "MS-6S",
        "立式阅读放大镜（6 倍）",
        220,
        None,
        False,
        {"magnification": 6, "illuminated": True},
        ["low_vision"],
    ),
    (
        "22 03 09",
        3,
        "明视",
        "MS-G2",
        "眼镜式助视器（2 倍）",
        480,
        None,
        True,
        {"magnification": 2},
        ["low_vision"],
    ),
    (
        "22 03 18",
        3,
        "明视",
        "MS-E5",
        "5 英寸手持电子助视器",
        1680,
        80,
        False,
        {"magnification": 22, "illuminated": True},
        ["low_vision"],
    ),
    (
        "22 03 18",
        3,
        "明视",
        "MS-D22",
        "台式电子助视器",
        8800,
        300,
        True,
        {"magnification": 60, "illuminated": True},
        ["low_vision"],
    ),
    (
        "22 06 15",
        4,
        "聆声",
        "LS-B8",
        "8 通道耳背式助听器",
        1980,
        None,
        True,
        {"channels": 8, "max_loss_db": 80},
        ["hearing_loss"],
    ),
    (
        "22 06 15",
        4,
        "聆声",
        "LS-B16R",
        "16 通道充电耳背式助听器",
        4800,
        None,
        True,
        {"channels": 16, "max_loss_db": 90, "rechargeable": True},
        ["hearing_loss"],
    ),
    (
        "22 06 15",
        4,
        "聆声",
        "LS-B24P",
        "24 通道大功率耳背式助听器",
        7900,
        None,
        True,
        {"channels": 24, "max_loss_db": 110},
        ["hearing_loss"],
    ),
    (
        "22 06 12",
        4,
        "聆声",
        "LS-I12",
        "12 通道耳内式助听器",
        3600,
        None,
        True,
        {"channels": 12, "max_loss_db": 70},
        ["hearing_loss"],
    ),
    (
        "22 06 12",
        4,
        "聆声",
        "LS-C16",
        "16 通道耳道式助听器（定制）",
        6800,
        None,
        True,
        {"channels": 16, "max_loss_db": 75},
        ["hearing_loss"],
    ),
    ("22 27 18", 5, "稳行", "WX-SOS", "一键呼叫紧急报警器", 299, 15, False, {}, ["fall_history"]),
    ("22 27 18", 5, "稳行", "WX-FD", "跌倒检测报警手环", 680, 30, False, {}, ["fall_history"]),
    ("24 21 03", 7, "福乐", "FL-RC", "折叠取物夹", 45, None, False, {"size": "80 cm"}, []),
    ("24 21 03", 7, "福乐", "FL-RCM", "带磁铁长柄取物器", 75, None, False, {"size": "90 cm"}, []),
)

# Products whose admissions stay in progress: (model, stop at, objection?)
IN_PROGRESS = {
    "WX-R4C": AdmissionStatus.SUBMITTED,
    "FL-P28S": AdmissionStatus.QUALIFIED,
    "LS-C16": AdmissionStatus.NOTICE,
    "KF-E8": AdmissionStatus.NOTICE,
    "FL-KS": AdmissionStatus.REJECTED,
}


def seed_demo() -> dict[str, int]:
    """Build the demo catalogue once (nothing happens when a product exists)."""
    from silvercare.accounts.models import User
    from silvercare.accounts.services import user_create

    if Product.objects.exists():
        return {"products": 0}
    if not DeviceType.objects.exists():  # a flushed test database: load the data again
        from silvercare.assistive.classification import load_classification

        load_classification()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["civil_affairs", "enterprise", "at_consultant", "community_worker"]
        )
    }
    if len(users) < 4:
        return {"products": 0}
    vendor, officer = (
        AuditContext(actor=users["enterprise"], via="command"),
        AuditContext(actor=users["civil_affairs"], via="command"),
    )
    seed_data_restore()  # the classification the registry files the suppliers under
    enterprises = []
    for index, name in enumerate(ENTERPRISES):
        code = _credit_code(index + 1)
        enterprise = Enterprise.objects.create(
            name=name, credit_code=code, contact_phone=f"0755-8000{index:04d}"
        )
        enterprises.append(enterprise)
        # Each supplier is an enterprise of the one registry too, which links this profile
        # to it by credit code (services.supplier_sync).
        if Region.objects.filter(code=REGISTRY_STREET).exists():
            enterprise_register(
                ctx=officer,
                credit_code=code,
                name=name,
                region_code=REGISTRY_STREET,
                category_code="10",
                sectors=["assistive"],
            )
    # The demo enterprise user works for the wheelchair maker and the walking-aid maker; the
    # other enterprises apply through a staff account of their own (not a demo login).
    applicants: list[AuditContext] = []
    for index, enterprise in enumerate(enterprises):
        if index < 2:
            member = users["enterprise"]
        else:
            member = user_create(
                ctx=AuditContext(actor=None, via="command"),
                username=f"enterprise_staff_{index}",
                password=secrets.token_urlsafe(24),
                display_name=f"{enterprise.name[:20]}申报专员",
                grants=[("enterprise", "440300000000")],
                check_actor=False,
            )
        enterprise.members.add(member)
        applicants.append(vendor if index < 2 else AuditContext(actor=member, via="command"))
    today = timezone.localdate()
    made = 0
    for code, ent, brand, model, name, sale, rent, fitting, specs, suits in PRODUCTS:
        enterprise = enterprises[ent]
        product = services.product_save(
            ctx=officer,
            enterprise=enterprise,
            values=services.ProductValues(
                brand=brand,
                model=model,
                name=name,
                device_type_code=code,
                specifications=specs,
                sale_price_fen=sale * 100,
                monthly_rent_fen=rent * 100 if rent else None,
                price_cap_fen=int(sale * 120),
                rentable=rent is not None,
                requires_fitting=fitting,
                suits_needs=suits,
            ),
        )
        made += 1
        applicant = applicants[ent]
        stop = IN_PROGRESS.get(model, AdmissionStatus.LISTED)
        admission = services.admission_apply(
            ctx=applicant, product=product, notice_days=7, note="申请纳入辅具目录"
        )
        if stop == AdmissionStatus.REJECTED:
            services.admission_advance(
                ctx=officer,
                admission=admission,
                to=AdmissionStatus.REJECTED,
                reason="护具类产品未提供医疗器械备案凭证",
            )
            continue
        for step, reason in (
            (AdmissionStatus.QUALIFIED, "营业执照、医疗器械备案、检测报告齐全"),
            (AdmissionStatus.REVIEWED, "专家组评审通过（3 票同意）"),
            (AdmissionStatus.NOTICE, ""),
        ):
            if stop == AdmissionStatus.SUBMITTED:
                break
            admission = services.admission_advance(
                ctx=officer, admission=admission, to=step, reason=reason
            )
            if step == stop:
                break
        if stop == AdmissionStatus.NOTICE and model == "KF-E8":
            services.objection_record(
                ctx=officer,
                admission=admission,
                raised_by="市残联辅具服务部",
                text="续航里程标注按空载测得，建议注明测试条件",
            )
        if stop == AdmissionStatus.LISTED:
            services.admission_advance(
                ctx=officer,
                admission=admission,
                to=AdmissionStatus.LISTED,
                reason="公示期满无异议",
                on=today + dt.timedelta(days=7),
            )
    fittings = _seed_elders(users, today)
    return {"products": made, "fittings": fittings}


def _seed_elders(users: dict[str, Any], today: dt.date) -> int:
    """Needs, decisions and fittings for a few assessed elders of Yuanling street."""
    from silvercare.assessments.selectors import assessment_current_level
    from silvercare.elders.models import Elder

    consultant = AuditContext(actor=users["at_consultant"], via="command")
    candidates = list(
        Elder.objects.filter(region__code__startswith="440304001", status="active").order_by(
            "id_number_hash"
        )[:200]
    )
    assessed = [e for e in candidates if assessment_current_level(e) is not None][:6]
    if not assessed:
        return 0
    plan = [
        (["fall_history"], "AB-F2W", 20, ("in_use", "每日散步 2 次，已不需家人扶")),
        (["hearing_loss"], "LS-B8", 35, ("adjusted", "降低高频增益")),
        (["bed_bound", "pressure_sore_risk"], "SM-E3", 10, None),
        (["low_vision"], None, 0, None),
        (["incontinence", "bathing_difficulty"], None, 0, None),
    ]
    fittings = 0
    for elder, (needs, model, days_ago, outcome) in zip(assessed, plan, strict=False):
        for need in needs:
            services.need_declare(ctx=consultant, elder=elder, need=need, note="家属反映")
        if model is None:
            continue
        product = Product.objects.get(model=model)
        fitting = services.fitting_record(
            ctx=consultant,
            elder=elder,
            values=services.FittingValues(
                product_id=product.pk,
                fitted_on=today - dt.timedelta(days=days_ago),
                training_elder="起身、转身与停靠练习 20 分钟；演示刹车和高度调节",
                training_family="家属学会日常检查与清洁",
                signed_name=elder.name,
                signature_confirmed=True,
                measurements={"height_cm": 158, "weight_kg": 56, "wrist_height_cm": 79},
                adjustments="扶手高度调至腕部高度",
            ),
        )
        fittings += 1
        if outcome is not None:
            services.followup_record(
                ctx=consultant,
                follow_up=fitting.follow_ups.get(day=7),
                outcome=outcome[0],
                note=outcome[1],
                on=fitting.fitted_on + dt.timedelta(days=7),
            )
    if len(assessed) > 3:
        services.recommendation_decide(
            ctx=consultant,
            elder=assessed[3],
            device_type=DeviceType.objects.get(code="22 03 18"),
            status="dismissed",
            note="光学放大镜已够用，暂不配电子助视器",
        )
        services.recommendation_decide(
            ctx=consultant,
            elder=assessed[3],
            device_type=DeviceType.objects.get(code="22 27 18"),
            status="added",
            note="独居，建议配一键呼叫",
        )
    return fittings
