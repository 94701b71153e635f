"""Benchmark the matchmaking engine: index 50,000 solutions, rank 10,000 needs one at a time and in batch.

Run: .venv/bin/python benchmarks/matching.py [--solutions 50000] [--needs 10000] [--k 10] [--seed 6]

Target (issue 6): one need → top-k in under 50 ms at the 95th percentile with 50,000 solutions.
Solutions and needs are synthetic but shaped like the real ones (random phrases per scenario, real
GB/T 4754 divisions and provinces, prices, employee ranges, ~80 Chinese characters of text), drawn
with NumPy from a fixed seed, so two runs rank exactly the same data. Latency is wall time of
`rank_need` (segmentation, classification, scoring every solution, diversity, explanations).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from engines.match import Enterprise, Need, Solution, build_index, rank_need, rank_needs  # noqa: E402
from engines.match.fields import province_names  # noqa: E402
from engines.maturity.framework import solution_categories  # noqa: E402
from engines.reference.industry import industry_table  # noqa: E402

SEED = 6
TARGET_P95_MS = 50.0

# Product-side phrases per scenario (what catalogues say) and owner-side phrases (what needs say).
PRODUCT = {
    "production": ["生产排程", "扫码报工", "工单派工", "生产进度看板", "在制品跟踪", "MES"],
    "equipment_mgmt": ["设备台账", "点检保养计划", "故障报修", "停机统计", "备件管理", "预测性维护"],
    "quality_control": ["来料检验", "过程质检", "批次追溯", "不良品分析", "视觉检测", "SPC"],
    "warehousing_logistics": ["库位管理", "扫码出入库", "盘点", "拣货路径", "运输调度", "WMS"],
    "supply_chain": ["询价比价", "采购订单协同", "供应商评价", "交期跟踪", "SRM", "物料齐套"],
    "business_management": ["进销存", "订单管理", "ERP", "多门店管理", "收银", "业财一体化"],
    "finance_tax": ["电子发票", "自动记账", "对账", "报销", "成本核算", "一键报税"],
    "human_resources": ["考勤排班", "计件工资", "招聘", "社保", "绩效", "人事档案"],
    "collaborative_office": ["移动审批", "电子签章", "日报周报", "文件共享", "视频会议", "OA"],
    "marketing_sales": ["客户管理", "商机跟进", "会员积分", "优惠券", "私域运营", "CRM"],
    "ecommerce": ["网店运营", "直播带货", "多平台订单同步", "小程序商城", "跨境电商", "短视频"],
    "customer_service": ["在线客服", "售后工单", "回访", "呼叫中心", "满意度统计", "远程运维"],
    "data_analytics": ["数据看板", "经营驾驶舱", "报表自动汇总", "BI", "销售分析", "数据大屏"],
    "cybersecurity": ["等保测评", "防火墙", "数据备份", "防勒索", "终端安全", "漏洞扫描"],
    "cloud_infrastructure": ["上云迁移", "云服务器", "网络改造", "无线覆盖", "云桌面", "5G专网"],
    "iiot_platform": ["设备联网", "数据采集", "边缘计算", "PLC接入", "实时监控", "数字孪生"],
    "energy_mgmt": ["能耗监测", "分项计量", "峰谷用电", "碳排放核算", "节能改造", "光伏"],
    "production_safety": ["隐患排查", "安全巡检", "危化品台账", "视频AI识别", "消防物联网", "应急预案"],
    "digital_skills": ["数字化技能培训", "实训课程", "班组长培训", "在线学习", "认证考试", "带教"],
    "digital_consulting": ["数字化诊断", "转型规划", "路线图", "政策申报", "成熟度评估", "选型咨询"],
    "rnd_design": ["三维设计", "图纸版本管理", "BOM管理", "仿真", "PLM", "设计变更"],
}
NEED = {
    "production": ["订单做到哪了说不清", "排产全靠拍脑袋", "交期老是拖", "急单一插计划就乱"],
    "equipment_mgmt": ["机器三天两头坏", "保养全靠老师傅记", "一停机就耽误交货", "修机器没有记录"],
    "quality_control": ["次品率降不下来", "客户退货查不出是哪批", "质检全靠眼睛看", "漏检被罚款"],
    "warehousing_logistics": ["仓库找货找半天", "盘点账实不符", "经常发错货", "司机在哪不知道"],
    "supply_chain": ["原材料老是到晚", "一缺料就停线", "找供应商问价全靠打电话", "外协件跟不上"],
    "business_management": ["订单抄在本子上", "几个平台订单对不上", "开单全靠手写", "库存和账对不上"],
    "finance_tax": ["月底对账对到半夜", "开发票太麻烦", "报销贴票头疼", "货款老是收不回来"],
    "human_resources": ["算工资要三天", "招工太难", "考勤有人代打卡", "工人干几个月就走"],
    "collaborative_office": [
        "请假都要找我签字",
        "合同盖章要快递",
        "消息在微信群里找不到",
        "任务布置下去没人跟",
    ],
    "marketing_sales": ["业务员一走客户就没了", "老顾客不回来了", "想多拉点客人", "推广花了钱没效果"],
    "ecommerce": ["想在抖音上卖货", "网上开店不会弄", "想把货卖到国外", "直播没人看"],
    "customer_service": ["客户报修经常漏", "售后处理太慢", "电话没人接客户跑了", "差评越来越多"],
    "data_analytics": ["经营数据要拼好几天", "想在手机上看卖了多少", "心里没数", "开会要的数字临时统计"],
    "cybersecurity": ["电脑中了病毒", "客户要求过等保", "数据只有一份怕丢", "图纸被人拷走"],
    "cloud_infrastructure": ["厂里网络老断", "服务器老化", "电脑太旧软件装不上", "车间没信号"],
    "iiot_platform": ["设备数据想采上来", "想在办公室看车间", "不同牌子设备接不到一起", "抄表全靠人"],
    "energy_mgmt": ["电费太高", "要报碳排放", "空压机太费电", "不知道电用到哪了"],
    "production_safety": ["安监来查拿不出记录", "有人不戴安全帽", "仓库怕着火", "隐患排查全是纸"],
    "digital_skills": ["工人不会用系统", "员工年纪大学不会", "想给管理层上上课", "买了软件没人会弄"],
    "digital_consulting": ["不知道从哪入手", "想申请补贴", "想找专家诊断一下", "别人都在转型我们怎么办"],
    "rnd_design": ["图纸改了车间还用老的", "打样周期太长", "物料清单在工程师脑子里", "改图太慢"],
}
BRANDS = ["云启", "智造", "易订", "数看", "盾安", "绿能", "安达", "图研", "仓易", "客来", "协同", "薪宝"]
FILLER = ["适合中小企业", "手机就能用", "三天上线", "按年付费", "支持私有部署", "提供上门实施", "对接主流ERP"]
DEPLOYMENT = ["saas", "private", "hybrid", "hardware_saas"]
DIVISIONS = [f"{d:02d}" for d in (13, 14, 17, 18, 22, 26, 29, 33, 34, 38, 39, 51, 52, 61, 62, 72, 80)]


def generate(n_solutions: int, n_needs: int, seed: int = SEED) -> tuple[list[Solution], list[Need]]:
    """Deterministic synthetic catalogue and needs."""
    rng = np.random.default_rng(seed)
    table = industry_table()
    classes = {d: table.classes_under(d) for d in DIVISIONS}
    scenarios = list(solution_categories())
    provinces = sorted(province_names())[:31]
    providers = [f"服务商{i:05d}" for i in range(max(1, n_solutions // 6))]
    solutions = []
    for i in range(n_solutions):
        picked = [
            scenarios[j] for j in rng.choice(len(scenarios), size=int(rng.integers(1, 4)), replace=False)
        ]
        phrases = [p for s in picked for p in rng.choice(PRODUCT[s], size=3, replace=False)]
        brand = BRANDS[int(rng.integers(len(BRANDS)))]
        title = f"{brand}{phrases[0]}{'系统' if rng.random() < 0.5 else '平台'}"
        industry = table.get(DIVISIONS[int(rng.integers(len(DIVISIONS)))]).name
        description = (
            f"面向{industry}："
            + "、".join(phrases)
            + "，"
            + "，".join(rng.choice(FILLER, size=2, replace=False))
            + "。"
        )
        low = int(rng.choice([1, 5, 10, 20, 50, 100]))
        solutions.append(
            Solution(
                id=f"s{i:06d}",
                provider=providers[int(rng.integers(len(providers)))],
                title=title,
                description=description,
                scenarios=tuple(picked),
                industries=() if rng.random() < 0.4 else (DIVISIONS[int(rng.integers(len(DIVISIONS)))],),
                regions=() if rng.random() < 0.5 else tuple(rng.choice(provinces, size=2, replace=False)),
                price_cny_per_year=float(rng.choice([3000, 8000, 20000, 50000, 120000, 300000])),
                deployment=DEPLOYMENT[int(rng.integers(4))],
                min_employees=low,
                max_employees=low * int(rng.choice([10, 50, 100])),
            )
        )
    needs = []
    for i in range(n_needs):
        picked = [
            scenarios[j] for j in rng.choice(len(scenarios), size=int(rng.integers(1, 3)), replace=False)
        ]
        phrases = [p for s in picked for p in rng.choice(NEED[s], size=2, replace=False)]
        division = DIVISIONS[int(rng.integers(len(DIVISIONS)))]
        needs.append(
            Need(
                id=f"n{i:06d}",
                title=phrases[0],
                description=f"我们是做{table.get(division).name}的，{int(rng.integers(5, 500))}个人，"
                + "，".join(phrases)
                + "，想找个办法。",
                enterprise=Enterprise(
                    industry_code=str(rng.choice(classes[division])) if rng.random() < 0.9 else None,
                    province=provinces[int(rng.integers(len(provinces)))],
                    employees=int(rng.integers(3, 2000)),
                    revenue_cny=None,
                ),
                budget_cny_per_year=None if rng.random() < 0.2 else float(rng.choice([5000, 20000, 80000])),
            )
        )
    return solutions, needs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", type=int, default=50_000)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    solutions, needs = generate(args.solutions, args.needs, args.seed)
    print(
        f"generated {len(solutions):,} solutions and {len(needs):,} needs in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    index = build_index(solutions)
    index_seconds = time.perf_counter() - started
    print(
        f"index: {index_seconds:.1f} s ({len(solutions) / index_seconds:,.0f} solutions/s, {len(index.vocab):,} words)"
    )

    rank_need(index, needs[0], args.k)  # warm-up: jieba dictionary, caches
    latencies = np.empty(len(needs))
    for i, need in enumerate(needs):
        started = time.perf_counter()
        rank_need(index, need, args.k)
        latencies[i] = time.perf_counter() - started
    p50, p95, p99 = (float(np.percentile(latencies, q)) * 1000 for q in (50, 95, 99))
    one_rate = len(needs) / latencies.sum()
    verdict = "OK" if p95 < TARGET_P95_MS else "MISSED"
    print(
        f"one path: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, {one_rate:,.0f} needs/s "
        f"(target p95 < {TARGET_P95_MS:.0f} ms: {verdict})"
    )

    started = time.perf_counter()
    rankings = rank_needs(index, needs, args.k)
    batch_seconds = time.perf_counter() - started
    print(
        f"batch path: {len(rankings):,} needs in {batch_seconds:.1f} s, {len(needs) / batch_seconds:,.0f} needs/s "
        f"({one_rate and len(needs) / batch_seconds / one_rate:.1f}x the one path)"
    )
    return 0 if p95 < TARGET_P95_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
