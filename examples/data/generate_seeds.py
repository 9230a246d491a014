#!/usr/bin/env python3
"""Generate the bundled demo dataset of `tongxin`: ``examples/data/seeds.jsonl``.

Each line of the output is one ``Command`` (core/src/command.rs) serialized the way its serde
types define it: internally tagged by ``"type"``, fields in declaration order, optional fields
omitted when absent, ``#[serde(default)]`` fields (``returned_overseas``, ``founding``, the
activity counters) always written. The file applies cleanly to an empty registry, line by line.

The dataset encodes the facts of the source articles in ``/work/shared/seeds`` (see
``README.md`` next to this script for the table of facts, ids, "as of" dates and values). Where
the articles give only counts, persons and enterprises are synthetic: names are made up, resident
ID numbers and unified social credit codes are checksum-valid but do not belong to anyone.

Usage::

    python3 examples/data/generate_seeds.py          # (re)write seeds.jsonl next to this script
    python3 examples/data/generate_seeds.py --check  # exit 1 if the committed file differs

Python 3.11 standard library only; deterministic (``random.Random(20240507)``). After generating,
a brute-force self-check (independent of the Rust code) replays the commands and asserts every
fact and every structural rule; it fails loudly if one does not hold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
import random

SEED = 20240507
HERE = Path(__file__).resolve().parent
OUT = HERE / "seeds.jsonl"
DIVISIONS_DIR = Path(os.environ.get("TONGXIN_DIVISIONS", "/work/shared/data/divisions"))

# --------------------------------------------------------------------------------------------
# Checksums: GB 11643 resident ID (ISO 7064 MOD 11-2) and GB 32100 unified social credit code
# (with the GB 11714 organization code inside it).
# --------------------------------------------------------------------------------------------

RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RID_CHECK = "10X98765432"


def resident_id_check(first17: str) -> str:
    """Check character of a resident ID number from its first 17 digits."""
    assert len(first17) == 17 and first17.isdigit(), first17
    return RID_CHECK[sum(int(c) * w for c, w in zip(first17, RID_WEIGHTS)) % 11]


def resident_id_valid(rid: str) -> bool:
    return (
        len(rid) == 18
        and rid[:17].isdigit()
        and rid[17] in "0123456789X"
        and resident_id_check(rid[:17]) == rid[17]
    )


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORGCODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # digits and letters without I O Z S V
ORGCODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(first8: str) -> str:
    """GB 11714 organization code check character (values: digits 0-9, letters A-Z 10-35)."""
    assert len(first8) == 8, first8

    def value(ch: str) -> int:
        return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10

    c = 11 - sum(value(ch) * w for ch, w in zip(first8, ORGCODE_WEIGHTS)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(first17: str) -> str:
    """GB 32100 check character of a unified social credit code from its first 17 characters."""
    assert len(first17) == 17, first17
    s = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def uscc_valid(code: str) -> bool:
    return (
        len(code) == 18
        and all(ch in USCC_ALPHABET for ch in code)
        and uscc_check(code[:17]) == code[17]
        and org_code_check(code[8:16]) == code[16]
    )


assert resident_id_valid("11010519491231002X")
assert resident_id_valid("360426199101010071")
assert not resident_id_valid("110105194912310021")
assert uscc_valid("91110000600037341L")
assert org_code_check("60003734") == "1"
assert not uscc_valid("91110000600037341M")

# --------------------------------------------------------------------------------------------
# Dates and vocabularies
# --------------------------------------------------------------------------------------------

LEVELS = ("national", "provincial", "municipal", "district", "subdistrict", "community")
LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}  # greater = lower in the hierarchy
TITLE_RANK = {"none": 0, "junior": 1, "intermediate": 2, "associate_senior": 3, "senior": 4}
DEMOCRATIC_PARTIES = ("min_ge", "min_meng", "min_jian", "min_jin", "nong_gong", "zhi_gong", "jiu_san", "tai_meng")


def D(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def iso(d: dt.date) -> str:
    return d.isoformat()


def pd_bounds(p: str) -> tuple[dt.date, dt.date]:
    """Earliest and latest day a partial date (YYYY, YYYY-MM, YYYY-MM-DD) may stand for."""
    parts = p.split("-")
    if len(parts) == 3:
        d = D(p)
        return d, d
    y = int(parts[0])
    if len(parts) == 2:
        m = int(parts[1])
        first = dt.date(y, m, 1)
        nxt = dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def active_on(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day < end)


def add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


# --------------------------------------------------------------------------------------------
# Real division codes used (checked against /work/shared/data/divisions when available)
# --------------------------------------------------------------------------------------------

DIVISIONS = {
    "4403": "深圳市",
    "440303": "罗湖区", "440304": "福田区", "440305": "南山区", "440306": "宝安区",
    "440307": "龙岗区", "440308": "盐田区", "440309": "龙华区", "440310": "坪山区", "440311": "光明区",
    "440303001": "桂园街道",
    "440304004": "福田街道", "440304007": "梅林街道", "440304009": "华富街道",
    "440305003": "沙河街道", "440305007": "粤海街道",
    "440306017": "新安街道",
    "440307012": "南湾街道", "440307013": "坂田街道", "440307015": "龙城街道", "440307019": "宝龙街道",
    "440309002": "民治街道", "440309003": "龙华街道", "440309004": "大浪街道",
    "440311001": "光明街道",
    "440305003015": "高发社区居委会",
    "440306017023": "海裕社区居委会",
    "440310001002": "六和社区居委会",
    "3303": "温州市",
    "330302": "鹿城区", "330303": "龙湾区", "330304": "瓯海区", "330324": "永嘉县", "330381": "瑞安市",
    "330302006": "五马街道", "330302023": "七都街道", "330302024": "滨江街道", "330302025": "南汇街道",
    "330302026": "松台街道", "330302027": "双屿街道", "330302028": "仰义街道", "330302029": "大南街道",
    "330302030": "蒲鞋市街道", "330302031": "南郊街道", "330302032": "广化街道", "330302033": "丰门街道",
    "330302102": "藤桥镇", "330302105": "山福镇",
    "330304002": "梧田街道",
}
LUCHENG_STREETS = [c for c in DIVISIONS if c.startswith("330302") and len(c) == 9]
assert len(LUCHENG_STREETS) == 14

SZ_DISTRICTS = {  # suffix -> (county code, name)
    "luohu": ("440303", "罗湖区"),
    "futian": ("440304", "福田区"),
    "nanshan": ("440305", "南山区"),
    "yantian": ("440308", "盐田区"),
    "baoan": ("440306", "宝安区"),
    "longgang": ("440307", "龙岗区"),
    "longhua": ("440309", "龙华区"),
    "pingshan": ("440310", "坪山区"),
    "guangming": ("440311", "光明区"),
}
SZ_COUNTIES = [c for c, _ in SZ_DISTRICTS.values()]

# --------------------------------------------------------------------------------------------
# The facts the dataset must make true (asserted by self_check, documented in README.md)
# --------------------------------------------------------------------------------------------

DASHI_RECEPTIONS = 91
DASHI_VISITORS = 1038
DASHI_ZLH_MEMBERS = 39
DASHI_ZLH_QUALIFIED = 33
DASHI_XLH_FOUNDING = 42
SZ_ZLH_COUNT = 52
LH_MEMBERS = 353
LC_TONGXINHUI = 17
LC_POLITICAL = 27
LC_ADVICE_2024 = 56
TA_ENTERPRISES = 546
TA_ACTIVITIES_2022 = 52
TA_SERVED_2022 = 12436
TA_ONLINE_GROUPS = 43
PCXL_ACTIVITIES = 3046
PCXL_PARTICIPANTS = 94208

# --------------------------------------------------------------------------------------------
# Name material
# --------------------------------------------------------------------------------------------

SURNAMES = (
    "王" * 9 + "李" * 9 + "张" * 8 + "刘" * 7 + "陈" * 8 + "杨" * 5 + "黄" * 6 + "赵" * 3 + "吴" * 4
    + "周" * 4 + "徐" * 3 + "孙" * 2 + "马" * 2 + "朱" * 2 + "胡" * 2 + "郭" * 2 + "何" * 2 + "高" * 2
    + "林" * 4 + "罗" * 2 + "郑" * 3 + "梁" * 3 + "谢" * 2 + "宋" + "唐" + "许" + "韩" + "冯" + "邓" * 2
    + "曹" + "彭" + "曾" * 2 + "肖" + "田" + "董" + "袁" + "潘" + "于" + "蒋" + "蔡" + "余" + "杜" + "叶" * 2
    + "程" + "苏" + "魏" + "吕" + "丁" + "任" + "沈" + "姚" + "卢" + "姜" + "崔" + "钟" * 2 + "谭" + "陆"
    + "汪" + "范" + "金" + "石" + "廖" + "贾" + "夏" + "韦" + "付" + "方" + "白" + "邹" + "孟" + "熊"
    + "秦" + "邱" + "尹" + "薛" + "段" + "雷" + "侯" + "龙" + "史" + "陶" + "黎" + "贺" + "顾" + "毛"
    + "郝" + "龚" + "邵" + "万" + "严" + "覃" + "武" + "戴" + "莫" + "孔" + "向" + "汤"
)
WZ_SURNAMES = "陈" * 8 + "林" * 5 + "黄" * 4 + "王" * 5 + "张" * 3 + "李" * 3 + "周" * 3 + "郑" * 4 + "吴" * 3 + "金" * 3 + "胡" * 2 + "叶" * 3 + "潘" * 2 + "徐" * 2 + "谢" * 2 + "朱" + "蔡" * 2 + "池" + "项" + "戴" + "章" + "包" + "卢" + "缪" + "麻" + "余" + "钱"
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆旭宇峰建国志文海东晨阳锋博彬坤振龙亮成康毅翔睿哲轩泽航楷铭诚庆荣昊"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲燕婷雪琳倩颖慧莉洁晶佳欣璐瑶怡悦蕾萍红梅琴云莹薇露婧菲雯妍岚"
NEUTRAL_CHARS = "子思雨晓一安宏嘉家天心诗梓若永立新春秋明小少"
MINORITIES_SZ = ("壮族", "土家族", "回族", "满族", "苗族", "蒙古族", "瑶族", "朝鲜族", "侗族", "彝族")
MINORITIES_WZ = ("畲族", "畲族", "畲族", "回族", "土家族")

BRAND = "华创科智云联达信汇博康恒瑞海天中新兴泰隆盛通远宏星光源力德安嘉合益丰优美越腾飞鼎凯宇睿思弘锐迈拓精微芯捷宸启航诺卓聚"
INDUSTRY = (
    "科技", "电子", "信息技术", "智能科技", "网络科技", "生物科技", "新材料", "光电", "软件", "数据科技",
    "文化传媒", "医疗器械", "供应链管理", "实业", "贸易", "餐饮管理", "物业管理", "建筑工程", "投资发展",
    "电子商务", "精密机械", "检测技术", "教育科技", "设计", "环保科技",
)

DASHI_TENANTS = (
    "深圳达实智能股份有限公司", "深圳市达实物业管理有限公司", "深圳市粤海云启科技有限公司",
    "深圳市中科智联软件有限公司", "深圳市高新数研信息技术有限公司", "深圳市鹏程律师事务所",
    "深圳市南山慧谷会计师事务所", "深圳市湾区创芯半导体有限公司", "深圳市知行设计顾问有限公司",
    "深圳市睿安医疗科技有限公司", "深圳市蓝海数据服务有限公司", "深圳市科苑新媒体文化有限公司",
)

HOSPITALS = (  # id suffix, name, county, founded
    ("01", "深圳市人民医院", "440303", "2019-04-12"),
    ("02", "深圳市第二人民医院", "440304", "2019-09-20"),
    ("03", "北京大学深圳医院", "440304", "2020-06-18"),
    ("04", "香港大学深圳医院", "440304", "2020-11-06"),
    ("05", "深圳市中医院", "440304", "2021-03-26"),
    ("06", "深圳市儿童医院", "440304", "2021-06-25"),
    ("07", "深圳市第三人民医院", "440307", "2021-10-15"),
    ("08", "南方医科大学深圳医院", "440306", "2022-04-22"),
    ("09", "中山大学附属第七医院", "440311", "2022-07-08"),
    ("10", "深圳市妇幼保健院", "440304", "2022-11-18"),
    ("11", "深圳市眼科医院", "440304", "2023-05-12"),
    ("12", "深圳市康宁医院", "440303", "2023-10-27"),
)
UNIVERSITIES = (  # id, name, county, founded
    ("sz-zlh-szu", "深圳大学", "440305", "2012-11-16"),
    ("sz-zlh-szpu", "深圳职业技术大学", "440305", "2016-10-21"),
    ("sz-zlh-sustech", "南方科技大学", "440305", "2018-05-25"),
    ("sz-zlh-hitsz", "哈尔滨工业大学（深圳）", "440305", "2019-11-22"),
    ("sz-zlh-cuhksz", "香港中文大学（深圳）", "440307", "2020-05-29"),
    ("sz-zlh-sztu", "深圳技术大学", "440310", "2021-04-23"),
    ("sz-zlh-sigs", "清华大学深圳国际研究生院", "440305", "2022-09-16"),
    ("sz-zlh-pkusz", "北京大学深圳研究生院", "440305", "2022-12-09"),
)

INTELLECTUAL_PROFESSIONS = (
    "律师", "注册会计师", "工程师", "高级工程师", "教师", "医生", "建筑师", "经济师", "研究员", "资产评估师",
    "规划师", "税务师", "审计师", "心理咨询师", "编辑",
)
STRATUM_PROFESSIONS = {
    "private_enterprise_staff": ("总经理", "技术总监", "产品经理", "研发工程师", "财务总监", "运营总监", "人力资源总监"),
    "intermediary_staff": ("律师", "注册会计师", "税务师", "资产评估师", "社会工作者", "专利代理师", "行业协会秘书长"),
    "freelancer": ("设计师", "摄影师", "作家", "独立音乐人", "自由撰稿人", "插画师", "工艺美术师"),
    "new_media": ("主播", "短视频创作者", "新媒体运营", "网络作家", "自媒体人", "电商主播"),
}


def weighted(rng: random.Random, table: dict):
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys], k=1)[0]


# --------------------------------------------------------------------------------------------
# Record builders (field order = declaration order of the serde structs)
# --------------------------------------------------------------------------------------------


def org_record(id, name, kind, level, division_code, founded, *, name_en=None, carrier=None,
               category=None, facilities=None, tags=None):
    rec = {"id": id, "name": name}
    if name_en:
        rec["name_en"] = name_en
    rec.update(kind=kind, level=level, division_code=division_code)
    if carrier:
        rec["carrier"] = carrier
    if category:
        rec["category"] = category
    rec["founded"] = founded
    if facilities:
        rec["facilities"] = facilities
    if tags:
        rec["tags"] = list(tags)
    return rec


def member_ref(mid: str) -> dict:
    return {"enterprise": mid} if mid.startswith("ent-") else {"person": mid}


class Gen:
    """Builds the command list. Records are kept in memory and serialized at the end, so that a
    person's political posts can be decided after the memberships are planned."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.persons: dict[str, dict] = {}
        self.person_home: dict[str, str] = {}
        self.used_names: set[str] = {"江世清"}
        self.used_rids: set[str] = set()
        self.used_codes: set[str] = set()
        self.used_ent_names: set[str] = set()
        self.enterprises: list[dict] = []
        self.n_person = 0
        self.n_ent: dict[str, int] = defaultdict(int)
        self.orgs: dict[str, dict] = {}
        self.c_orgs: list[dict] = []
        self.c_affs: list[dict] = []
        self.c_terms: list[dict] = []
        self.c_joins: list[dict] = []
        self.c_changes: list[dict] = []
        self.c_desig: list[dict] = []
        self.c_revoke: list[dict] = []
        self.c_acts: list[dict] = []
        self.c_advice: list[dict] = []
        self.c_dissolve: list[dict] = []
        # planning view of memberships: org -> list of [member, role, start, end]
        self.mem: dict[str, list[list]] = defaultdict(list)
        self.n_act: dict[str, int] = defaultdict(int)
        self.n_adv: dict[str, int] = defaultdict(int)

    # ---------------------------------------------------------------- random helpers
    def day_between(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.rng.randint(0, (b - a).days))

    def make_name(self, sex: str, wz: bool = False) -> str:
        rng = self.rng
        while True:
            sur = rng.choice(WZ_SURNAMES if wz else SURNAMES)
            pool = (MALE_CHARS if sex == "male" else FEMALE_CHARS) + NEUTRAL_CHARS
            given = rng.choice(pool) if rng.random() < 0.25 else rng.choice(NEUTRAL_CHARS + pool) + rng.choice(pool)
            if given[0] == given[-1] and len(given) == 2:
                continue
            name = sur + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def brand(self) -> str:
        a, b = self.rng.sample(BRAND, 2)
        return a + b

    def company(self, city: str = "深圳市", industry: str | None = None) -> str:
        while True:
            name = f"{city}{self.brand()}{industry or self.rng.choice(INDUSTRY)}有限公司"
            if self.rng.random() < 0.08:
                name = name.replace("有限公司", "股份有限公司")
            if name not in self.used_ent_names:
                self.used_ent_names.add(name)
                return name

    # ---------------------------------------------------------------- persons
    def new_person(self, kind: str, county: str, *, wz: bool = False, pid: str | None = None,
                   name: str | None = None, sex: str | None = None, party: str | None = None,
                   title: str | None = None, stratum: str | None = None, employer: str | None = None,
                   profession: str | None = None, education: str | None = None,
                   bare: bool = False) -> str:
        """Add a synthetic person. `kind`: intellectual (知联会), new_stratum (新联会/同心荟) or cpc."""
        rng = self.rng
        if pid is None:
            self.n_person += 1
            pid = f"p-{self.n_person:04d}"
        assert pid not in self.persons, pid
        rec: dict = {"id": pid}
        if bare:  # a named person from the sources: only what the sources say, plus placeholders
            rec["name"] = name
            rec.update(party=party, title=title, stratum=stratum, returned_overseas=False)
            self.persons[pid] = rec
            self.person_home[pid] = county
            return pid
        sex = sex or rng.choice(("male", "male", "male", "female", "female"))
        rec["name"] = name or self.make_name(sex, wz)
        rec["sex"] = sex
        if kind == "intellectual":
            title = title or weighted(rng, {"intermediate": 40, "associate_senior": 33, "senior": 22, "junior": 5})
            party = party or weighted(rng, {
                "non_party": 33, "mass": 15, "min_meng": 10, "min_jin": 10, "jiu_san": 10, "nong_gong": 7,
                "zhi_gong": 6, "min_jian": 5, "min_ge": 3, "tai_meng": 1})
            if profession is None:
                profession = rng.choice(INTELLECTUAL_PROFESSIONS)
            if stratum is None:
                stratum = {
                    "律师": "intermediary_staff", "注册会计师": "intermediary_staff", "税务师": "intermediary_staff",
                    "资产评估师": "intermediary_staff", "审计师": "intermediary_staff",
                    "工程师": "private_enterprise_staff", "高级工程师": "private_enterprise_staff",
                    "建筑师": "private_enterprise_staff", "规划师": "private_enterprise_staff",
                    "经济师": "private_enterprise_staff", "心理咨询师": "freelancer",
                }.get(profession, "none")
            education = education or weighted(rng, {"bachelor": 25, "master": 45, "doctorate": 30})
        elif kind == "new_stratum":
            stratum = stratum or weighted(rng, {
                "private_enterprise_staff": 45, "intermediary_staff": 25, "freelancer": 15, "new_media": 15})
            title = title or weighted(rng, {"none": 45, "junior": 25, "intermediate": 22, "associate_senior": 6, "senior": 2})
            party = party or weighted(rng, {
                "mass": 35, "non_party": 25, "cpc": 12, "min_jian": 8, "zhi_gong": 5, "min_jin": 5,
                "min_meng": 4, "nong_gong": 3, "jiu_san": 2, "min_ge": 1})
            profession = profession or rng.choice(STRATUM_PROFESSIONS[stratum])
            education = education or weighted(rng, {"college": 20, "bachelor": 50, "master": 25, "doctorate": 5})
        else:  # cpc
            party = party or "cpc"
            title = title or weighted(rng, {"none": 20, "junior": 30, "intermediate": 35, "associate_senior": 15})
            stratum = stratum or "none"
            education = education or weighted(rng, {"college": 15, "bachelor": 60, "master": 25})
        if employer is None:
            employer = self.employer_for(kind, stratum, profession, county, wz)
        senior = title in ("associate_senior", "senior")
        year = rng.randint(1958, 1984) if senior else rng.randint(1966, 1997)
        if rng.random() < 0.6:
            birth_day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            rec["birth"] = iso(birth_day)
        else:
            birth_day = None
            rec["birth"] = str(year)
        if wz:
            rec["ethnicity"] = "汉族" if rng.random() < 0.95 else rng.choice(MINORITIES_WZ)
        else:
            rec["ethnicity"] = "汉族" if rng.random() < 0.91 else rng.choice(MINORITIES_SZ)
        rec["party"] = party
        rec["title"] = title
        rec["stratum"] = stratum
        rec["education"] = education
        rec["returned_overseas"] = education in ("master", "doctorate") and rng.random() < 0.22
        if employer:
            rec["employer"] = employer
        if profession:
            rec["profession"] = profession
        if birth_day is not None and rng.random() < 0.56:
            while True:
                seq = f"{rng.randint(0, 99):02d}{rng.choice('13579' if sex == 'male' else '02468')}"
                first17 = county + birth_day.strftime("%Y%m%d") + seq
                rid = first17 + resident_id_check(first17)
                if rid not in self.used_rids:
                    self.used_rids.add(rid)
                    rec["resident_id"] = rid
                    break
        self.persons[pid] = rec
        self.person_home[pid] = county
        return pid

    def employer_for(self, kind, stratum, profession, county, wz) -> str | None:
        rng = self.rng
        city = "温州" if wz else "深圳"
        place = DIVISIONS.get(county[:6], "")
        b = self.brand()
        if profession in ("律师",):
            return f"{'浙江' if wz else '广东'}{b}律师事务所"
        if profession in ("注册会计师", "审计师"):
            return f"{city}{b}会计师事务所"
        if profession == "税务师":
            return f"{city}{b}税务师事务所"
        if profession == "资产评估师":
            return f"{city}{b}资产评估有限公司"
        if profession == "教师":
            return f"{place}{b}实验学校"
        if profession == "医生":
            return f"{place}人民医院"
        if profession in ("建筑师", "规划师"):
            return f"{city}市{b}建筑设计有限公司"
        if profession == "研究员":
            return f"{city}{b}研究院"
        if profession == "心理咨询师":
            return f"{city}市{b}心理咨询中心"
        if profession == "编辑":
            return f"{city}{b}出版传媒有限公司"
        if profession == "社会工作者":
            return f"{city}市{place}{b}社工服务中心"
        if stratum == "freelancer":
            return None if rng.random() < 0.5 else f"{b}工作室"
        if stratum == "new_media":
            return f"{city}市{b}文化传媒有限公司"
        if stratum == "intermediary_staff":
            return f"{city}市{b}咨询服务有限公司"
        if kind == "cpc":
            return None
        return f"{city}市{b}{rng.choice(INDUSTRY)}有限公司"

    # ---------------------------------------------------------------- enterprises
    def new_enterprise(self, prefix: str, county: str, name: str | None = None) -> str:
        rng = self.rng
        self.n_ent[prefix] += 1
        eid = f"ent-{prefix}-{self.n_ent[prefix]:04d}"
        if name is None:
            name = self.company()
        else:
            self.used_ent_names.add(name)
        while True:
            if rng.random() < 0.6:
                body = "MA5" + "".join(rng.choice(ORGCODE_ALPHABET) for _ in range(5))
            else:
                body = "".join(rng.choice("0123456789") for _ in range(7)) + rng.choice(ORGCODE_ALPHABET)
            first17 = "91" + county + body + org_code_check(body)
            code = first17 + uscc_check(first17)
            if code not in self.used_codes:
                self.used_codes.add(code)
                break
        self.enterprises.append({"id": eid, "name": name, "credit_code": code})
        return eid

    # ---------------------------------------------------------------- organizations
    def add_org(self, id, name, kind, level, division_code, founded, *, parent=None,
                relation="guidance", **kw) -> str:
        assert id not in self.orgs, id
        assert division_code in DIVISIONS or division_code == "00", division_code
        rec = org_record(id, name, kind, level, division_code, founded, **kw)
        cmd = {"type": "add_organization", "org": rec}
        if parent:
            assert parent in self.orgs, (id, parent)
            cmd["parent"] = parent
        if relation != "guidance":
            cmd["relation"] = relation
        self.c_orgs.append(cmd)
        self.orgs[id] = {"rec": rec, "founded": D(founded), "dissolved": None, "parent": parent,
                         "relation": relation}
        return id

    def dissolve(self, id: str, date: str) -> None:
        self.orgs[id]["dissolved"] = D(date)
        self.c_dissolve.append({"type": "dissolve_organization", "id": id, "date": date})

    def affiliate(self, aid, org, other, kind, frm) -> None:
        self.c_affs.append({"type": "add_affiliation", "affiliation": {
            "id": aid, "org": org, "other": other, "kind": kind, "from": frm}})

    def term(self, org, number, start, posts, years=5) -> None:
        t = {"number": number, "start": start, "statutory_years": years}
        if posts:
            t["posts"] = [{"person": p, "role": r} for p, r in posts]
        self.c_terms.append({"type": "start_term", "org": org, "term": t})

    # ---------------------------------------------------------------- memberships
    def join(self, member, org, role, start: dt.date, end: dt.date | None = None,
             founding=False, source=None) -> None:
        o = self.orgs[org]
        assert start >= o["founded"], (member, org, start)
        m = {"member": member_ref(member), "org": org, "role": role, "start": iso(start)}
        if end is not None:
            assert end > start
            m["end"] = iso(end)
        m["founding"] = founding
        if source:
            m["source"] = source
        self.c_joins.append({"type": "join", "membership": m})
        self.mem[org].append([member, role, start, end])

    def leave(self, member, org, date: dt.date) -> None:
        for row in self.mem[org]:
            if row[0] == member and row[3] is None:
                assert row[2] < date
                row[3] = date
                break
        else:
            raise AssertionError((member, org))
        self.c_changes.append({"type": "leave", "member": member_ref(member), "org": org, "date": iso(date)})

    def change_role(self, member, org, role, date: dt.date) -> None:
        for row in self.mem[org]:
            if row[0] == member and row[3] is None:
                assert row[2] < date
                row[3] = date
                break
        else:
            raise AssertionError((member, org))
        self.mem[org].append([member, role, date, None])
        self.c_changes.append({"type": "change_role", "member": member_ref(member), "org": org,
                               "role": role, "date": iso(date)})

    def members_on(self, org: str, day: dt.date) -> list[str]:
        return [r[0] for r in self.mem[org] if active_on(r[2], r[3], day)]

    def roles_for(self, n: int, scheme: str = "assoc") -> list[str]:
        if scheme == "party":
            return ["secretary", "deputy_secretary"] + ["committee_member"] * min(3, max(0, n - 2)) + ["member"] * max(0, n - 5)
        nv = max(1, n // 8)
        ncouncil = max(0, n // 4)
        roles = ["president"] + ["vice_president"] * nv + ["secretary_general"] + ["council"] * ncouncil
        roles += ["member"] * (n - len(roles))
        return roles[:n]

    def populate(self, org: str, people: list[str], *, founding_share=0.7, last=None,
                 scheme="assoc", founding_flag=False, source=None, first=None) -> None:
        """Give `org` these members: the first ones (president first) from the founding day, the
        rest joining later, up to `last`."""
        rng = self.rng
        o = self.orgs[org]
        f = first or o["founded"]
        last = last or max(f, D("2024-05-20"))
        roles = self.roles_for(len(people), scheme)
        n_found = max(1, round(len(people) * founding_share))
        for i, (pid, role) in enumerate(zip(people, roles)):
            if i < n_found or role not in ("member", "council"):
                start, fnd = f, founding_flag
            else:
                start, fnd = self.day_between(f + dt.timedelta(days=1), last), False
            src = source if (source and rng.random() < 0.3) else None
            self.join(pid, org, role, start, founding=fnd, source=src)

    # ---------------------------------------------------------------- activities and advice
    def activity(self, prefix, org, date: str, kind, title="", off=0, on=0, served=0, deleg=0) -> dict:
        self.n_act[prefix] += 1
        a = {"id": f"act-{prefix}-{self.n_act[prefix]:05d}", "org": org, "date": date, "kind": kind}
        if title:
            a["title"] = title
        a.update(participants_offline=off, participants_online=on, persons_served=served, delegations=deleg)
        self.c_acts.append({"type": "record_activity", "activity": a})
        return a

    def advice(self, prefix, org, date: str, kind, title, authors=(), adopted=None) -> None:
        self.n_adv[prefix] += 1
        a = {"id": f"adv-{prefix}-{self.n_adv[prefix]:04d}", "org": org}
        if authors:
            a["authors"] = list(authors)
        a.update(date=date, kind=kind, title=title)
        if adopted is not None:
            a["adopted"] = adopted
        self.c_advice.append({"type": "record_advice", "advice": a})

    def designation(self, id, org, title, name, level, issuer, conferred, batch=None) -> None:
        d = {"id": id, "org": org, "title": title, "name": name, "level": level, "issuer": issuer}
        if batch is not None:
            d["batch"] = batch
        d["conferred"] = conferred
        self.c_desig.append({"type": "record_designation", "designation": d})

    # ---------------------------------------------------------------- output
    def commands(self) -> list[dict]:
        out = [{"type": "add_person", "person": self.finish_person(p)} for p in self.persons.values()]
        out += [{"type": "add_enterprise", "enterprise": e} for e in self.enterprises]
        out += self.c_orgs + self.c_affs + self.c_terms + self.c_joins + self.c_changes
        out += self.c_desig + self.c_revoke + self.c_acts + self.c_advice + self.c_dissolve
        return out

    @staticmethod
    def finish_person(p: dict) -> dict:
        # political_posts is the last field of Person; keep declaration order
        posts = p.pop("political_posts", None)
        if posts:
            p["political_posts"] = posts
        return p


# --------------------------------------------------------------------------------------------
# Shenzhen: 知联会 tree
# --------------------------------------------------------------------------------------------

ZLH_DISTRICT_FOUNDED = {
    "nanshan": "2010-09-16", "futian": "2011-11-25", "luohu": "2012-06-28", "baoan": "2013-04-26",
    "longgang": "2014-08-22", "yantian": "2017-06-20", "longhua": "2018-03-30",
    "pingshan": "2018-09-14", "guangming": "2019-05-24",
}


def build_sz_zlh(g: Gen) -> None:
    rng = g.rng
    g.add_org("sz-zlh", "深圳市知联会", "zhilianhui", "municipal", "4403", "2009-12-18",
              name_en="Shenzhen Association of Non-CPC Intellectuals", tags=["深圳市党外知识分子联谊会"])
    for suf, (code, dname) in SZ_DISTRICTS.items():
        g.add_org(f"sz-zlh-{suf}", f"{dname}知联会", "zhilianhui", "district", code,
                  ZLH_DISTRICT_FOUNDED[suf], parent="sz-zlh")
    # special committees: kind special_committee, part of the municipal association
    g.add_org("sz-zlh-sc-advice", "深圳市知联会参政议政专委会", "special_committee", "municipal", "4403",
              "2015-01-09", parent="sz-zlh", relation="part_of")
    g.add_org("sz-zlh-sc-service", "深圳市知联会社会服务专委会", "special_committee", "municipal", "4403",
              "2015-01-09", parent="sz-zlh", relation="part_of")
    # a branch dissolved before 2024-05 (its members closed by the dissolution)
    g.add_org("sz-zlh-youth", "深圳市知联会青年分会", "zhilianhui", "municipal", "4403", "2013-05-20",
              parent="sz-zlh", relation="part_of")
    # advisory studios (kind advisory_studio, not counted as zhilianhui)
    for i in range(1, 5):
        g.add_org(f"sz-zlh-studio-{i}", f"深圳市党外知识分子建言献策工作室（{'一二三四'[i - 1]}）",
                  "advisory_studio", "district", "4403", f"2021-0{i + 2}-1{i}", parent="sz-zlh")

    sub_people: dict[str, list[str]] = defaultdict(list)  # county -> persons of sub-organizations

    def staff(org: str, people: list[str], **kw) -> list[str]:
        g.populate(org, people, **kw)
        county = g.orgs[org]["rec"]["division_code"][:6]
        sub_people[county].extend(people)
        return people

    def intellectuals(n, county, **kw) -> list[str]:
        return [g.new_person("intellectual", county, **kw) for _ in range(n)]

    # hospitals (12 as of 2024-05-31; a 13th founded later)
    for suf, hosp, county, founded in HOSPITALS:
        oid = g.add_org(f"sz-zlh-hosp-{suf}", f"{hosp}知联会", "zhilianhui", "district", county, founded,
                        parent="sz-zlh", carrier="hospital")
        people = [g.new_person("intellectual", county, employer=hosp, stratum="none",
                               profession=rng.choice(("医生", "医生", "医生", "药师", "护理", "医学检验", "医学影像")))
                  for _ in range(rng.randint(7, 10))]
        staff(oid, people)
    # the first municipal state-enterprise zhilianhui and its advisory studio
    g.add_org("sz-zlh-sztg", "深圳交易集团知联会", "zhilianhui", "district", "440304", "2022-08-19",
              parent="sz-zlh", carrier="state_enterprise", tags=["首家市属国企知联会"])
    staff("sz-zlh-sztg", [g.new_person("intellectual", "440304", employer="深圳交易集团有限公司", stratum="none",
                                       profession=rng.choice(("经济师", "注册会计师", "律师", "高级工程师")))
                          for _ in range(8)])
    g.add_org("sztg-studio", "深圳交易集团党外知识分子建言献策工作室", "advisory_studio", "community", "440304",
              "2023-03-17", parent="sz-zlh-sztg", carrier="state_enterprise")
    # the first research-institute zhilianhui; the institute's returned scholars association is a
    # different kind, under the municipal returned scholars association
    g.add_org("sz-zlh-siat", "中国科学院深圳先进技术研究院知联会", "zhilianhui", "district", "440305", "2020-12-18",
              parent="sz-zlh", carrier="research_institute", tags=["首家科研院所知联会"])
    siat = [g.new_person("intellectual", "440305", employer="中国科学院深圳先进技术研究院", stratum="none",
                         profession=rng.choice(("研究员", "副研究员", "高级工程师")), education="doctorate")
            for _ in range(9)]
    staff("sz-zlh-siat", siat)
    g.add_org("sz-wrsa", "深圳市欧美同学会（深圳市留学人员联谊会）", "returned_scholars", "municipal", "4403",
              "2003-06-20")
    g.add_org("siat-wrsa", "中国科学院深圳先进技术研究院欧美同学会（留联会）", "returned_scholars", "district",
              "440305", "2020-12-18", parent="sz-wrsa", carrier="research_institute")
    returned = siat[:6]
    for pid in returned:
        g.persons[pid]["returned_overseas"] = True
    g.populate("siat-wrsa", returned + [g.new_person("intellectual", "440305", employer="中国科学院深圳先进技术研究院",
                                                     stratum="none", profession="研究员", education="doctorate")
                                        for _ in range(3)])
    for pid in g.members_on("siat-wrsa", D("2024-05-31"))[6:]:
        g.persons[pid]["returned_overseas"] = True
    # the first community zhilianhui
    g.add_org("sz-zlh-gaofa", "南山区沙河街道高发社区知联会", "zhilianhui", "community", "440305003015",
              "2021-09-10", parent="sz-zlh-nanshan", carrier="community", tags=["首家社区知联会"])
    staff("sz-zlh-gaofa", intellectuals(7, "440305"))
    # Longgang: the first park branches (2021), a second batch (2023)
    parks = (
        ("sz-zlh-longgang-tianan", "龙岗区知联会天安云谷园区分会", "440307013", "2021-07-01"),
        ("sz-zlh-longgang-dayun", "龙岗区知联会大运软件小镇园区分会", "440307015", "2021-07-01"),
        ("sz-zlh-longgang-xinghe", "龙岗区知联会星河WORLD园区分会", "440307013", "2021-07-01"),
        ("sz-zlh-longgang-baolong", "龙岗区知联会宝龙科技城园区分会", "440307019", "2023-04-14"),
        ("sz-zlh-longgang-zhonghaixin", "龙岗区知联会中海信创新产业城园区分会", "440307012", "2023-04-14"),
    )
    for oid, name, code, founded in parks:
        g.add_org(oid, name, "zhilianhui", "community", code, founded, parent="sz-zlh-longgang",
                  relation="part_of", carrier="industrial_park",
                  tags=["首批知联会园区分会"] if founded == "2021-07-01" else None)
        staff(oid, [g.new_person("intellectual", "440307",
                                 profession=rng.choice(("高级工程师", "工程师", "工程师", "经济师", "律师")))
                    for _ in range(rng.randint(5, 7))])
    # Longhua: the first district-level health-system and education-system zhilianhui
    g.add_org("sz-zlh-longhua-health", "龙华区卫健系统知联会", "zhilianhui", "district", "440309", "2019-06-21",
              parent="sz-zlh-longhua", relation="part_of", carrier="health_system")
    staff("sz-zlh-longhua-health", [g.new_person("intellectual", "440309", stratum="none", profession="医生",
                                                 employer=rng.choice(("龙华区人民医院", "龙华区中心医院", "龙华区妇幼保健院")))
                                    for _ in range(8)])
    g.add_org("sz-zlh-longhua-edu", "龙华区教育系统知联会", "zhilianhui", "district", "440309", "2020-09-10",
              parent="sz-zlh-longhua", relation="part_of", carrier="education_system")
    staff("sz-zlh-longhua-edu", intellectuals(8, "440309", profession="教师", stratum="none"))
    # universities
    for oid, uni, county, founded in UNIVERSITIES:
        g.add_org(oid, f"{uni}知联会", "zhilianhui", "district", county, founded, parent="sz-zlh",
                  carrier="university")
        people = []
        for _ in range(rng.randint(7, 9)):
            prof, title = rng.choice((("教授", "senior"), ("副教授", "associate_senior"), ("副教授", "associate_senior"),
                                      ("讲师", "intermediate"), ("研究员", "senior")))
            people.append(g.new_person("intellectual", county, employer=uni, stratum="none", profession=prof,
                                       title=title, education="doctorate"))
        staff(oid, people)
    # profession branches of district associations (district level, part of)
    branches = (
        ("sz-zlh-futian-cpa", "福田区知联会会计师分会", "futian", "2020-07-17", "注册会计师"),
        ("sz-zlh-futian-law", "福田区知联会律师分会", "futian", "2020-07-17", "律师"),
        ("sz-zlh-luohu-fin", "罗湖区知联会金融分会", "luohu", "2021-05-21", "经济师"),
        ("sz-zlh-nanshan-tech", "南山区知联会科技创新分会", "nanshan", "2019-08-30", "高级工程师"),
        ("sz-zlh-baoan-edu", "宝安区知联会教育分会", "baoan", "2022-06-10", "教师"),
    )
    for oid, name, suf, founded, prof in branches:
        code = SZ_DISTRICTS[suf][0]
        g.add_org(oid, name, "zhilianhui", "district", code, founded, parent=f"sz-zlh-{suf}", relation="part_of")
        staff(oid, intellectuals(rng.randint(6, 8), code, profession=prof))
    # buildings, parks and communities after the first building zhilianhui (all community level)
    local = (
        ("sz-zlh-kingkey100", "京基100大厦知联会", "440303001", "luohu", "2024-01-12", "building", "guidance"),
        ("sz-zlh-excellence", "卓越世纪中心知联会", "440304004", "futian", "2024-03-15", "building", "guidance"),
        ("sz-zlh-guangming-sci", "光明科学城园区知联会", "440311001", "guangming", "2023-12-08", "industrial_park", "guidance"),
        ("sz-zlh-liuhe", "坪山区坪山街道六和社区知联会", "440310001002", "pingshan", "2024-04-19", "community", "guidance"),
        ("sz-zlh-haiyu", "宝安区新安街道海裕社区知联会", "440306017023", "baoan", "2023-11-17", "community", "guidance"),
    )
    for oid, name, code, suf, founded, carrier, rel in local:
        g.add_org(oid, name, "zhilianhui", "community", code, founded, parent=f"sz-zlh-{suf}", relation=rel,
                  carrier=carrier)
        staff(oid, intellectuals(rng.randint(5, 7), code[:6]), last=D("2024-05-20"))

    # the first street-level zhilianhui: Futian Street branch, 2024-05-07, president 江世清
    g.add_org("sz-zlh-futian-street", "福田区知联会福田街道分会", "zhilianhui", "subdistrict", "440304004",
              "2024-05-07", parent="sz-zlh-futian", relation="part_of", tags=["首家街道级知联会", "岗厦社区党群服务中心"])
    jiang = g.new_person("intellectual", "440304", pid="p-jiangshiqing", name="江世清", party="non_party",
                         title="senior", stratum="none", bare=True)
    staff("sz-zlh-futian-street", [jiang] + intellectuals(11, "440304"), founding_share=0.8,
          founding_flag=True, last=D("2024-12-20"))

    # district associations: own members plus some of the sub-organizations' (双岗)
    for suf, (code, _) in SZ_DISTRICTS.items():
        oid = f"sz-zlh-{suf}"
        own = intellectuals(rng.randint(14, 19), code)
        pool = sorted(set(sub_people.get(code, [])) - {jiang})
        shared = rng.sample(pool, min(len(pool), rng.randint(3, 6)))
        g.populate(oid, own + shared, founding_share=0.5, source="组织推荐")
    # Futian: a few leave; Luohu: a president succession; Nanshan: a promotion
    fut = g.members_on("sz-zlh-futian", D("2020-01-01"))
    for pid, day in zip([p for p in fut if p != fut[0]][-2:], ("2021-03-01", "2023-07-01")):
        g.leave(pid, "sz-zlh-futian", D(day))
    lh = [r for r in g.mem["sz-zlh-luohu"] if r[3] is None]
    old_pres = next(r[0] for r in lh if r[1] == "president")
    new_pres = next(r[0] for r in lh if r[1] == "vice_president")
    g.change_role(old_pres, "sz-zlh-luohu", "council", D("2022-06-24"))
    g.change_role(new_pres, "sz-zlh-luohu", "president", D("2022-06-24"))
    ns = [r for r in g.mem["sz-zlh-nanshan"] if r[3] is None and r[1] == "council" and r[2] < D("2022-03-01")]
    g.change_role(ns[0][0], "sz-zlh-nanshan", "vice_president", D("2022-03-01"))

    # the municipal association: a president history over three terms, plus members from below
    a, b, c, sg1, sg2 = (g.new_person("intellectual", rng.choice(SZ_COUNTIES), title=t, party=p)
                         for t, p in (("senior", "min_meng"), ("senior", "jiu_san"), ("senior", "non_party"),
                                      ("associate_senior", "min_jin"), ("associate_senior", "non_party")))
    t1, t2, t3 = D("2009-12-18"), D("2014-12-20"), D("2019-12-27")
    g.join(a, "sz-zlh", "president", t1, t2, founding=True)
    g.join(a, "sz-zlh", "council", t2)
    g.join(b, "sz-zlh", "vice_president", t1, t2, founding=True)
    g.join(b, "sz-zlh", "president", t2, t3)
    g.join(b, "sz-zlh", "council", t3)
    g.join(c, "sz-zlh", "council", t1, t2, founding=True)
    g.join(c, "sz-zlh", "vice_president", t2, t3)
    g.join(c, "sz-zlh", "president", t3)
    g.join(sg1, "sz-zlh", "secretary_general", t1, t3, founding=True)
    g.join(sg2, "sz-zlh", "secretary_general", t3)
    vps = [g.new_person("intellectual", rng.choice(SZ_COUNTIES), title="senior") for _ in range(6)]
    for i, pid in enumerate(vps):
        g.join(pid, "sz-zlh", "vice_president", t2 if i < 3 else t3)
    everyone = sorted({r[0] for o in g.orgs if o.startswith("sz-zlh-") for r in g.mem[o]
                       if r[3] is None and r[2] <= D("2024-01-01")} - {jiang})
    for pid in rng.sample(everyone, 22):
        start = max(t1, max(r[2] for o in g.orgs if o.startswith("sz-zlh-") for r in g.mem[o] if r[0] == pid))
        g.join(pid, "sz-zlh", rng.choice(("council", "member", "member")), g.day_between(start, D("2024-05-20")))
    g.term("sz-zlh", 1, iso(t1), [(a, "president"), (b, "vice_president"), (sg1, "secretary_general")])
    g.term("sz-zlh", 2, iso(t2), [(b, "president"), (c, "vice_president")] + [(p, "vice_president") for p in vps[:3]]
           + [(sg1, "secretary_general")])
    g.term("sz-zlh", 3, iso(t3), [(c, "president")] + [(p, "vice_president") for p in vps]
           + [(sg2, "secretary_general")])
    # the dissolved youth branch
    youth = [g.new_person("intellectual", rng.choice(SZ_COUNTIES)) for _ in range(8)]
    g.populate("sz-zlh-youth", youth, last=D("2019-12-31"))
    g.dissolve("sz-zlh-youth", "2022-01-01")
    # special committees: members drawn from the municipal association (part of: counted there too)
    muni = sorted({r[0] for r in g.mem["sz-zlh"] if r[3] is None})
    for sc in ("sz-zlh-sc-advice", "sz-zlh-sc-service"):
        people = rng.sample(muni, 6)
        for i, pid in enumerate(people):
            start = max(g.orgs[sc]["founded"], min(r[2] for r in g.mem["sz-zlh"] if r[0] == pid))
            g.join(pid, sc, "president" if i == 0 else "member", g.day_between(start, max(start, D("2024-04-30"))))

    # terms: Futian (renewed on time) and Yantian (first term only: overdue since 2022-06-20)
    fp = [r[0] for r in g.mem["sz-zlh-futian"] if r[1] == "president"][0]
    g.term("sz-zlh-futian", 1, "2011-11-25", [(fp, "president")])
    g.term("sz-zlh-futian", 2, "2016-11-18", [(fp, "president")])
    g.term("sz-zlh-futian", 3, "2021-11-26", [(fp, "president")])
    yp = [r[0] for r in g.mem["sz-zlh-yantian"] if r[1] == "president"][0]
    g.term("sz-zlh-yantian", 1, "2017-06-20", [(yp, "president")])
    g.term("sz-zlh-futian-street", 1, "2024-05-07", [(jiang, "president")])

    # zhilianhui founded after 2024-05-31 (street branches, a 13th hospital)
    later = (
        ("sz-zlh-futian-huafu", "福田区知联会华富街道分会", "440304009", "futian", "2024-09-20"),
        ("sz-zlh-nanshan-yuehai", "南山区知联会粤海街道分会", "440305007", "nanshan", "2024-11-08"),
        ("sz-zlh-luohu-guiyuan", "罗湖区知联会桂园街道分会", "440303001", "luohu", "2024-12-13"),
    )
    for oid, name, code, suf, founded in later:
        g.add_org(oid, name, "zhilianhui", "subdistrict", code, founded, parent=f"sz-zlh-{suf}", relation="part_of")
        g.populate(oid, intellectuals(rng.randint(6, 8), code[:6]), founding_share=1.0, founding_flag=True)
    g.add_org("sz-zlh-hosp-13", "深圳大学总医院知联会", "zhilianhui", "district", "440305", "2024-10-25",
              parent="sz-zlh", carrier="hospital")
    g.populate("sz-zlh-hosp-13", [g.new_person("intellectual", "440305", employer="深圳大学总医院", stratum="none",
                                               profession="医生") for _ in range(7)], founding_share=1.0)

    # composition: keep every zhilianhui "mainly" (here >= 75 %) intermediate-or-higher titles
    for oid in sorted(g.orgs):
        if g.orgs[oid]["rec"]["kind"] != "zhilianhui":
            continue
        people = sorted({r[0] for r in g.mem[oid]})
        low = [p for p in people if TITLE_RANK[g.persons[p]["title"]] < 2]
        while low and len(low) > len(people) // 4:
            g.persons[low.pop()]["title"] = "intermediate"

    # activities: Futian "知行·福田" public service, the municipal advice meetings
    for i in range(18):
        day = g.day_between(D("2021-03-01"), D("2024-04-30"))
        place = rng.choice(("进企业", "进社区", "进校园", "“智汇伙伴”", "“红岭讲坛”", "梅林街道孖岭社区“关键小事服务站”"))
        served = rng.randint(60, 120)
        g.activity("zlh", "sz-zlh-futian", iso(day), "public_service", f"“知行·福田”{place}公益服务",
                   off=rng.randint(8, 20), served=served)
    themes = ("深圳教育高质量发展", "生态环境保护高质量发展", "粤港澳大湾区规则衔接和机制对接", "深港制造业创新合作",
              "发挥高校科技创新优势，助力深圳高质量发展", "同心聚智献良策，助推高质量发展")
    for i, (theme, day) in enumerate(zip(themes, ("2021-06", "2021-11", "2022-06", "2022-12", "2023-07", "2024-04"))):
        g.activity("zlh", "sz-zlh", day, "advice_meeting", f"“我为‘双区’建设献一策”建言献策会：{theme}",
                   off=rng.randint(40, 90))
        g.advice("sz", "sz-zlh", day, "advice", f"关于{theme}的意见建议",
                 authors=rng.sample(muni, 2), adopted=rng.random() < 0.6)
    for org in ("sz-zlh-nanshan", "sz-zlh-luohu", "sz-zlh-baoan", "sz-zlh-hosp-01", "sz-zlh-szu"):
        f = g.orgs[org]["founded"]
        for _ in range(rng.randint(2, 4)):
            day = g.day_between(max(f, D("2020-01-01")), D("2024-05-20"))
            g.activity("zlh", org, iso(day), rng.choice(("study", "training", "consultation", "networking")),
                       rng.choice(("学习交流座谈会", "专业技术培训", "政策解读与技术咨询", "会员联谊交流")),
                       off=rng.randint(15, 60))


# --------------------------------------------------------------------------------------------
# Shenzhen: 新联会 tree and the "鹏城新力" activities
# --------------------------------------------------------------------------------------------

XLH_DISTRICT_FOUNDED = {
    "nanshan": "2017-01-13", "luohu": "2017-04-21", "futian": "2017-06-16", "baoan": "2017-09-08",
    "longgang": "2017-11-24", "longhua": "2018-04-27", "yantian": "2018-06-29", "pingshan": "2018-08-24",
    "guangming": "2019-03-15",
}
VISITORS_FROM = (
    "北京市", "上海市", "天津市", "重庆市", "广州市", "珠海市", "佛山市", "东莞市", "惠州市", "中山市", "江门市",
    "汕头市", "湛江市", "长沙市", "武汉市", "成都市", "杭州市", "南京市", "苏州市", "厦门市", "福州市", "南宁市",
    "海口市", "贵阳市", "昆明市", "西安市", "郑州市", "济南市", "青岛市", "合肥市", "南昌市", "沈阳市", "哈尔滨市",
    "长春市", "兰州市", "银川市", "西宁市", "呼和浩特市", "太原市", "石家庄市", "宁波市", "温州市", "无锡市",
    "泉州市", "桂林市", "三亚市", "大连市", "洛阳市", "襄阳市", "宜昌市",
)
PCXL_THEMES = {
    "study": ("主题学习座谈", "“不忘初心跟党走”主题教育", "党史学习分享会", "思想政治引领学习会", "百年党史忆初心"),
    "training": ("新阶层人士履职能力培训", "“暖企政策小讲堂”", "新媒体运营培训", "法律实务培训", "网络安全培训"),
    "public_service": ("“百场律师普法进基层”", "慈善公益行", "“推进乡村振兴送温暖”", "疫情防控志愿服务", "义诊咨询进社区"),
    "networking": ("会员联谊交流", "企业走访交流", "“10+10”联动交流", "新春联谊会", "各区新联会联动交流"),
    "consultation": ("“三师”专业咨询服务", "政策解读咨询会", "法律咨询进园区"),
    "advice_meeting": ("参政议政建言献策会", "阶层流动专题调研座谈"),
    "performance": ("原创歌曲展演", "诗歌朗诵会", "文艺汇演"),
    "other": ("“寻美·深圳”采风", "红色之旅现场打卡", "火炬接力跑", "读书分享会"),
}
PCXL_KIND_WEIGHTS = {"study": 25, "training": 20, "public_service": 15, "networking": 15, "consultation": 10,
                     "advice_meeting": 5, "performance": 3, "other": 7}


def build_sz_xlh(g: Gen) -> None:
    rng = g.rng
    g.add_org("sz-xlh", "深圳市新联会", "xinlianhui", "municipal", "4403", "2016-11-26",
              name_en="Shenzhen New Social Stratum Association", tags=["深圳市新的社会阶层人士联合会"])
    for suf, (code, dname) in SZ_DISTRICTS.items():
        g.add_org(f"sz-xlh-{suf}", f"{dname}新联会", "xinlianhui", "district", code, XLH_DISTRICT_FOUNDED[suf],
                  parent="sz-xlh")
    branches = (  # 分会 by professional group (kind xinlianhui, part of the municipal association)
        ("sz-xlh-lawyers", "深圳市新联会律师分会", "2018-03-23", "intermediary_staff", "律师"),
        ("sz-xlh-cpa", "深圳市新联会注册会计师分会", "2018-03-23", "intermediary_staff", "注册会计师"),
        ("sz-xlh-designers", "深圳市新联会设计师分会", "2019-05-17", "freelancer", "设计师"),
        ("sz-xlh-newmedia", "深圳市新联会新媒体分会", "2020-06-12", "new_media", None),
        ("sz-xlh-ai", "深圳市新联会人工智能分会", "2023-09-22", "private_enterprise_staff", "研发工程师"),
    )
    committees = (  # 专委会 by function
        ("sz-xlh-sc-charity", "深圳市新联会公益慈善专委会", "2017-12-15"),
        ("sz-xlh-sc-culture", "深圳市新联会文化艺术专委会", "2017-12-15"),
        ("sz-xlh-sc-youth", "深圳市新联会青年创业专委会", "2018-10-19"),
        ("sz-xlh-sc-advice", "深圳市新联会参政议政专委会", "2018-10-19"),
    )
    for oid, name, founded, _, _ in branches:
        g.add_org(oid, name, "xinlianhui", "municipal", "4403", founded, parent="sz-xlh", relation="part_of")
    for oid, name, founded in committees:
        g.add_org(oid, name, "special_committee", "municipal", "4403", founded, parent="sz-xlh", relation="part_of")
    # the "鹏城新力" activity base: a root of its own; the association is hosted by it (affiliation,
    # never rolled up)
    g.add_org("pcxl-base", "深圳市新联会“鹏城新力”活动基地", "base", "municipal", "4403", "2018-12-01",
              tags=["罗湖区鸿昌广场57楼", "市级实践创新基地"])
    g.affiliate("aff-sz-xlh-pcxl", "sz-xlh", "pcxl-base", "hosted_by", "2018-12-01")
    g.designation("pcxl-d1", "pcxl-base", "practice_innovation_base", "深圳市新的社会阶层人士统战工作实践创新基地",
                  "municipal", "深圳市委统战部", "2018-12")

    # members
    pool: list[str] = []
    for suf, (code, _) in SZ_DISTRICTS.items():
        people = [g.new_person("new_stratum", code) for _ in range(rng.randint(15, 22))]
        g.populate(f"sz-xlh-{suf}", people, founding_share=0.6, founding_flag=True, source="双轨推荐")
        pool += people
    for oid, _, _, stratum, prof in branches:
        people = [g.new_person("new_stratum", rng.choice(SZ_COUNTIES), stratum=stratum, profession=prof)
                  for _ in range(rng.randint(8, 10))]
        g.populate(oid, people, founding_share=0.6)
        pool += people
    own = [g.new_person("new_stratum", rng.choice(SZ_COUNTIES), title=rng.choice(("intermediate", "associate_senior")))
           for _ in range(38)]
    g.populate("sz-xlh", own, founding_share=0.5, founding_flag=True)
    for pid in rng.sample(sorted(set(pool)), 12):
        start = max(r[2] for o in g.orgs if o.startswith("sz-xlh-") for r in g.mem[o] if r[0] == pid)
        g.join(pid, "sz-xlh", "council", g.day_between(start, max(start, D("2024-05-20"))))
    # second term: a new president
    old = own[0]
    new = next(r[0] for r in g.mem["sz-xlh"] if r[1] == "vice_president")
    g.change_role(old, "sz-xlh", "council", D("2021-12-17"))
    g.change_role(new, "sz-xlh", "president", D("2021-12-17"))
    vps = [r[0] for r in g.mem["sz-xlh"] if r[1] == "vice_president" and r[0] != new]
    sg = next(r[0] for r in g.mem["sz-xlh"] if r[1] == "secretary_general")
    g.term("sz-xlh", 1, "2016-11-26", [(old, "president"), (new, "vice_president")] + [(p, "vice_president") for p in vps]
           + [(sg, "secretary_general")])
    g.term("sz-xlh", 2, "2021-12-17", [(new, "president")] + [(p, "vice_president") for p in vps]
           + [(sg, "secretary_general")])
    muni = sorted({r[0] for r in g.mem["sz-xlh"] if r[3] is None} - {old, new})
    for oid, _, founded in committees:
        for i, pid in enumerate(rng.sample(muni, 6)):
            start = max(D(founded), min(r[2] for r in g.mem["sz-xlh"] if r[0] == pid))
            g.join(pid, oid, "president" if i == 0 else "member", start)

    # "鹏城新力" activities in the subtree, 2019-01-01 .. 2022-10-31 (counted) ...
    W0, W1 = D("2019-01-01"), D("2022-10-31")
    weights = {"sz-xlh": 12}
    weights.update({f"sz-xlh-{s}": 8 for s in SZ_DISTRICTS})
    weights.update({b[0]: 3 for b in branches if D(b[2]) <= W1})
    weights.update({c[0]: 2 for c in committees})
    named = [  # [org, date, kind, title, offline, online, fixed]
        ["sz-xlh", "2019-01-01", "study", "“鹏城新力”新年主题学习座谈", 45, 0],
        ["sz-xlh", "2019-08", "performance",
         "“礼赞新中国 奋进新时代”文艺汇演（庆祝新中国成立70周年“十个一”之一场汇演；微信直播线上超过60万人次参与，深圳广电集团DV生活频道两次播出）",
         1200, 0],
        ["sz-xlh", "2020", "performance", "深圳市新的社会阶层人士“致敬特区”文艺汇演", 800, 0],
        ["sz-xlh", "2020", "study", "集中收看深圳经济特区建立40周年庆祝大会实况暨“我与特区共成长”演讲活动", 260, 0],
        ["sz-xlh", "2021", "other", "“寻美·深圳”（新浪微博阅读和讨论量合计8785万）", 120, 0],
        ["sz-xlh", "2021", "other", "“永远跟党走·红歌献给党”红歌快闪（新浪微博点击量825万次）", 100, 0],
        ["sz-xlh", "2021", "study", "庆祝建党100周年主题演讲（超过10万人次在线观看）", 200, 0],
        ["sz-xlh", "2022-04-23", "other", "粤港澳“共读半小时”深圳主会场暨深圳“图书馆之城”4·23世界读书日系列活动启动仪式",
         300, 0],
        ["sz-xlh-luohu", "2022-09", "study", "喜迎党的二十大“10+10”“改革开放新时代，勇担使命向未来”学习活动（市新联会联合罗湖区新联会）",
         80, 0],
        ["sz-xlh-yantian", "2022-02", "networking", "“朝气蓬勃 共向未来”深圳新阶层人士新春徒步行（市新联会联合盐田区新联会）",
         150, 0],
        ["sz-xlh", "2022-10", "other", "喜迎党的二十大主题演讲比赛（视频直播及新闻稿阅读量56万人次）", 260, 0],
        ["sz-xlh", "2022-08", "training", "“暖企政策小讲堂”系列专题讲座", 60, 200],
        ["sz-xlh-futian", "2022-10-31", "networking", "“鹏城新力”会员联谊交流", 35, 0],
    ]
    specs = [row + [True] for row in named]
    orgs, wts = list(weights), list(weights.values())
    for _ in range(PCXL_ACTIVITIES - len(named)):
        org = rng.choices(orgs, weights=wts, k=1)[0]
        day = g.day_between(max(W0, g.orgs[org]["founded"]), W1)
        kind = weighted(rng, PCXL_KIND_WEIGHTS)
        title = "“鹏城新力”" + rng.choice(PCXL_THEMES[kind])
        off = rng.randint(8, 35)
        on = rng.randint(10, 45) if rng.random() < 0.3 else 0
        specs.append([org, iso(day), kind, title, off, on, False])
    diff = PCXL_PARTICIPANTS - sum(s[4] + s[5] for s in specs)
    free = [s for s in specs if not s[6]]
    while diff:
        s = rng.choice(free)
        step = max(-3, min(3, diff))
        if s[4] + step >= 5:
            s[4] += step
            diff -= step
    # ... and some outside the window (not counted)
    outside = [["sz-xlh", "2018-12-31", "networking", "“鹏城新力”迎新年联谊会", 60, 0],
               ["sz-xlh", "2022-11-01", "study", "学习宣传贯彻党的二十大精神座谈会", 50, 0]]
    for _ in range(48):
        org = rng.choices(orgs, weights=wts, k=1)[0]
        f = g.orgs[org]["founded"]
        if f >= D("2018-12-30"):
            continue
        kind = weighted(rng, PCXL_KIND_WEIGHTS)
        outside.append([org, iso(g.day_between(max(f, D("2017-03-01")), D("2018-12-30"))), kind,
                        "“鹏城新力”" + rng.choice(PCXL_THEMES[kind]), rng.randint(10, 40), 0])
    for _ in range(70):
        org = rng.choice(orgs + ["sz-xlh-ai"])
        f = g.orgs[org]["founded"]
        kind = weighted(rng, PCXL_KIND_WEIGHTS)
        outside.append([org, iso(g.day_between(max(f, D("2022-11-02")), D("2024-05-20"))), kind,
                        "“鹏城新力”" + rng.choice(PCXL_THEMES[kind]), rng.randint(10, 40),
                        rng.randint(10, 60) if rng.random() < 0.3 else 0])
    specs += [row + [True] for row in outside]
    specs.sort(key=lambda s: (pd_bounds(s[1])[0], s[1], s[0], s[3]))
    for org, date, kind, title, off, on, _ in specs:
        g.activity("pcxl", org, date, kind, title, off=off, on=on)
    # the base: opening and visiting delegations (outside the association's subtree)
    g.activity("pcxlbase", "pcxl-base", "2018-12", "other", "“鹏城新力”活动基地揭牌启用", off=150)
    for year in range(2019, 2024):
        days = sorted(g.day_between(D(f"{year}-01-05"), D(f"{year}-12-25")) for _ in range(20))
        for day in days:
            g.activity("pcxlbase", "pcxl-base", iso(day), "reception",
                       f"接待{rng.choice(VISITORS_FROM)}统战系统参观交流团", off=rng.randint(8, 30), deleg=1)


# --------------------------------------------------------------------------------------------
# Dashi Building (达实大厦): base, designations, receptions, its 知联会 and 新联会
# --------------------------------------------------------------------------------------------


def dashi_person(g: Gen, kind: str, **kw) -> str:
    rng = g.rng
    employer = DASHI_TENANTS[0] if rng.random() < 0.4 else rng.choice(DASHI_TENANTS[1:])
    if "律师" in employer:
        prof, stratum = "律师", "intermediary_staff"
    elif "会计" in employer:
        prof, stratum = "注册会计师", "intermediary_staff"
    else:
        prof, stratum = rng.choice(("高级工程师", "工程师", "产品经理", "技术总监", "经济师", "研发工程师")), \
            "private_enterprise_staff"
    kw.setdefault("profession", prof)
    kw.setdefault("stratum", stratum)
    return g.new_person(kind, "440305", employer=employer, **kw)


def build_dashi(g: Gen) -> None:
    rng = g.rng
    g.add_org("dashi-base", "达实大厦楼宇统战基地", "base", "community", "440305007", "2016-09-01",
              carrier="building", facilities={"area_m2": 1600, "rooms": 4},
              tags=["依托深圳达实智能股份有限公司（002421）", "同心活动室", "统一战线服务室", "党群服务室", "凝心聚力多功能室"])
    g.designation("dashi-d1", "dashi-base", "pilot_unit", "南山区首个“园区（楼宇）统战”试点单位", "district",
                  "南山区委统战部", "2016-09")
    g.designation("dashi-d2", "dashi-base", "pilot_unit", "深圳市第一批园区（楼宇）统战工作试点单位", "municipal",
                  "深圳市委统战部", "2017-08", batch=1)
    g.designation("dashi-d3", "dashi-base", "advanced_unit", "南山区新的社会阶层人士统战工作先进单位", "district",
                  "南山区委统战部", "2018-07")
    g.designation("dashi-d4", "dashi-base", "practice_innovation_base", "南山区网络人士统战工作实践创新基地", "district",
                  "南山区委统战部", "2022-11")
    g.designation("dashi-d5", "dashi-base", "practice_innovation_base", "深圳市新的社会阶层人士统战工作实践创新基地（第二批）",
                  "municipal", "深圳市委统战部", "2023-06", batch=2)

    # 91 visiting delegations 2017-08 .. 2023-06, about a thousand visitors
    months = ["2017-08", "2018-05", "2019-11", "2020-09", "2021-04", "2022-07", "2023-06"]
    dates = months + [iso(g.day_between(D("2017-08-01"), D("2023-06-30"))) for _ in range(DASHI_RECEPTIONS - len(months))]
    dates.sort(key=lambda s: (pd_bounds(s)[0], s))
    visitors = [rng.randint(5, 18) for _ in dates]
    diff = DASHI_VISITORS - sum(visitors)
    while diff:
        i = rng.randrange(len(visitors))
        step = 1 if diff > 0 else -1
        if visitors[i] + step >= 4:
            visitors[i] += step
            diff -= step
    titles = ["接待中央统战部领导参观调研", "接待广东省委统战部领导参观调研"]
    for i, (date, n) in enumerate(zip(dates, visitors)):
        title = titles[i] if i < len(titles) else f"接待{rng.choice(VISITORS_FROM)}统战系统参观团队"
        g.activity("dashi", "dashi-base", date, "reception", title, off=n, deleg=1)
    # receptions outside the window, and other events
    for date in ("2017-03", "2023-07-14", "2023-09-22", "2023-11-10", "2024-03-15"):
        g.activity("dashi", "dashi-base", date, "reception", f"接待{rng.choice(VISITORS_FROM)}统战系统参观团队",
                   off=rng.randint(6, 15), deleg=1)
    g.activity("dashi", "dashi-base", "2019", "other", "中国管理模式50人+春季论坛", off=200)
    g.activity("dashi", "dashi-base", "2020", "other", "南山区网络人士联谊会成立大会", off=120)
    g.activity("dashi", "dashi-base", "2021", "other", "“V爱南山 温暖同行”南山区新联会、区网联会《温暖》主题摄影大赛", off=80)
    for year in range(2019, 2024):
        g.activity("dashi", "dashi-base", iso(g.day_between(D(f"{year}-03-01"), D(f"{year}-05-31"))), "networking",
                   "“达实有约”品牌活动", off=rng.randint(30, 60))
    g.activity("dashi", "dashi-base", "2023-08-18", "other", "达实大厦知联会、新联会成立仪式", off=120)

    # 达实大厦知联会: 39 members (33 with intermediate or higher titles), none CPC
    g.add_org("dashi-zlh", "达实大厦知联会", "zhilianhui", "community", "440305007", "2023-08-18",
              parent="sz-zlh-nanshan", carrier="building", tags=["深圳市首家楼宇知联会"])
    g.affiliate("aff-dashi-zlh", "dashi-zlh", "dashi-base", "hosted_by", "2023-08-18")
    titles = ["intermediate"] * 17 + ["associate_senior"] * 11 + ["senior"] * 5 + ["junior"] * 4 + ["none"] * 2
    parties = ["zhi_gong"] * 4 + ["jiu_san"] * 3 + [None] * 32
    rng.shuffle(titles)
    zlh = [dashi_person(g, "intellectual", title=t, party=p) for t, p in zip(titles, parties)]
    # president, vice-presidents and secretary-general first
    zlh.sort(key=lambda p: -TITLE_RANK[g.persons[p]["title"]])
    g.populate("dashi-zlh", zlh, founding_share=1.0, founding_flag=True, source="双轨推荐")
    fzlh = D("2023-08-18")
    leaver = next(p for p in reversed(zlh) if TITLE_RANK[g.persons[p]["title"]] >= 2
                  and g.persons[p]["party"] not in ("zhi_gong", "jiu_san"))
    g.leave(leaver, "dashi-zlh", D("2024-03-01"))
    g.join(dashi_person(g, "intellectual", title="associate_senior"), "dashi-zlh", "member", D("2024-03-01"),
           source="双轨推荐")
    g.join(dashi_person(g, "intellectual", title="intermediate"), "dashi-zlh", "member", D("2024-09-06"))
    for pid, post in zip(zlh[:3], ({"body": "cppcc", "level": "district", "from": "2021-09"},
                                   {"body": "npc", "level": "district", "from": "2021-10"},
                                   {"body": "cppcc", "level": "municipal", "from": "2021-12"})):
        g.persons[pid]["political_posts"] = [post]
    g.term("dashi-zlh", 1, "2023-08-18", [(zlh[0], "president")] + [(p, "vice_president") for p in zlh[1:5]])
    for m in range(9, 21):
        y, mo = (2023, m) if m <= 12 else (2024, m - 12)
        g.activity("dashizlh", "dashi-zlh", f"{y}-{mo:02d}", "study", "月度学习交流座谈", off=rng.randint(18, 32))

    # 达实大厦新联会: 42 founding members, later joins in 2024
    g.add_org("dashi-xlh", "达实大厦新联会", "xinlianhui", "community", "440305007", "2023-08-18",
              parent="sz-xlh-nanshan", carrier="building", tags=["深圳市首家楼宇新联会"])
    g.affiliate("aff-dashi-xlh", "dashi-xlh", "dashi-base", "hosted_by", "2023-08-18")
    shared = [p for p in zlh if p != leaver and g.persons[p]["party"] not in ("zhi_gong", "jiu_san")][-6:]
    xlh = [dashi_person(g, "new_stratum") for _ in range(DASHI_XLH_FOUNDING - len(shared))] + shared
    g.populate("dashi-xlh", xlh, founding_share=1.0, founding_flag=True, source="双轨推荐")
    for day in ("2024-01-12", "2024-03-08", "2024-05-17", "2024-09-20", "2024-11-15"):
        g.join(dashi_person(g, "new_stratum"), "dashi-xlh", "member", D(day))
    g.term("dashi-xlh", 1, "2023-08-18", [(xlh[0], "president")] + [(p, "vice_president") for p in xlh[1:6]])
    for date, kind, title in (("2023-10-20", "training", "行业培训：数字经济政策解读"),
                              ("2023-12-15", "consultation", "技术咨询服务日"),
                              ("2024-04-19", "study", "新阶层人士学习座谈"),
                              ("2024-06-21", "public_service", "履行社会责任公益行")):
        g.activity("dashixlh", "dashi-xlh", date, kind, title, off=rng.randint(25, 45))

    # democratic party branches in the building
    for oid, name, founded, party in (("dashi-zhigong", "致公党达实大厦支部", "2021-06-18", "zhi_gong"),
                                      ("dashi-jiusan", "九三学社达实大厦支部", "2022-04-15", "jiu_san")):
        g.add_org(oid, name, "democratic_party_branch", "community", "440305007", founded, carrier="building")
        g.affiliate(f"aff-{oid}", oid, "dashi-base", "hosted_by", founded)
        inside = [p for p in zlh if g.persons[p]["party"] == party]
        people = [dashi_person(g, "new_stratum", party=party) for _ in range(3)] + inside
        g.populate(oid, people, founding_share=0.5, last=D("2024-05-20"))


# --------------------------------------------------------------------------------------------
# Longhua Street chamber of commerce (龙华街道工商联(商会)): 353 member enterprises
# --------------------------------------------------------------------------------------------


def enterprise_cohort(g: Gen, prefix: str, county: str, org: str, *, before: int, on_day: dt.date,
                      left_before: int, leave_on_day: int, after: int, leave_after: int,
                      after_end: dt.date, named=()) -> None:
    """Enterprise members of `org` such that exactly `before + 1` are active on `on_day`:
    `before` joined earlier and stay past it, one joins on that very day; `left_before` joined and
    left before it, `leave_on_day` leave on that day (so are not counted); `after` join later;
    `leave_after` of the counted ones leave after it."""
    rng = g.rng
    f = g.orgs[org]["founded"]
    specs = []  # (start, leave or None, name)
    for i in range(before):
        start = g.day_between(f, on_day - dt.timedelta(days=1))
        name = None
        if i < len(named):
            name, when = named[i]
            start = D(when) if when else start
        specs.append([start, None, name])
    specs.append([on_day, None, None])
    for _ in range(left_before):
        start = g.day_between(f, on_day - dt.timedelta(days=800))
        specs.append([start, g.day_between(start + dt.timedelta(days=200), on_day - dt.timedelta(days=1)), None])
    for _ in range(leave_on_day):
        specs.append([g.day_between(f, on_day - dt.timedelta(days=400)), on_day, None])
    for _ in range(after):
        specs.append([g.day_between(on_day + dt.timedelta(days=1), after_end), None, None])
    counted = [s for s in specs[:before] if s[2] is None]
    for s in rng.sample(counted, leave_after):
        s[1] = g.day_between(on_day + dt.timedelta(days=1), after_end)
    specs.sort(key=lambda s: (s[0], s[1] or dt.date.max))
    for start, end, name in specs:
        eid = g.new_enterprise(prefix, county, name)
        g.join(eid, org, "member_unit", start)
        if end is not None:
            g.leave(eid, org, end)


def build_longhua(g: Gen) -> None:
    rng = g.rng
    g.add_org("lh-chamber", "龙华区工商联", "chamber", "district", "440309", "2017-04-21", tags=["龙华区总商会"])
    g.add_org("lh-street-chamber", "龙华街道工商联(商会)", "chamber", "subdistrict", "440309003", "2018-06-29",
              parent="lh-chamber")
    g.add_org("lh-minzhi-chamber", "民治街道工商联(商会)", "chamber", "subdistrict", "440309002", "2019-03-22",
              parent="lh-chamber")
    g.add_org("lh-dalang-chamber", "大浪街道工商联(商会)", "chamber", "subdistrict", "440309004", "2019-11-15",
              parent="lh-chamber")
    enterprise_cohort(g, "lh", "440309", "lh-street-chamber", before=LH_MEMBERS - 1, on_day=D("2024-06-30"),
                      left_before=8, leave_on_day=1, after=7, leave_after=4, after_end=D("2024-12-31"))
    street = [r[0] for r in g.mem["lh-street-chamber"] if r[3] is None]
    for eid in rng.sample(street, 20):
        start = next(r[2] for r in g.mem["lh-street-chamber"] if r[0] == eid)
        g.join(eid, "lh-chamber", "member_unit", max(start, D("2017-04-21")))
    for _ in range(20):
        g.join(g.new_enterprise("lh", "440309"), "lh-chamber", "member_unit",
               g.day_between(D("2017-04-21"), D("2024-05-31")))
    for org, n in (("lh-minzhi-chamber", 15), ("lh-dalang-chamber", 12)):
        for _ in range(n):
            g.join(g.new_enterprise("lh", "440309"), org, "member_unit",
                   g.day_between(g.orgs[org]["founded"], D("2024-05-31")))
    g.activity("lh", "lh-street-chamber", "2024", "networking",
               "“聚力前行·共会精彩”企业产品交流会（50多家企业参展，达成合作意向51家，与银行、医院、酒店、文旅等企业签署战略合作协议）",
               off=30000)


# --------------------------------------------------------------------------------------------
# Tian'an Cloud Park party committee (天安云谷党委)
# --------------------------------------------------------------------------------------------

ONLINE_GROUP_TOPICS = (
    "跑团", "羽毛球", "篮球", "足球", "读书会", "摄影", "桌游", "徒步", "瑜伽", "飞盘", "骑行", "咖啡", "电竞", "舞蹈",
    "合唱团", "书法", "亲子", "宠物", "青年交友", "创业者", "产品经理", "程序员", "设计师", "人力资源", "财税", "法务",
    "新媒体", "志愿者", "青年党员", "英语角", "围棋", "乒乓球", "游泳", "户外", "烘焙", "美食", "观影", "音乐",
    "汉服", "露营", "健身", "网球", "智能硬件", "数字创意", "绿色环保", "夜跑", "茶艺",
)


def build_tianan(g: Gen) -> None:
    rng = g.rng
    g.add_org("tianan-committee", "天安云谷党委", "party_committee", "subdistrict", "440307013", "2015-07-01",
              carrier="industrial_park", tags=["坂雪岗科技城", "产城融合社区党建"])
    branches = (
        ("tianan-pb-admin", "天安云谷管委办党支部", "2015-09-18", "industrial_park"),
        ("tianan-pb-property", "天安云谷物业党支部", "2015-09-18", "industrial_park"),
        ("tianan-pb-commerce", "天安云谷商圈党支部", "2017-05-12", "industrial_park"),
        ("tianan-pb-joint1", "天安云谷第一联合党支部", "2018-07-01", "industrial_park"),
        ("tianan-pb-joint2", "天安云谷第二联合党支部", "2019-07-01", "industrial_park"),
        ("tianan-pb-rocket", "深圳洛克特视效科技有限公司党支部", "2021-09-10", "private_enterprise"),
    )
    for oid, name, founded, carrier in branches:
        g.add_org(oid, name, "party_branch", "community", "440307013", founded, parent="tianan-committee",
                  carrier=carrier)
        people = [g.new_person("cpc", "440307", employer=("深圳洛克特视效科技有限公司" if "rocket" in oid else None))
                  for _ in range(rng.randint(5, 8))]
        g.populate(oid, people, scheme="party", founding_share=0.6)
    g.add_org("tianan-studio", "天安云谷“两代表一委员”工作室", "advisory_studio", "community", "440307013",
              "2019-04-12", parent="tianan-committee", carrier="industrial_park")
    # online groups: 43 active on 2022-10-21, one closed before, three started later
    topics = list(ONLINE_GROUP_TOPICS)
    rng.shuffle(topics)
    founded = sorted(g.day_between(D("2019-01-01"), D("2022-10-20")) for _ in range(TA_ONLINE_GROUPS))
    plan = [(d, None) for d in founded] + [(D("2019-03-08"), "2021-12-01")]
    plan += [(g.day_between(D("2023-01-01"), D("2023-12-31")), None) for _ in range(3)]
    plan.sort(key=lambda p: p[0])
    for i, ((day, dissolved), topic) in enumerate(zip(plan, topics), 1):
        oid = f"tianan-og-{i:02d}"
        g.add_org(oid, f"天安云谷{topic}社群", "online_group", "community", "440307013", iso(day),
                  parent="tianan-committee", carrier="industrial_park")
        if dissolved:
            g.dissolve(oid, dissolved)
    # enterprises in the park: 546 on 2022-10-21 ("540余家")
    enterprise_cohort(g, "ta", "440307", "tianan-committee", before=TA_ENTERPRISES - 1, on_day=D("2022-10-21"),
                      left_before=12, leave_on_day=1, after=15, leave_after=8, after_end=D("2024-06-30"),
                      named=(("深圳洛克特视效科技有限公司", "2021-06-18"), ("深圳市艾比森光电股份有限公司", None),
                             ("深圳班度科技有限公司", None)))
    # activities: 52 in 2022 serving 12,436 young people; other years not counted
    for year in range(2016, 2021):  # 2021 and 2022 are among the generated ones below
        n = rng.randint(120, 200)
        g.activity("ta", "tianan-committee", iso(g.day_between(D(f"{year}-06-01"), D(f"{year}-06-20"))),
                   "public_service", f"园区党员、青年志愿者无偿献血（第{year - 2015}年）", off=n, served=n)
    for year, n in ((2021, 40), (2022, TA_ACTIVITIES_2022), (2023, 35)):
        specs = []
        for i in range(n):
            kind, title = rng.choice((("training", "“云谷大讲堂”成长成才讲座"), ("training", "“云谷大讲堂”人才政策解读"),
                                      ("networking", "“云谷总动员”青年联谊"), ("other", "“云谷总动员”文体活动"),
                                      ("public_service", "人才关爱服务"), ("study", "党群共建主题学习")))
            served = rng.randint(100, 380)
            specs.append([g.day_between(D(f"{year}-01-05"), D(f"{year}-12-28")), kind, title, served, False])
        specs[0] = [D(f"{year}-06-15"), "public_service", f"园区党员、青年志愿者无偿献血（第{year - 2015}年）", 160, True]
        if year == 2022:
            diff = TA_SERVED_2022 - sum(s[3] for s in specs)
            while diff:
                s = rng.choice(specs)
                step = max(-5, min(5, diff))
                if not s[4] and s[3] + step >= 40:
                    s[3] += step
                    diff -= step
        specs.sort(key=lambda s: s[0])
        for day, kind, title, served, _ in specs:
            online = kind == "training" and rng.random() < 0.3
            g.activity("ta", "tianan-committee", iso(day), kind, title,
                       off=0 if online else served, on=served if online else 0, served=served)
    for date, org, title in (("2021-07-16", "tianan-pb-property", "“夜间文化”小弹唱"),
                             ("2021-09-17", "tianan-pb-commerce", "“夜间文化”皮影戏"),
                             ("2023-05-19", "tianan-pb-property", "“夜间文化”小弹唱"),
                             ("2023-08-11", "tianan-pb-commerce", "“夜间文化”皮影戏")):
        g.activity("ta", org, date, "performance", title, off=rng.randint(80, 200))


# --------------------------------------------------------------------------------------------
# Lucheng District, Wenzhou (鹿城区): 17 同心荟, designations, political arrangements, advice
# --------------------------------------------------------------------------------------------

LC_DISTRICT_TXH = (  # id, name, category, founded, tags (district level, guided by wz-xlh)
    ("lc-txh-xlxzj", "新联心之家·同心荟", "service", "2019-09-20", ["新的社会阶层人士创新创业服务中心"]),
    ("lc-txh-txh", "鹿城新联同馨汇·同心荟", "culture", "2020-06-19", ["“温小侨”国际夏令营研学地"]),
    ("lc-txh-ecafe", "鹿城E咖·同心荟", "service", "2021-05-14", ["“鹿力红人”计划"]),
)
LC_STREET_TXH = (  # id, name, category, street code, founded, tags (subdistrict level, guided by lc-xlh)
    ("lc-txh-shuangjingfang", "双井坊", "youth_entrepreneurship", "330302006", "2021-10-15", None),
    ("lc-txh-qidu", "七都商盟·同心荟", "alliance", "330302023", "2021-03-19", ["“慢七都”商文旅IP"]),
    ("lc-txh-lugang", "鹿港新悦汇·同心荟", "service", "330302024", "2022-05-20", ["楼宇"]),
    ("lc-txh-xinxin", "新新之家·同心荟", "alliance", "330302025", "2020-11-13", ["城市科创园"]),
    ("lc-txh-gongyi", "工艺美术·同心荟", "culture", "330302026", "2020-09-25", ["瓯越文化", "非遗"]),
    ("lc-txh-douyin", "抖音之家·同心荟", "incubation", "330302027", "2020-04-24", ["鞋靴产业电商综合基地"]),
    ("lc-txh-yangyi", "仰义新农人·同心荟", "incubation", "330302028", "2022-09-16", None),
    ("lc-txh-danan", "大南里·新创营", "youth_entrepreneurship", "330302029", "2022-03-25", None),
    ("lc-txh-hunbo218", "218婚博荟", "youth_entrepreneurship", "330302030", "2023-04-21", None),
    ("lc-txh-sanshi", "南郊三师·同心荟", "service", "330302031", "2023-06-16", ["律师、注册会计师、税务师"]),
    ("lc-txh-guanghua", "广化数创·同心荟", "incubation", "330302032", "2023-09-22", None),
    ("lc-txh-fengmen", "丰门鞋服商盟·同心荟", "alliance", "330302033", "2023-11-17", None),
    ("lc-txh-tengqiao", "藤桥乡创·同心荟", "incubation", "330302102", "2024-03-22", None),
    ("lc-txh-shanfu", "山福非遗·同心荟", "culture", "330302105", "2024-06-14", None),
)
LC_ADVICE_TOPICS = (
    "关于推动直播电商规范健康发展的建议", "关于优化营商环境支持新阶层人士创新创业的提案", "关于鹿城非遗技艺传承与活化利用的课题报告",
    "关于七都岛商文旅融合发展的建议", "关于提升楼宇经济服务水平的提案", "关于青年创客公寓保障的建议",
    "关于发挥“三师”专业作用助企纾困的建议", "关于乡村振兴直播带货人才培育的课题报告", "关于鞋业数字化转型的调研报告",
    "关于社区嵌入式托育服务的提案", "关于发展夜间经济的建议", "关于加强网络人士思想政治引领的课题报告",
    "关于千年斗城文化IP打造的建议", "关于科教融汇基地共建的提案", "关于华侨华人子女研学服务的建议",
)


def political_post(rng: random.Random, ended: bool = False, future: bool = False) -> dict:
    body = rng.choice(("npc", "cppcc"))
    level = weighted(rng, {"district": 70, "municipal": 25, "provincial": 5})
    if ended:
        level = "district" if level == "provincial" else level
        return {"body": body, "level": level, "from": {"district": "2016-12", "municipal": "2017-02"}[level],
                "to": {"district": "2021-12", "municipal": "2022-02"}[level]}
    if future:
        return {"body": body, "level": "district", "from": "2025-03"}
    return {"body": body, "level": level,
            "from": {"district": "2021-12", "municipal": "2022-02", "provincial": "2023-01"}[level]}


def build_lucheng(g: Gen) -> None:
    rng = g.rng
    g.add_org("wz-xlh", "温州市新联会", "xinlianhui", "municipal", "3303", "2017-08-25",
              tags=["温州市新的社会阶层人士联合会"])
    g.add_org("lc-xlh", "鹿城区新联会", "xinlianhui", "district", "330302", "2018-06-22", parent="wz-xlh")
    g.add_org("oh-xlh", "瓯海区新联会", "xinlianhui", "district", "330304", "2018-10-19", parent="wz-xlh")
    g.add_org("lc-txh-live", "鹿城直播联盟·同心荟", "tongxinhui", "district", "330302", "2019-05-17", parent="wz-xlh",
              category="incubation")
    for oid, name, cat, founded, tags in LC_DISTRICT_TXH:
        g.add_org(oid, name, "tongxinhui", "district", "330302", founded, parent="wz-xlh", category=cat, tags=tags)
    for oid, name, cat, code, founded, tags in LC_STREET_TXH:
        g.add_org(oid, name, "tongxinhui", "subdistrict", code, founded, parent="lc-xlh", category=cat, tags=tags)
    g.add_org("lc-txh-wuma", "五马街潮·同心荟", "tongxinhui", "subdistrict", "330302006", "2025-03-14",
              parent="lc-xlh", category="culture")
    g.add_org("oh-txh-wutian", "梧田新联·同心荟", "tongxinhui", "subdistrict", "330304002", "2021-08-20",
              parent="oh-xlh", category="service")
    lc_orgs = ["lc-xlh"] + [t[0] for t in LC_DISTRICT_TXH] + [t[0] for t in LC_STREET_TXH]

    def wz(n, county="330302", **kw):
        return [g.new_person("new_stratum", county, wz=True, **kw) for _ in range(n)]

    last = D("2024-12-15")
    lc_members = wz(44)
    g.populate("lc-xlh", lc_members, founding_share=0.65, founding_flag=True, last=last, source="双轨推荐")
    for oid, cat in [(t[0], t[2]) for t in LC_DISTRICT_TXH] + [(t[0], t[2]) for t in LC_STREET_TXH]:
        stratum = {"incubation": "new_media", "culture": "freelancer"}.get(cat)
        own = wz(rng.randint(5, 8), stratum=stratum)
        shared = rng.sample(lc_members, rng.randint(3, 5))
        g.populate(oid, own + shared, founding_share=0.6, last=max(last, g.orgs[oid]["founded"]))
    # the dissolved one: its only-there member keeps a political post but is no longer counted
    gone = wz(1, stratum="new_media")[0]
    g.populate("lc-txh-live", [gone] + wz(7, stratum="new_media"), founding_share=0.8, last=D("2022-06-30"))
    g.dissolve("lc-txh-live", "2023-01-01")
    # a member who left the district association in 2024
    left = wz(1)[0]
    g.join(left, "lc-xlh", "member", D("2019-04-12"))
    g.leave(left, "lc-xlh", D("2024-08-01"))
    # the municipal association: some Lucheng members, many from elsewhere in Wenzhou
    elsewhere = [g.new_person("new_stratum", rng.choice(("330303", "330304", "330324", "330381")), wz=True)
                 for _ in range(20)]
    g.populate("wz-xlh", elsewhere + rng.sample(lc_members, 10), founding_share=0.5, last=last)
    oh = wz(12, "330304")
    g.populate("oh-xlh", oh, founding_share=0.6, last=last)
    g.populate("oh-txh-wutian", wz(4, "330304") + oh[-4:], founding_share=0.6, last=last)
    g.populate("lc-txh-wuma", wz(6), founding_share=1.0, founding_flag=True)

    # political arrangements: 27 distinct counted persons on 2025-01-01
    day = D("2025-01-01")
    active = sorted({p for o in lc_orgs for p in g.members_on(o, day)})
    held = sorted(rng.sample(active, LC_POLITICAL))
    for pid in held:
        g.persons[pid]["political_posts"] = [political_post(rng)]
    for pid in rng.sample(held, 5):  # re-elected: an older post as well
        g.persons[pid]["political_posts"].insert(0, political_post(rng, ended=True))
    rest = sorted(set(active) - set(held))
    others = rng.sample(rest, 5)
    for pid in others[:4]:  # posts that ended before 2025
        g.persons[pid]["political_posts"] = [political_post(rng, ended=True)]
    g.persons[others[4]]["political_posts"] = [political_post(rng, future=True)]
    for pid in [gone, left] + rng.sample(elsewhere, 3):  # held, but not counted (not a member in Lucheng)
        g.persons[pid]["political_posts"] = [political_post(rng)]

    # designations
    g.designation("lc-d1", "lc-txh-xlxzj", "practice_innovation_base", "全国新的社会阶层人士统战工作实践创新基地",
                  "national", "中央统战部", "2022-12")
    g.designation("lc-d2", "lc-txh-douyin", "practice_innovation_base", "浙江省新的社会阶层人士统战工作实践创新基地（同心荟）",
                  "provincial", "浙江省委统战部", "2022-08")
    g.designation("lc-d3", "lc-txh-xinxin", "practice_innovation_base", "浙江省新的社会阶层人士统战工作实践创新基地（同心荟）",
                  "provincial", "浙江省委统战部", "2023-11")
    g.designation("lc-d4", "lc-txh-qidu", "practice_innovation_base", "温州市新的社会阶层人士统战工作实践创新基地",
                  "municipal", "温州市委统战部", "2021-06")
    g.designation("lc-d5", "lc-txh-gongyi", "practice_innovation_base", "温州市新的社会阶层人士统战工作实践创新基地",
                  "municipal", "温州市委统战部", "2022-05")
    g.designation("lc-d6", "lc-txh-live", "practice_innovation_base", "浙江省新的社会阶层人士统战工作实践创新基地（同心荟）",
                  "provincial", "浙江省委统战部", "2020-10")
    g.c_revoke.append({"type": "revoke_designation", "id": "lc-d6", "date": "2022-12"})

    # terms
    for org, starts in (("wz-xlh", ("2017-08-25", "2022-08-26")), ("lc-xlh", ("2018-06-22", "2023-06-21"))):
        pres = next(r[0] for r in g.mem[org] if r[1] == "president")
        sg = next(r[0] for r in g.mem[org] if r[1] == "secretary_general")
        for n, start in enumerate(starts, 1):
            g.term(org, n, start, [(pres, "president"), (sg, "secretary_general")])

    # advice: 56 in 2024 on the Lucheng organizations, some in 2023 and 2025, some municipal
    weights = {o: (6 if o == "lc-xlh" else 2) for o in lc_orgs}

    def advice_on(org, lo, hi, prefix="lc"):
        f = g.orgs[org]["founded"]
        d = g.day_between(max(lo, f), hi)
        date = iso(d)
        if rng.random() < 0.3 and dt.date(d.year, d.month, 1) >= f:
            date = f"{d.year}-{d.month:02d}"
        members = g.members_on(org, d)
        authors = sorted(rng.sample(members, min(len(members), rng.randint(1, 2))))
        kind = weighted(rng, {"research_report": 30, "proposal": 35, "advice": 35})
        g.advice(prefix, org, date, kind, rng.choice(LC_ADVICE_TOPICS), authors=authors,
                 adopted=rng.random() < 0.5 if rng.random() < 0.7 else None)

    def pick(lo):
        orgs = [o for o in lc_orgs if g.orgs[o]["founded"] <= lo]
        return rng.choices(orgs, weights=[weights[o] for o in orgs], k=1)[0]

    specs = [(pick(D("2023-12-31")), D("2023-01-01"), D("2023-12-31")) for _ in range(18)]
    specs += [(pick(D("2024-12-31")), D("2024-01-01"), D("2024-12-31")) for _ in range(LC_ADVICE_2024)]
    specs += [(pick(D("2025-03-31")), D("2025-01-02"), D("2025-03-31")) for _ in range(4)]
    for org, lo, hi in specs:
        advice_on(org, lo, hi)
    for _ in range(6):
        advice_on("wz-xlh", D("2024-01-01"), D("2024-12-31"), prefix="wz")
    for _ in range(2):
        advice_on("lc-txh-live", D("2021-01-01"), D("2022-10-31"))

    # a few activities
    acts = (("lc-txh-douyin", "training", "直播电商校企合作实训", 120), ("lc-txh-xinxin", "study", "同心讲坛", 80),
            ("lc-txh-gongyi", "other", "工艺美术非遗技艺展", 200), ("lc-txh-xlxzj", "consultation", "“三师”礼包送企业", 50),
            ("lc-txh-ecafe", "public_service", "“鹿力红人”助农直播", 60), ("lc-xlh", "study", "鹿力同心大讲堂", 150),
            ("lc-xlh", "advice_meeting", "“鹿力同心·我建言”围炉煮茶", 40), ("lc-txh-qidu", "networking", "七都商盟交流会", 60))
    for org, kind, title, n in acts:
        for _ in range(3):
            d = g.day_between(max(g.orgs[org]["founded"], D("2023-01-01")), D("2024-12-20"))
            g.activity("lc", org, iso(d), kind, title, off=rng.randint(n // 2, n), served=rng.randint(n // 2, n))


def build() -> list[dict]:
    g = Gen()
    build_sz_zlh(g)
    build_sz_xlh(g)
    build_dashi(g)
    build_longhua(g)
    build_tianan(g)
    build_lucheng(g)
    return g.commands()


def serialize(cmds: list[dict]) -> str:
    return "".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n" for c in cmds)


# --------------------------------------------------------------------------------------------
# Self-check: a brute-force replay of the commands, independent of the Rust code
# --------------------------------------------------------------------------------------------

KINDS = {"zhilianhui", "xinlianhui", "wanglianhui", "returned_scholars", "tongxinhui", "base",
         "democratic_party_branch", "party_committee", "party_branch", "chamber", "advisory_studio",
         "special_committee", "online_group", "other"}
CARRIERS = {"building", "industrial_park", "state_enterprise", "private_enterprise", "research_institute",
            "university", "hospital", "health_system", "education_system", "community"}
ROLES = {"president", "vice_president", "secretary_general", "deputy_secretary_general", "standing_council",
         "council", "member", "secretary", "deputy_secretary", "committee_member", "member_unit"}
PARTIES = {"cpc", "non_party", "mass", *DEMOCRATIC_PARTIES}
STRATA = {"none", "private_enterprise_staff", "intermediary_staff", "freelancer", "new_media"}
EDUCATION = {"compulsory", "secondary", "college", "bachelor", "master", "doctorate"}
ACTIVITY_KINDS = {"study", "training", "consultation", "advice_meeting", "public_service", "reception",
                  "performance", "networking", "other"}


class Check:
    """A tiny registry: replays the commands, enforcing the structural rules."""

    def __init__(self) -> None:
        self.orgs: dict[str, dict] = {}
        self.persons: dict[str, dict] = {}
        self.ents: dict[str, dict] = {}
        self.affs: dict[str, dict] = {}
        self.desig: dict[str, dict] = {}
        self.acts: dict[str, dict] = {}
        self.adv: dict[str, dict] = {}
        self.terms: dict[str, list[dict]] = defaultdict(list)
        self.mem: dict[str, list[dict]] = defaultdict(list)  # org -> memberships {ref, role, start, end, founding}

    # ---------------------------------------------------------------- queries
    def org_active(self, oid: str, day: dt.date) -> bool:
        o = self.orgs[oid]
        return active_on(o["founded"], o["dissolved"], day)

    def parent_on(self, oid: str, day: dt.date):
        for parent, rel, frm, to in self.orgs[oid]["links"]:
            if active_on(frm, to, day):
                return parent, rel
        return None, None

    def subtree(self, root: str, day: dt.date) -> list[str]:
        if not self.org_active(root, day):
            return []
        children = defaultdict(list)
        for oid in self.orgs:
            if self.org_active(oid, day):
                parent, _ = self.parent_on(oid, day)
                if parent:
                    children[parent].append(oid)
        out, stack = [], [root]
        while stack:
            o = stack.pop()
            out.append(o)
            stack.extend(children[o])
        return out

    def members(self, oid: str, day: dt.date, rollup: bool = True) -> set[tuple]:
        """Distinct members active on `day`, including those of part-of descendants."""
        found = {tuple(m["ref"].items())[0] for m in self.mem[oid] if active_on(m["start"], m["end"], day)}
        if rollup:
            for c in self.orgs:
                if self.org_active(c, day) and self.parent_on(c, day) == (oid, "part_of"):
                    found |= self.members(c, day)
        return found

    # ---------------------------------------------------------------- replay
    def apply(self, c: dict, where: str) -> None:
        t = c["type"]
        fn = getattr(self, "do_" + t, None)
        assert fn is not None, f"{where}: unknown command"
        fn(c, where)

    def check_in_life(self, oid: str, p: str, where: str) -> None:
        assert oid in self.orgs, f"{where}: unknown organization {oid}"
        lo, hi = pd_bounds(p)
        o = self.orgs[oid]
        assert lo >= o["founded"], f"{where}: {p} before {oid} was founded"
        assert o["dissolved"] is None or hi < o["dissolved"], f"{where}: {p} after {oid} was dissolved"

    def do_add_person(self, c, where):
        p = c["person"]
        assert p["id"] not in self.persons, f"{where}: duplicate person {p['id']}"
        assert p["party"] in PARTIES and p["title"] in TITLE_RANK and p["stratum"] in STRATA, where
        assert p.get("education", "bachelor") in EDUCATION and isinstance(p["returned_overseas"], bool), where
        if "birth" in p:
            pd_bounds(p["birth"])
        if "resident_id" in p:
            rid = p["resident_id"]
            assert resident_id_valid(rid), f"{where}: bad resident ID {rid}"
            assert len(p["birth"]) == 10 and rid[6:14] == p["birth"].replace("-", ""), f"{where}: birth mismatch"
            assert int(rid[16]) % 2 == (1 if p["sex"] == "male" else 0), f"{where}: sex digit"
            assert rid[:6] in DIVISIONS and len(rid[:6]) == 6, f"{where}: address code {rid[:6]}"
        for post in p.get("political_posts", []):
            assert post["body"] in ("npc", "cppcc") and post["level"] in LEVELS, where
            for k in ("from", "to"):
                if k in post:
                    pd_bounds(post[k])
        self.persons[p["id"]] = p

    def do_add_enterprise(self, c, where):
        e = c["enterprise"]
        assert e["id"] not in self.ents, f"{where}: duplicate enterprise"
        assert uscc_valid(e["credit_code"]), f"{where}: bad credit code {e['credit_code']}"
        assert e["credit_code"][2:8] in DIVISIONS, where
        self.ents[e["id"]] = e

    def do_add_organization(self, c, where):
        o = c["org"]
        oid = o["id"]
        assert oid not in self.orgs, f"{where}: duplicate organization {oid}"
        assert o["name"], where
        assert o["kind"] in KINDS and o["level"] in LEVELS, where
        assert o["division_code"] in DIVISIONS or o["division_code"] == "00", where
        assert o.get("carrier", "building") in CARRIERS, where
        assert "dissolved" not in o, where
        f = D(o["founded"])
        parent, rel = c.get("parent"), c.get("relation", "guidance")
        assert rel in ("guidance", "part_of"), where
        if parent:
            assert parent in self.orgs, f"{where}: parent {parent} not defined earlier"
            p = self.orgs[parent]
            assert o["division_code"].startswith(p["rec"]["division_code"]), f"{where}: division outside parent's"
            assert self.org_active(parent, f), f"{where}: parent not active on {f}"
            if rel == "guidance":
                assert LEVEL_RANK[o["level"]] > LEVEL_RANK[p["rec"]["level"]], f"{where}: guidance level order"
            else:
                assert LEVEL_RANK[o["level"]] >= LEVEL_RANK[p["rec"]["level"]], f"{where}: part_of level order"
                assert o["kind"] in (p["rec"]["kind"], "special_committee"), f"{where}: part_of kind"
        else:
            assert "relation" not in c, where
        self.orgs[oid] = {"rec": o, "founded": f, "dissolved": None, "links": [[parent, rel, f, None]]}

    def do_dissolve_organization(self, c, where):
        oid, d = c["id"], D(c["date"])
        o = self.orgs[oid]
        assert o["dissolved"] is None and d > o["founded"], where
        for cid, co in self.orgs.items():
            for parent, _, frm, to in co["links"]:
                if parent == oid and (to is None or to > d) and (co["dissolved"] is None or co["dissolved"] > d):
                    raise AssertionError(f"{where}: child {cid} still active")
        o["dissolved"] = d
        for m in self.mem[oid]:
            if m["end"] is None:
                m["end"] = d
            assert m["end"] <= d, where
        for a in self.affs.values():
            if oid in (a["org"], a["other"]):
                assert a["to"] is None or a["to"] <= d, where
                if a["to"] is None:
                    a["to"] = d

    def do_add_affiliation(self, c, where):
        a = dict(c["affiliation"])
        assert a["id"] not in self.affs, where
        assert a["kind"] in ("hosted_by", "partner", "other"), where
        for k in ("org", "other"):
            self.check_in_life(a[k], a["from"], where)
        a["from"], a["to"] = D(a["from"]), None
        self.affs[a["id"]] = a

    def do_start_term(self, c, where):
        oid, t = c["org"], c["term"]
        assert oid in self.orgs and "end" not in t, where
        prev = self.terms[oid]
        assert t["number"] == len(prev) + 1, f"{where}: term numbers go 1, 2, …"
        start = D(t["start"])
        assert self.org_active(oid, start), where
        if prev:
            assert start > prev[-1]["start"], where
            prev[-1]["end"] = start
        for post in t.get("posts", []):
            assert post["person"] in self.persons and post["role"] in ROLES, where
        prev.append({"number": t["number"], "start": start, "years": t["statutory_years"], "end": None})

    def add_membership(self, ref: dict, oid: str, role: str, start: dt.date, end, founding: bool, where: str):
        assert oid in self.orgs, f"{where}: unknown organization {oid}"
        assert role in ROLES, where
        (kind, mid), = ref.items()
        assert mid in (self.persons if kind == "person" else self.ents), f"{where}: unknown member {mid}"
        o = self.orgs[oid]
        assert start >= o["founded"], f"{where}: joins before the founding"
        assert o["dissolved"] is None or start < o["dissolved"], f"{where}: joins after dissolution"
        assert end is None or end > start, where
        for m in self.mem[oid]:
            if m["ref"] == ref:
                overlap = (m["end"] is None or start < m["end"]) and (end is None or m["start"] < end)
                assert not overlap, f"{where}: overlapping membership of {mid} in {oid}"
            if role == "president" and m["role"] == "president":
                overlap = (m["end"] is None or start < m["end"]) and (end is None or m["start"] < end)
                assert not overlap, f"{where}: two presidents of {oid}"
        self.mem[oid].append({"ref": ref, "role": role, "start": start, "end": end, "founding": founding})

    def do_join(self, c, where):
        m = c["membership"]
        self.add_membership(m["member"], m["org"], m["role"], D(m["start"]), D(m["end"]) if "end" in m else None,
                            m["founding"], where)

    def open_membership(self, ref, oid, day, where) -> dict:
        for m in self.mem[oid]:
            if m["ref"] == ref and m["end"] is None and m["start"] < day:
                return m
        raise AssertionError(f"{where}: no open membership")

    def do_leave(self, c, where):
        self.open_membership(c["member"], c["org"], D(c["date"]), where)["end"] = D(c["date"])

    def do_change_role(self, c, where):
        day = D(c["date"])
        self.open_membership(c["member"], c["org"], day, where)["end"] = day
        self.add_membership(c["member"], c["org"], c["role"], day, None, False, where)

    def do_record_designation(self, c, where):
        d = c["designation"]
        assert d["id"] not in self.desig and d["level"] in LEVELS, where
        self.check_in_life(d["org"], d["conferred"], where)
        self.desig[d["id"]] = dict(d)

    def do_revoke_designation(self, c, where):
        d = self.desig[c["id"]]
        assert "revoked" not in d and pd_bounds(c["date"])[0] > pd_bounds(d["conferred"])[1], where
        d["revoked"] = c["date"]

    def do_record_activity(self, c, where):
        a = c["activity"]
        assert a["id"] not in self.acts and a["kind"] in ACTIVITY_KINDS, where
        self.check_in_life(a["org"], a["date"], where)
        self.acts[a["id"]] = a

    def do_record_advice(self, c, where):
        a = c["advice"]
        assert a["id"] not in self.adv and a["kind"] in ("advice", "proposal", "research_report"), where
        self.check_in_life(a["org"], a["date"], where)
        for p in a.get("authors", []):
            assert p in self.persons, f"{where}: unknown author {p}"
        self.adv[a["id"]] = a


def certainly_within(p: str, lo: dt.date, hi: dt.date) -> bool:
    a, b = pd_bounds(p)
    return lo <= a and b <= hi


def certainly_outside(p: str, lo: dt.date, hi: dt.date) -> bool:
    a, b = pd_bounds(p)
    return b < lo or a > hi


def no_nulls(x, where) -> None:
    if isinstance(x, dict):
        for k, v in x.items():
            assert v is not None, f"{where}: null {k}"
            no_nulls(v, where)
    elif isinstance(x, list):
        for v in x:
            no_nulls(v, where)


def load_real_codes() -> dict[str, str] | None:
    if not DIVISIONS_DIR.is_dir():
        return None
    codes = {}
    for name in ("province", "city", "county", "street", "village"):
        with open(DIVISIONS_DIR / f"{name}.csv", encoding="utf-8") as fh:
            next(fh)
            for line in fh:
                code, name, _ = line.rstrip("\n").split(",", 2)
                if code[:2] in ("44", "33"):
                    codes[code] = name
    return codes


def self_check(cmds: list[dict], text: str) -> list[tuple[str, str, str, object]]:
    """Replay and assert every fact; returns the facts table (fact, ids, as of, value)."""
    chk = Check()
    for n, c in enumerate(cmds, 1):
        where = f"line {n} ({c['type']})"
        no_nulls(c, where)
        chk.apply(c, where)
    facts: list[tuple[str, str, str, object]] = []

    def fact(name, ids, asof, value):
        facts.append((name, ids, asof, value))
        return value

    # -- file-level
    lines = text.splitlines()
    assert len(lines) == len(cmds) and all(json.loads(l) == c for l, c in zip(lines, cmds))
    assert len(text.encode("utf-8")) < 3_000_000, "file too large"
    real = load_real_codes()
    if real is not None:
        for code, name in DIVISIONS.items():
            assert real.get(code) == name, f"division code {code} {name} not in {DIVISIONS_DIR}"
    with_rid = sum("resident_id" in p for p in chk.persons.values())
    assert 0.25 <= with_rid / len(chk.persons) <= 0.42, with_rid / len(chk.persons)
    assert len({p["resident_id"] for p in chk.persons.values() if "resident_id" in p}) == with_rid
    assert len({e["credit_code"] for e in chk.ents.values()}) == len(chk.ents)
    names = [p.get("name") for p in chk.persons.values()]
    assert len(set(names)) == len(names), "person names repeat"
    D_ = D
    O = chk.orgs

    # -- Dashi Building
    base = O["dashi-base"]["rec"]
    assert (base["kind"], base["level"], base["division_code"], base["carrier"], base["founded"]) == \
        ("base", "community", "440305007", "building", "2016-09-01")
    assert base["facilities"] == {"area_m2": 1600, "rooms": 4} and O["dashi-base"]["links"][0][0] is None
    fact("达实大厦楼宇统战基地 area / rooms", "dashi-base", "—", "1600 m², 4 rooms")
    expected = {
        "dashi-d1": ("pilot_unit", "district", "2016-09", None),
        "dashi-d2": ("pilot_unit", "municipal", "2017-08", 1),
        "dashi-d3": ("advanced_unit", "district", "2018-07", None),
        "dashi-d4": ("practice_innovation_base", "district", "2022-11", None),
        "dashi-d5": ("practice_innovation_base", "municipal", "2023-06", 2),
    }
    for did, (title, level, conferred, batch) in expected.items():
        d = chk.desig[did]
        assert (d["org"], d["title"], d["level"], d["conferred"], d.get("batch")) == \
            ("dashi-base", title, level, conferred, batch), did
    recs = [a for a in chk.acts.values() if a["org"] == "dashi-base" and a["kind"] == "reception"]
    lo, hi = D_("2017-08-01"), D_("2023-06-30")
    assert all(certainly_within(a["date"], lo, hi) or certainly_outside(a["date"], lo, hi) for a in recs)
    inwin = [a for a in recs if certainly_within(a["date"], lo, hi)]
    assert len(inwin) == DASHI_RECEPTIONS and all(a["delegations"] == 1 for a in inwin)
    fact("receptions 2017-08..2023-06 (activities / delegations)", "dashi-base", "2017-08-01..2023-06-30",
         f"{len(inwin)} / {sum(a['delegations'] for a in inwin)}")
    visitors = sum(a["participants_offline"] for a in inwin)
    assert visitors == DASHI_VISITORS and 1000 <= visitors <= 1099
    fact("visitors received (participants_offline)", "dashi-base", "2017-08-01..2023-06-30", visitors)
    fact("receptions, all dates", "dashi-base", "all", len(recs))
    zlh = O["dashi-zlh"]
    assert (zlh["rec"]["kind"], zlh["rec"]["level"], zlh["rec"]["division_code"], zlh["rec"]["carrier"],
            zlh["rec"]["founded"]) == ("zhilianhui", "community", "440305007", "building", "2023-08-18")
    assert zlh["links"][0][:2] == ["sz-zlh-nanshan", "guidance"]
    assert any(a["org"] == "dashi-zlh" and a["other"] == "dashi-base" and a["kind"] == "hosted_by"
               for a in chk.affs.values())
    for day in ("2023-08-21", "2024-05-31"):
        ms = chk.members("dashi-zlh", D_(day))
        assert len(ms) == DASHI_ZLH_MEMBERS, (day, len(ms))
        people = [chk.persons[mid] for _, mid in ms]
        qualified = sum(TITLE_RANK[p["title"]] >= 2 for p in people)
        assert qualified == DASHI_ZLH_QUALIFIED and qualified / len(people) >= 0.6
        assert not any(p["party"] == "cpc" for p in people)
        fact("达实大厦知联会 members", "dashi-zlh", day, len(ms))
        fact("… of which intermediate-or-higher title (CPC: 0)", "dashi-zlh", day,
             f"{qualified} ({qualified / len(people):.1%})")
    fact("达实大厦知联会 members", "dashi-zlh", "2024-12-31", len(chk.members("dashi-zlh", D_("2024-12-31"))))
    xlh = O["dashi-xlh"]
    assert xlh["links"][0][:2] == ["sz-xlh-nanshan", "guidance"] and xlh["rec"]["founded"] == "2023-08-18"
    assert any(a["org"] == "dashi-xlh" and a["other"] == "dashi-base" and a["kind"] == "hosted_by"
               for a in chk.affs.values())
    founding = {m["ref"]["person"] for m in chk.mem["dashi-xlh"] if m["founding"]}
    assert all(m["start"] == D_("2023-08-18") for m in chk.mem["dashi-xlh"] if m["founding"])
    assert len(founding) == DASHI_XLH_FOUNDING
    assert all(chk.persons[p]["stratum"] != "none" for p in founding)
    fact("达实大厦新联会 founding members (founding: true)", "dashi-xlh", "—", len(founding))
    for day in ("2023-08-21", "2024-05-31", "2024-12-31"):
        fact("达实大厦新联会 members", "dashi-xlh", day, len(chk.members("dashi-xlh", D_(day))))
    assert len(chk.members("dashi-xlh", D_("2024-12-31"))) != DASHI_XLH_FOUNDING
    for oid in ("dashi-zhigong", "dashi-jiusan"):
        assert any(a["org"] == oid and a["other"] == "dashi-base" for a in chk.affs.values())
        assert O[oid]["rec"]["kind"] == "democratic_party_branch"

    # -- Shenzhen zhilianhui
    day = D_("2024-05-31")
    assert O["sz-zlh"]["rec"]["level"] == "municipal" and O["sz-zlh"]["links"][0][0] is None
    tree = chk.subtree("sz-zlh", day)
    zl = [o for o in tree if O[o]["rec"]["kind"] == "zhilianhui"]
    assert "sz-zlh" in zl and "dashi-zlh" in zl
    assert len(zl) == SZ_ZLH_COUNT, len(zl)
    fact("知联会 organizations in the Shenzhen tree (kind zhilianhui, subtree incl. root)", "sz-zlh", "2024-05-31", len(zl))
    for d2 in ("2021-12-31", "2023-12-31", "2024-12-31"):
        fact("… same count", "sz-zlh", d2,
             sum(O[o]["rec"]["kind"] == "zhilianhui" for o in chk.subtree("sz-zlh", D_(d2))))
    for suf, (code, _) in SZ_DISTRICTS.items():
        r = O[f"sz-zlh-{suf}"]
        assert (r["rec"]["level"], r["rec"]["division_code"], r["links"][0][0]) == ("district", code, "sz-zlh")
    covered = {O[o]["rec"]["division_code"][:6] for o in zl if O[o]["rec"]["level"] == "district"}
    assert covered >= set(SZ_COUNTIES)
    fact("district coverage of 知联会 (districts of 4403 with one)", "sz-zlh", "2024-05-31", "9 / 9")
    fs = O["sz-zlh-futian-street"]
    assert (fs["rec"]["kind"], fs["rec"]["level"], fs["rec"]["division_code"], fs["rec"]["founded"]) == \
        ("zhilianhui", "subdistrict", "440304004", "2024-05-07")
    assert fs["links"][0][:2] == ["sz-zlh-futian", "part_of"]
    pres = [m for m in chk.mem["sz-zlh-futian-street"] if m["role"] == "president"
            and active_on(m["start"], m["end"], D_("2024-05-07"))]
    assert len(pres) == 1 and chk.persons[pres[0]["ref"]["person"]]["name"] == "江世清"
    sz_zl_all = [o for o in O if O[o]["rec"]["kind"] == "zhilianhui" and O[o]["rec"]["division_code"].startswith("4403")]
    first_sub = sorted((O[o]["founded"], o) for o in sz_zl_all if O[o]["rec"]["level"] == "subdistrict")
    assert first_sub[0] == (D_("2024-05-07"), "sz-zlh-futian-street") and first_sub[1][0] > D_("2024-05-07")
    fact("first subdistrict-level 知联会 (founded; president 江世清 = p-jiangshiqing)", "sz-zlh-futian-street",
         "—", "2024-05-07")
    fact("福田区知联会福田街道分会 members", "sz-zlh-futian-street", "2024-05-31",
         len(chk.members("sz-zlh-futian-street", day)))
    by_carrier = defaultdict(int)
    for o in zl:
        by_carrier[O[o]["rec"].get("carrier")] += 1
    assert by_carrier["hospital"] == 12 and by_carrier["state_enterprise"] == 1 and by_carrier["research_institute"] == 1
    for k in ("hospital", "state_enterprise", "research_institute", "university", "building", "industrial_park",
              "community", "health_system", "education_system"):
        fact(f"… carrier {k}", "sz-zlh", "2024-05-31", by_carrier[k])
    by_level = defaultdict(int)
    for o in zl:
        by_level[O[o]["rec"]["level"]] += 1
    fact("… by level", "sz-zlh", "2024-05-31", ", ".join(f"{k} {by_level[k]}" for k in LEVELS if by_level[k]))
    assert any(O[o]["dissolved"] and O[o]["dissolved"] <= day for o in sz_zl_all)
    assert any(O[o]["founded"] > day for o in sz_zl_all)
    for o in zl:
        ms = chk.members(o, day)
        assert len(ms) >= 5, (o, len(ms))
        people = [chk.persons[mid] for _, mid in ms]
        assert not any(p["party"] == "cpc" for p in people), o
        assert sum(TITLE_RANK[p["title"]] >= 2 for p in people) / len(people) >= 0.6, o
    distinct = set().union(*(chk.members(o, day) for o in tree))
    fact("distinct persons in the sz-zlh subtree", "sz-zlh", "2024-05-31", len(distinct))
    assert O["siat-wrsa"]["rec"]["kind"] == "returned_scholars"
    yantian = [t for t in chk.terms["sz-zlh-yantian"]]
    overdue = sorted(o for o, ts in chk.terms.items()
                     if ts[-1]["end"] is None and ts[-1]["start"] <= day and day >= add_years(ts[-1]["start"], ts[-1]["years"]))
    assert overdue == ["sz-zlh-yantian"] and len(yantian) == 1
    assert [t["number"] for t in chk.terms["sz-zlh"]] == [1, 2, 3]
    fact("councils overdue for re-election (换届)", "sz-zlh-yantian (term 1 from 2017-06-20, due 2022-06-20)",
         "2024-05-31", ", ".join(overdue))

    # -- Shenzhen xinlianhui: "鹏城新力"
    lo, hi = D_("2019-01-01"), D_("2022-10-31")
    sub = set(chk.subtree("sz-xlh", hi))
    assert sub == set(chk.subtree("sz-xlh", D_("2024-05-31"))) - {"sz-xlh-ai", "dashi-xlh"}
    sacts = [a for a in chk.acts.values() if a["org"] in sub]
    assert all(certainly_within(a["date"], lo, hi) or certainly_outside(a["date"], lo, hi) for a in sacts)
    win = [a for a in sacts if certainly_within(a["date"], lo, hi)]
    total = sum(a["participants_offline"] + a["participants_online"] for a in win)
    assert len(win) == PCXL_ACTIVITIES and 3001 <= len(win) <= 3099
    assert total == PCXL_PARTICIPANTS and 90001 <= total <= 99999
    assert any(certainly_outside(a["date"], lo, hi) and pd_bounds(a["date"])[1] < lo for a in sacts)
    gala = [a for a in win if "礼赞新中国" in a["title"]]
    assert len(gala) == 1 and gala[0]["date"] == "2019-08" and gala[0]["participants_online"] == 0
    fact("“鹏城新力” activities in the sz-xlh subtree", "sz-xlh", "2019-01-01..2022-10-31 (tree as of 2022-10-31)",
         len(win))
    fact("… participants (offline + online)", "sz-xlh", "2019-01-01..2022-10-31", total)
    fact("… all activities in the subtree, any date", "sz-xlh", "all", len(sacts))
    base_in = [a for a in chk.acts.values() if a["org"] == "pcxl-base" and certainly_within(a["date"], lo, hi)]
    fact("pcxl-base activities in the window (affiliated, NOT in the subtree)", "pcxl-base", "2019-01-01..2022-10-31",
         len(base_in))

    # -- Longhua Street chamber
    day = D_("2024-06-30")
    lh = O["lh-street-chamber"]
    assert (lh["rec"]["kind"], lh["rec"]["level"], lh["rec"]["division_code"]) == ("chamber", "subdistrict", "440309003")
    assert lh["links"][0][:2] == ["lh-chamber", "guidance"] and O["lh-chamber"]["links"][0][0] is None
    act = [m for m in chk.mem["lh-street-chamber"] if active_on(m["start"], m["end"], day)]
    assert all("enterprise" in m["ref"] and m["role"] == "member_unit" for m in act)
    assert all(chk.ents[m["ref"]["enterprise"]]["credit_code"][2:8] == "440309" for m in chk.mem["lh-street-chamber"])
    assert len({m["ref"]["enterprise"] for m in act}) == LH_MEMBERS
    fact("龙华街道工商联(商会) member enterprises", "lh-street-chamber", "2024-06-30", LH_MEMBERS)
    for d2 in ("2023-12-31", "2024-12-31"):
        fact("… same", "lh-street-chamber", d2, len(chk.members("lh-street-chamber", D_(d2))))

    # -- Lucheng
    day = D_("2025-01-01")
    wz = chk.subtree("wz-xlh", day)
    scope = [o for o in wz if O[o]["rec"]["division_code"].startswith("330302")]
    txh = [o for o in scope if O[o]["rec"]["kind"] == "tongxinhui"]
    assert len(txh) == LC_TONGXINHUI
    dist = [o for o in txh if O[o]["rec"]["level"] == "district"]
    subd = [o for o in txh if O[o]["rec"]["level"] == "subdistrict"]
    assert len(dist) == 3 and all(O[o]["rec"]["division_code"] == "330302" and chk.parent_on(o, day)[0] == "wz-xlh"
                                  for o in dist)
    assert len(subd) == 14 and all(chk.parent_on(o, day)[0] == "lc-xlh" for o in subd)
    assert sorted(O[o]["rec"]["division_code"] for o in subd) == sorted(LUCHENG_STREETS)
    cats = defaultdict(int)
    for o in txh:
        cats[O[o]["rec"]["category"]] += 1
    assert len(cats) == 5
    fact("同心荟 in Lucheng (wz-xlh subtree, division 330302*)", "wz-xlh / lc-xlh", "2025-01-01",
         f"{len(txh)} (district 3, subdistrict 14 covering 14/14 towns and streets)")
    fact("… by category", "", "2025-01-01", ", ".join(f"{k} {cats[k]}" for k in
                                                      ("incubation", "alliance", "culture", "service", "youth_entrepreneurship")))
    names = {O[o]["rec"]["name"] for o in txh}
    for nm in ("抖音之家·同心荟", "新新之家·同心荟", "七都商盟·同心荟", "工艺美术·同心荟", "新联心之家·同心荟",
               "鹿港新悦汇·同心荟", "鹿城E咖·同心荟", "双井坊", "大南里·新创营", "218婚博荟", "鹿城新联同馨汇·同心荟"):
        assert nm in names, nm
    in_force = defaultdict(int)
    for d in chk.desig.values():
        if d["org"] in txh and d["title"] == "practice_innovation_base" and certainly_within(d["conferred"], dt.date.min, day) \
                and ("revoked" not in d or pd_bounds(d["revoked"])[0] > day):
            in_force[d["level"]] += 1
    assert in_force["national"] == 1 and in_force["provincial"] == 2
    fact("practice-innovation bases in force on Lucheng 同心荟", "lc-d1..lc-d6", "2025-01-01",
         f"national {in_force['national']}, provincial {in_force['provincial']}, municipal {in_force['municipal']}")

    def held(post, d) -> bool:
        frm = pd_bounds(post["from"])[1] <= d if "from" in post else True
        return frm and ("to" not in post or pd_bounds(post["to"])[0] > d)

    def political(d):
        sc = [o for o in chk.subtree("wz-xlh", d) if O[o]["rec"]["division_code"].startswith("330302")]
        people = set().union(*(chk.members(o, d) for o in sc))
        return sorted(mid for _, mid in people if chk.persons[mid]["stratum"] != "none"
                      and any(held(p, d) for p in chk.persons[mid].get("political_posts", [])))

    pol = political(day)
    assert len(pol) == LC_POLITICAL, len(pol)
    fact("new-stratum members in Lucheng holding an NPC/CPPCC post", "lc-xlh subtree + 3 district 同心荟", "2025-01-01",
         len(pol))
    fact("… same count", "", "2024-01-01", len(political(D_("2024-01-01"))))
    whole = set().union(*(chk.members(o, day) for o in chk.subtree("wz-xlh", day)))
    fact("… same, but over the whole wz-xlh subtree (all Wenzhou)", "wz-xlh", "2025-01-01",
         sum(any(held(p, day) for p in chk.persons[mid].get("political_posts", [])) for _, mid in whole))
    adv_orgs = {o for o in O if O[o]["rec"]["division_code"].startswith("330302")}
    lc_adv = [a for a in chk.adv.values() if a["org"] in adv_orgs]
    y24 = [a for a in lc_adv if certainly_within(a["date"], D_("2024-01-01"), D_("2024-12-31"))]
    y23 = [a for a in lc_adv if certainly_within(a["date"], D_("2023-01-01"), D_("2023-12-31"))]
    assert all(certainly_within(a["date"], D_("2024-01-01"), D_("2024-12-31")) or
               certainly_outside(a["date"], D_("2024-01-01"), D_("2024-12-31")) for a in lc_adv)
    assert len(y24) == LC_ADVICE_2024 and 51 <= len(y24) <= 59 and y23
    fact("advice / proposals / research reports on Lucheng orgs", "division 330302*", "2024", len(y24))
    kinds = defaultdict(int)
    for a in y24:
        kinds[a["kind"]] += 1
    fact("… by kind", "", "2024", ", ".join(f"{k} {kinds[k]}" for k in ("research_report", "proposal", "advice")))
    fact("… same, 2023", "", "2023", len(y23))
    fact("… same, 2024, whole wz-xlh subtree (incl. municipal wz-xlh)", "wz-xlh", "2024",
         sum(a["org"] in set(wz) and certainly_within(a["date"], D_("2024-01-01"), D_("2024-12-31"))
             for a in chk.adv.values()))

    # -- Tian'an Cloud Park
    day = D_("2022-10-21")
    ta = O["tianan-committee"]
    assert (ta["rec"]["kind"], ta["rec"]["level"], ta["rec"]["division_code"], ta["rec"]["carrier"]) == \
        ("party_committee", "subdistrict", "440307013", "industrial_park") and ta["links"][0][0] is None
    ents = {m["ref"]["enterprise"] for m in chk.mem["tianan-committee"]
            if "enterprise" in m["ref"] and active_on(m["start"], m["end"], day)}
    assert all(m["role"] == "member_unit" for m in chk.mem["tianan-committee"])
    assert all(chk.ents[m["ref"]["enterprise"]]["credit_code"][2:8] == "440307" for m in chk.mem["tianan-committee"])
    assert len(ents) == TA_ENTERPRISES and 541 <= len(ents) <= 549
    fact("enterprises in the park (member_unit of tianan-committee)", "tianan-committee", "2022-10-21", len(ents))
    y = [a for a in chk.acts.values() if a["org"] == "tianan-committee"
         and certainly_within(a["date"], D_("2022-01-01"), D_("2022-12-31"))]
    served = sum(a["persons_served"] for a in y)
    assert len(y) == TA_ACTIVITIES_2022 and served == TA_SERVED_2022 and 12001 <= served <= 12999
    kids = set(chk.subtree("tianan-committee", day)) - {"tianan-committee"}
    assert not any(a["org"] in kids and pd_bounds(a["date"])[0].year == 2022 for a in chk.acts.values())
    fact("activities of tianan-committee in 2022", "tianan-committee", "2022", len(y))
    fact("… persons served", "tianan-committee", "2022", served)
    og = [o for o in kids if O[o]["rec"]["kind"] == "online_group"]
    assert len(og) == TA_ONLINE_GROUPS and all(O[o]["rec"]["level"] == "community" for o in og)
    fact("online groups (kind online_group) under tianan-committee", "tianan-committee", "2022-10-21", len(og))
    fact("… same", "tianan-committee", "2024-05-31",
         sum(O[o]["rec"]["kind"] == "online_group" for o in chk.subtree("tianan-committee", D_("2024-05-31"))))

    fact("lines / persons / enterprises / organizations / activities", "", "",
         f"{len(cmds)} / {len(chk.persons)} / {len(chk.ents)} / {len(O)} / {len(chk.acts)}")
    return facts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if seeds.jsonl differs from a fresh generation")
    ap.add_argument("--facts", action="store_true", help="print the facts table")
    args = ap.parse_args()
    cmds = build()
    text = serialize(cmds)
    facts = self_check(cmds, text)
    if args.facts:
        for name, ids, asof, value in facts:
            print(f"| {name} | {ids} | {asof} | {value} |")
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else None
        if current != text:
            print(f"{OUT} is out of date: run python3 {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{OUT.name} is up to date ({len(cmds)} lines); self-check passed")
        return 0
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print(f"wrote {OUT} ({len(cmds)} lines, {len(text.encode('utf-8'))} bytes); self-check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
