"""A deterministic synthetic city in Shenzhen (a seed city): 5 real districts, 20 streets,
100 communities (generated codes, marked is_demo), elders with a realistic age pyramid."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from stdnum.cn import ric

from silvercare.regions.services import RegionRow

CITY = "440300000000"
SEED = 20261123

# District code -> (centre lat, lon, four street names)
DISTRICTS: dict[str, tuple[float, float, list[str]]] = {
    "440304000000": (22.541, 114.055, ["园岭街道", "南园街道", "福田街道", "沙头街道"]),
    "440303000000": (22.548, 114.131, ["桂园街道", "黄贝街道", "东门街道", "翠竹街道"]),
    "440305000000": (22.533, 113.930, ["南头街道", "南山街道", "沙河街道", "蛇口街道"]),
    "440306000000": (22.555, 113.883, ["新安街道", "西乡街道", "福永街道", "沙井街道"]),
    "440307000000": (22.720, 114.247, ["平湖街道", "布吉街道", "坂田街道", "南湾街道"]),
}
COMMUNITY_WORDS = [
    "华富",
    "莲花",
    "景田",
    "香蜜",
    "梅林",
    "新洲",
    "岗厦",
    "石厦",
    "益田",
    "皇岗",
    "水围",
    "上沙",
    "下沙",
    "福民",
    "滨河",
    "翠海",
    "荔枝",
    "红岭",
    "百花",
    "园东",
    "桂木",
    "螺岭",
    "湖贝",
    "晒布",
    "东晓",
    "向西",
    "南湖",
    "渔邨",
    "文锦",
    "清水河",
    "月亮湾",
    "大新",
    "荔林",
    "向南",
    "海珠",
    "前海",
    "湾厦",
    "渔一",
    "海昌",
    "后海",
    "麻岭",
    "白石洲",
    "留仙",
    "西丽",
    "桃源",
    "平山",
    "灵芝",
    "海裕",
    "流塘",
    "宝城",
    "翻身",
    "洪浪",
    "固戍",
    "黄田",
    "凤凰",
    "塘尾",
    "桥头",
    "新和",
    "白石厦",
    "蚝乡",
    "万丰",
    "共和",
    "衙边",
    "步涌",
    "新桥",
    "上星",
    "山厦",
    "良安田",
    "凤凰岗",
    "鹅公岭",
    "平安",
    "辅城坳",
    "丹竹头",
    "吉华",
    "水径",
    "南岭",
    "木棉湾",
    "龙岗",
    "岗头",
    "马安堂",
    "象角塘",
    "杨美",
    "五和",
    "雪象",
    "南湾",
    "丹平",
    "沙塘布",
    "樟树布",
    "沙湾",
    "布澜",
    "金沙",
    "大芬",
    "坂雪岗",
    "华为",
    "新围",
    "长发",
    "甘坑",
    "吉厦",
    "百合",
]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江"
)
GIVEN = list(
    "秀英桂兰玉珍凤华淑芳明国强建平志伟金荣德海红梅丽娟文军永春秋月霞云福林宝贵"
    "振兴家庆树生爱琴佩华惠珠素琼锦耀辉炳坤"
)
BIRTHPLACES = [
    "440304",
    "440303",
    "440305",
    "440306",
    "440307",
    "445221",
    "441402",
    "440513",
    "430124",
    "360731",
    "441881",
    "442000",
    "350583",
    "420116",
]


@dataclass(frozen=True)
class DemoElder:
    name: str
    id_number: str
    phone: str
    address: str
    region_code: str
    latitude: float
    longitude: float
    hukou_type: str
    living_situation: str
    categories: frozenset[str]
    status: str
    contacts: tuple[tuple[str, str, str], ...]
    consents: tuple[tuple[str, bool], ...]


def demo_regions() -> list[RegionRow]:
    rng = random.Random(SEED)
    rows: list[RegionRow] = []
    counter = 0
    for district, (lat, lon, streets) in DISTRICTS.items():
        for s_index, street in enumerate(streets, start=1):
            s_code = f"{district[:6]}{s_index:03d}000"
            s_lat, s_lon = lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02)
            rows.append(RegionRow(s_code, street, 4, district, round(s_lat, 6), round(s_lon, 6)))
            for c_index in range(1, 6):
                word = COMMUNITY_WORDS[counter % len(COMMUNITY_WORDS)]
                if counter >= len(COMMUNITY_WORDS):
                    word += "新村"
                counter += 1
                rows.append(
                    RegionRow(
                        f"{s_code[:9]}{c_index:03d}",
                        f"{word}社区",
                        5,
                        s_code,
                        round(s_lat + rng.uniform(-0.006, 0.006), 6),
                        round(s_lon + rng.uniform(-0.006, 0.006), 6),
                    )
                )
    return rows


def _age(rng: random.Random) -> int:
    """60–105 with a realistic decline (about a third of people over 60 are 70+... )."""
    while True:
        age = 60 + int(rng.expovariate(1 / 9.5))
        if age <= 105:
            return age


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _id_number(rng: random.Random, birth: dt.date, male: bool) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{rng.choice(BIRTHPLACES)}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def demo_elders(count: int, communities: list[RegionRow], today: dt.date) -> list[DemoElder]:
    rng = random.Random(SEED + 1)
    out: list[DemoElder] = []
    seen: set[str] = set()
    while len(out) < count:
        age = _age(rng)
        # Women outlive men: the share of women rises with age.
        male = rng.random() < max(0.28, 0.49 - (age - 60) * 0.006)
        latest = _years_before(today, age)  # the last birthday that makes them `age` today
        birth = latest - dt.timedelta(days=rng.randrange(0, 365))
        id_number = _id_number(rng, birth, male)
        if id_number in seen:
            continue
        seen.add(id_number)
        community = rng.choice(communities)
        assert community.latitude is not None
        assert community.longitude is not None
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        alone = rng.random() < 0.12 + 0.002 * (age - 60)
        living = (
            "alone"
            if alone
            else rng.choices(["spouse", "children", "others", "institution"], [45, 40, 10, 5])[0]
        )
        rural = rng.random() < 0.06
        categories = {
            c
            for c, p in (
                ("disabled", 0.03 + 0.004 * (age - 60)),
                ("empty_nest", 0.25),
                ("econ_difficult", 0.03),
                ("special_fp_family", 0.01),
            )
            if rng.random() < p
        }
        if rural and rng.random() < 0.4:
            categories.add("rural_left_behind")
        if alone:
            categories.add("living_alone")
        roll = rng.random()
        status = "deceased" if roll < 0.015 else "moved_out" if roll < 0.03 else "active"
        angle, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0, 0.006)
        contacts = tuple(
            (
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                rng.choice(["child", "child", "spouse", "grandchild", "neighbour"]),
                f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}",
            )
            for _ in range(rng.choice([1, 1, 2, 2, 3]))
        )
        consents = (("monitoring", rng.random() < 0.4), ("data_sharing", rng.random() < 0.6))
        out.append(
            DemoElder(
                name=name,
                id_number=id_number,
                phone=f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}",
                address=f"{community.name}{rng.randrange(1, 40)}栋{rng.randrange(101, 3009)}",
                region_code=community.code,
                latitude=round(community.latitude + dist * math.sin(angle), 6),
                longitude=round(community.longitude + dist * math.cos(angle), 6),
                hukou_type="local_rural"
                if rural
                else rng.choices(["local_urban", "non_local"], [80, 20])[0],
                living_situation=living,
                categories=frozenset(categories),
                status=status,
                contacts=contacts,
                consents=consents,
            )
        )
    return out


# (username, role, region) — one demo user per role, plus a second community worker in
# another district so scope can be seen at work.
DEMO_USERS: list[tuple[str, str, str]] = [
    ("civil_affairs", "civil_affairs", CITY),
    ("community_worker", "community_worker", "440304001000"),
    ("community_worker_luohu", "community_worker", "440303001000"),
    ("assessor", "assessor", "440300000000"),
    ("assessor_2", "assessor", "440304000000"),
    ("at_consultant", "at_consultant", CITY),
    ("rental_operator", "rental_operator", CITY),
    ("care_provider_admin", "care_provider_admin", "440304000000"),
    ("caregiver", "caregiver", "440304001000"),
    ("call_centre", "call_centre", CITY),
    ("enterprise", "enterprise", CITY),
    ("inspector", "inspector", CITY),
    ("elder_family", "elder_family", "440304001001"),
    ("sysadmin", "system_admin", "440000000000"),
]
# The people behind the demo logins, by username: what pages, audit rows and PDFs show.
DEMO_NAMES: dict[str, str] = {
    "civil_affairs": "周建国",
    "community_worker": "林晓红",
    "community_worker_luohu": "黄志强",
    "assessor": "陈静怡",
    "assessor_2": "吴海峰",
    "at_consultant": "郑丽娟",
    "rental_operator": "何伟明",
    "care_provider_admin": "罗慧敏",
    "caregiver": "刘桂英",
    "call_centre": "许文婷",
    "enterprise": "梁振华",
    "inspector": "谢国平",
    "elder_family": "张秀兰",
    "sysadmin": "王磊",
}
DEMO_PASSWORD = "SilverCare-demo-2026"
