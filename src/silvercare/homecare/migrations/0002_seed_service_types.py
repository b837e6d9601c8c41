"""Seed the service catalogue: durations, skills, certificates, list prices (fen) and the
task checklists. Reversible (the rows are removed again)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# code, minutes, skills, certificate kinds, price (fen), checklist
SERVICE_TYPES: list[tuple[str, int, list[str], list[str], int, list[str]]] = [
    ("meals", 15, [], [], 1500, ["送餐到户", "核对饮食禁忌", "餐后清理"]),
    ("walking", 45, ["walking"], [], 4000, ["安全评估", "陪同行走", "记录步数与状态"]),
    ("emergency", 30, ["first_aid"], [], 5000, ["确认老人状况", "处理紧急情况", "通知家属"]),
    (
        "bathing",
        60,
        ["bathing"],
        ["caregiver"],
        8000,
        ["调节水温", "协助洗浴", "皮肤检查", "更换衣物"],
    ),
    ("cleaning", 90, ["cleaning"], [], 6000, ["清扫地面", "整理床铺", "清洁厨卫", "垃圾清运"]),
    ("medical", 30, ["nursing"], ["nurse"], 7000, ["测量血压血糖", "用药核对", "伤口护理"]),
    (
        "daily_care",
        60,
        ["personal_care"],
        ["caregiver"],
        6000,
        ["协助进食", "协助如厕", "翻身拍背"],
    ),
    ("comfort", 45, [], [], 3000, ["聊天陪伴", "情绪观察", "记录需求"]),
    ("escort", 180, ["escort"], [], 12000, ["预约挂号", "陪同就诊", "取药", "送返到家"]),
    ("shopping", 60, [], [], 3000, ["核对购物清单", "代购", "票据交接"]),
    ("patrol", 20, [], [], 2000, ["查看居家安全", "询问身体状况", "记录结果"]),
]


def seed(apps: Any, schema_editor: Any) -> None:
    ServiceType = apps.get_model("homecare", "ServiceType")
    for code, minutes, skills, certificates, price, checklist in SERVICE_TYPES:
        ServiceType.objects.update_or_create(
            code=code,
            defaults={
                "duration_min": minutes,
                "skills": skills,
                "certificates": certificates,
                "price_fen": price,
                "checklist": checklist,
            },
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("homecare", "ServiceType").objects.filter(
        code__in=[row[0] for row in SERVICE_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("homecare", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
