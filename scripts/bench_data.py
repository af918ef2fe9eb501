#!/usr/bin/env python3
"""Generates the benchmark dataset of scripts/bench as CSV files in keel's own import columns.

    scripts/bench_data.py OUT_DIR [--scale 1.0] [--today YYYY-MM-DD]

Full scale (1.0): a director, 20 managers with 10 reps each (20 teams, 200 reps), 50,000
accounts, 1,000,000 deals over three years, 5,000,000 activities, 200,000 CSAT/NPS answers,
and this quarter's won-revenue targets. `--scale 0.05` is scripts/bench --small.

Deterministic: a fixed seed; dates are offsets from `--today` (default: today, UTC), so the
current quarter always has data, as in keel's demo. Written row by row (streaming), with
dates formatted from precomputed tables: about a minute at full scale.

Files (in OUT_DIR): people.csv, accounts.csv, deals-NN.csv, activities-NN.csv,
satisfaction.csv, targets.csv, manifest.json. Deals and activities are split into parts of
at most PART_ROWS rows, because keel imports each file in one transaction.
"""

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import sys

SEED = 20260601
PART_ROWS = 1_000_000

STAGES_OPEN = [  # (name as keel's default pipeline names it in English, probability %)
    ("Qualification", 10),
    ("Needs Analysis", 20),
    ("Value Proposition", 40),
    ("Identify Decision Makers", 60),
    ("Proposal/Price Quote", 75),
    ("Negotiation/Review", 90),
]
WON, LOST = "Closed Won", "Closed Lost"

FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建飞斌宇浩凯晨瑞博文欣怡佳琪雪梅婷晶鑫"
CITIES = ["上海", "北京", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉", "西安",
          "天津", "重庆", "青岛", "厦门", "宁波", "长沙", "郑州", "合肥", "济南", "无锡"]
WORDS = ["云帆", "华信", "远航", "星辰", "鼎盛", "恒通", "博远", "金桥", "瑞丰", "天成",
         "宏图", "中科", "新源", "汇智", "联创", "东方", "海川", "启明", "嘉禾", "盛世",
         "卓越", "腾达", "兴业", "永安", "万象", "凌云", "思源", "致远", "同方", "长城"]
SUFFIX = ["科技", "信息技术", "电子", "智能", "软件", "网络", "制造", "物流", "医疗", "教育",
          "能源", "材料", "生物", "贸易", "咨询"]
INDUSTRIES = ["制造业", "金融", "零售", "医疗健康", "教育", "物流", "能源", "互联网", "政府", "房地产"]
PRODUCTS = ["CRM 年度订阅", "数据平台", "私有化部署", "实施服务", "培训服务", "续约", "扩容", "集成项目"]
KINDS = [("call", 40), ("email", 25), ("meeting", 12), ("visit", 10), ("task", 13)]
SUBJECTS = {
    "call": ["电话回访", "需求沟通电话", "报价跟进电话", "续约提醒电话"],
    "email": ["发送方案", "发送报价单", "会议纪要", "合同草稿"],
    "meeting": ["需求评审会", "方案演示", "商务谈判", "季度业务回顾"],
    "visit": ["上门拜访", "现场演示", "客户巡检", "高层拜访"],
    "task": ["准备报价", "整理需求", "安排演示", "合同审批"],
}
COMMENTS = ["", "", "", "服务很及时", "实施顾问很专业", "响应有点慢", "产品好用", "希望改进报表", "价格偏高"]


def quarter_start(d):
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--today", default=dt.datetime.now(dt.timezone.utc).date().isoformat())
    a = ap.parse_args()
    today = dt.date.fromisoformat(a.today)
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(SEED)
    s = a.scale
    n_teams, reps_per_team = 20, 10
    n_accounts = max(100, int(50_000 * s))
    n_deals = max(1000, int(1_000_000 * s))
    n_acts = max(5000, int(5_000_000 * s))
    n_sat = max(200, int(200_000 * s))

    # Day tables: day index 0 = today - 3 years (1096 days back) ... up to today + 180.
    start = today - dt.timedelta(days=1096)
    horizon = 1096 + 180
    day_iso = [(start + dt.timedelta(days=i)).isoformat() for i in range(horizon + 1)]
    today_i = 1096
    # Weekdays get most of the work.
    weekday = [(start + dt.timedelta(days=i)).weekday() < 5 for i in range(horizon + 1)]
    hhmm = [f"{h:02d}:{m:02d}:00" for h in range(24) for m in range(0, 60, 5)]
    work_times = [t for t in hhmm if "08:30:00" <= t <= "18:30:00"]

    def name():
        return rng.choice(FAMILY) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    # --- people ------------------------------------------------------------------------------
    people = []  # (email, name, title, role, manager email)
    director = "director@bench.example"
    people.append((director, name(), "销售总监", "director", ""))
    managers, reps, team_of = [], [], {}
    for t in range(n_teams):
        m = f"manager{t + 1:02d}@bench.example"
        managers.append(m)
        people.append((m, name(), f"{CITIES[t]}区域经理", "manager", director))
        for r in range(reps_per_team):
            e = f"rep{t * reps_per_team + r + 1:03d}@bench.example"
            reps.append(e)
            team_of[e] = t
            people.append((e, name(), "客户经理", "member", m))
    with open(os.path.join(a.out, "people.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "email", "title", "role", "manager.email"])
        for e, n, title, role, mgr in people:
            w.writerow([n, e, title, role, mgr])
    # Reps differ in skill: a per-rep factor on win rate and deal size.
    skill = {e: rng.uniform(0.6, 1.4) for e in reps}

    # --- accounts ----------------------------------------------------------------------------
    acc_owner = []
    with open(os.path.join(a.out, "accounts.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["external_id", "name", "industry", "size", "region", "owner.email"])
        for i in range(n_accounts):
            owner = reps[rng.randrange(len(reps))]
            acc_owner.append(owner)
            city = CITIES[team_of[owner]]
            nm = f"{city}{rng.choice(WORDS)}{rng.choice(SUFFIX)}有限公司 #{i + 1:05d}"
            size = int(math.exp(rng.uniform(math.log(10), math.log(20000))))
            w.writerow([f"A{i + 1:06d}", nm, rng.choice(INDUSTRIES), size, city, owner])

    # --- deals -------------------------------------------------------------------------------
    # Created uniformly over three years (weekdays); closed after a log-normal cycle. Deals
    # still open: their expected close lies ahead. Owner: the account's owner.
    deal_acc = []
    deal_files = []
    with_parts = PartWriter(a.out, "deals", ["external_id", "name", "amount", "currency", "stage",
                                             "close_date", "created", "owner.email", "account.id"],
                            deal_files)
    for i in range(n_deals):
        acc = rng.randrange(n_accounts)
        owner = acc_owner[acc]
        deal_acc.append(acc)
        c = rng.randrange(today_i + 1)
        if not weekday[c] and rng.random() < 0.7:
            c = max(0, c - rng.randint(1, 2))
        cycle = int(rng.lognormvariate(math.log(45), 0.7)) + 1
        close = c + cycle
        k = skill[owner]
        amount = min(5_000_000, max(2_000, rng.lognormvariate(math.log(60_000), 0.9) * (0.7 + 0.3 * k)))
        amount = round(amount, -2)
        if close <= today_i:
            won = rng.random() < 0.32 * k
            stage = WON if won else LOST
        else:
            stage = rng.choices(STAGES_OPEN, weights=(30, 25, 18, 12, 9, 6))[0][0]
            close = min(horizon, close)
        with_parts.row([f"D{i + 1:07d}", f"{rng.choice(PRODUCTS)} {i + 1}", f"{amount:.2f}", "CNY",
                        stage, day_iso[close], day_iso[c], owner, f"A{acc + 1:06d}"])
    with_parts.close()

    # --- activities ---------------------------------------------------------------------------
    # 60% about a deal, 40% about an account; the owner is the record's owner. Tasks have a
    # due date instead of a time; 85% of past tasks are done.
    act_files = []
    pw = PartWriter(a.out, "activities", ["external_id", "kind", "subject", "at", "due", "done",
                                          "related.id", "owner.email"], act_files)
    kind_table = [k for k, wt in KINDS for _ in range(wt)]  # weights add up to 100
    for i in range(n_acts):
        kind = kind_table[rng.randrange(100)]
        if rng.random() < 0.6:
            d = rng.randrange(n_deals)
            acc = deal_acc[d]
            related = f"D{d + 1:07d}"
        else:
            acc = rng.randrange(n_accounts)
            related = f"A{acc + 1:06d}"
        owner = acc_owner[acc]
        day = rng.randrange(today_i + (14 if kind == "task" else 1))
        if not weekday[day]:
            day = max(0, day - 1)
        subject = rng.choice(SUBJECTS[kind])
        if kind == "task":
            done = "true" if day < today_i and rng.random() < 0.85 else "false"
            pw.row([f"T{i + 1:08d}", kind, subject, "", day_iso[day], done, related, owner])
        else:
            pw.row([f"T{i + 1:08d}", kind, subject, f"{day_iso[day]} {rng.choice(work_times)}", "", "",
                    related, owner])
    pw.close()

    # --- satisfaction -------------------------------------------------------------------------
    # keel credits an answer to the account's owner; kept here too for the DuckDB side.
    with open(os.path.join(a.out, "satisfaction.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["kind", "score", "comment", "account.id", "owner.email", "at"])
        for _ in range(n_sat):
            acc = rng.randrange(n_accounts)
            if rng.random() < 0.6:
                kind, score = "csat", rng.choices((1, 2, 3, 4, 5), weights=(3, 5, 15, 40, 37))[0]
            else:
                kind = "nps"
                score = rng.choices(range(11), weights=(2, 1, 1, 2, 2, 4, 6, 10, 22, 25, 25))[0]
            day = rng.randrange(today_i + 1)
            w.writerow([kind, score, rng.choice(COMMENTS), f"A{acc + 1:06d}", acc_owner[acc],
                        f"{day_iso[day]}T{rng.choice(work_times)}Z"])

    # --- targets for this quarter (won revenue, minor units) ---------------------------------
    q = quarter_start(today)
    period = f"{q.year}-Q{(q.month - 1) // 3 + 1}"
    rep_target = {e: int(round(rng.uniform(0.8, 1.3) * 12_000_000 * s, -4)) * 100 for e in reps}
    with open(os.path.join(a.out, "targets.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["setter.email", "person.email", "period", "metric", "value"])
        for t, m in enumerate(managers):
            mine = [e for e in reps if team_of[e] == t]
            w.writerow([director, m, period, "won_revenue", sum(rep_target[e] for e in mine)])
        for e in reps:
            w.writerow([managers[team_of[e]], e, period, "won_revenue", rep_target[e]])

    manifest = {
        "seed": SEED, "scale": s, "today": today.isoformat(), "period": period,
        "people": len(people), "accounts": n_accounts, "deals": n_deals, "activities": n_acts,
        "satisfaction": n_sat, "deal_files": deal_files, "activity_files": act_files,
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(manifest))


class PartWriter:
    """CSV rows split into files of at most PART_ROWS rows: NAME-01.csv, NAME-02.csv ..."""

    def __init__(self, out, name, header, names):
        self.out, self.name, self.header, self.names = out, name, header, names
        self.f = self.w = None
        self.n = 0

    def row(self, r):
        if self.n % PART_ROWS == 0:
            self.close()
            fname = f"{self.name}-{len(self.names) + 1:02d}.csv"
            self.names.append(fname)
            self.f = open(os.path.join(self.out, fname), "w", newline="", encoding="utf-8",
                          buffering=1 << 20)
            self.w = csv.writer(self.f)
            self.w.writerow(self.header)
        self.w.writerow(r)
        self.n += 1

    def close(self):
        if self.f:
            self.f.close()
            self.f = None


if __name__ == "__main__":
    sys.exit(main())
