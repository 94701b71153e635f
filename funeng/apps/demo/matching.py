"""Demo matchmaking: ~300 providers, ~1,500 solutions across the taxonomy, ~800 needs, proposals, deals, reviews.

Everything is invented (names, products, prices) and deterministic by seed. Rows are written with
bulk_create and audited with audit_created_many, like the demo enterprises; needs are ranked with the
engine's batch path, and proposals go to solutions that really ranked high for the need. Where the
demo assessments gave an enterprise a T0 and a T1 round, its deal falls between them, so providers
show measured outcomes. demo_provider gets solutions, an inbox and reviewed deals; demo_enterprise
gets needs with proposals to compare.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from engines.reference.credit_code import check_character, org_code_check
from funeng.apps.audit.services import audit_created_many
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching.const import (
    ComplaintStatus,
    DealStatus,
    MatchEventKind,
    NeedStatus,
    ProposalStatus,
    SolutionStatus,
)
from funeng.apps.matching.models import Complaint, Deal, Match, MatchEvent, Need, Proposal, Review, Solution
from funeng.apps.matching.ranking import forget_catalogue
from funeng.apps.matching.services import deal_scenarios, needs_rank_all
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider

# At the default demo size (5,000 enterprises); a smaller registry gets proportionally fewer, so
# small test regions stay fast.
PROVIDERS = 300
SOLUTIONS_PER_PROVIDER = 5
NEEDS = 800
DEMO_PROVIDER_CODE = "91330106MA2H7K1N3G"  # demo_provider's tenant (funeng/apps/demo/users.py)
SUSPEND_REASON = "多家企业投诉交付延期且未按合同提供培训，暂停撮合资格（演示数据）。"


@dataclass(frozen=True)
class Product:
    """An archetype of solution: scenarios, text, yearly price range, deployment, industries, size range."""

    scenarios: tuple[str, ...]
    title: str
    description: str
    price: tuple[int, int]
    deployment: str
    industries: tuple[str, ...] = ()
    employees: tuple[int, int] = (1, 500)


# fmt: off
PRODUCTS: tuple[Product, ...] = (
    Product(("rnd_design",), "三维CAD设计与图纸管理平台", "国产三维CAD建模，图纸版本统一管理，BOM自动生成，支持与车间共享工艺图纸。", (20_000, 90_000), "hybrid", ("C",), (10, 1000)),
    Product(("rnd_design",), "产品研发PLM协同系统", "研发项目、零部件库、设计变更和评审流程在线协同，新品开发周期可视化。", (60_000, 300_000), "private", ("C",), (50, 3000)),
    Product(("rnd_design", "production"), "工艺路线与作业指导书管理", "工艺卡、工序路线、作业指导书在线编制下发，车间扫码即看。", (15_000, 60_000), "saas", ("C",), (10, 800)),
    Product(("production",), "中小工厂MES生产执行系统", "订单排产、扫码报工、在制品跟踪、交期看板，老板手机上随时看生产进度。", (30_000, 150_000), "hybrid", ("C",), (20, 1000)),
    Product(("production",), "注塑车间数字化管理", "注塑机联网，自动计数报工，模具寿命管理，换模和停机原因统计。", (40_000, 160_000), "hardware_saas", ("29", "C"), (20, 600)),
    Product(("production", "supply_chain"), "纺织印染生产计划排程", "按交期和机台自动排产，染缸配方管理，订单进度客户可查。", (50_000, 200_000), "private", ("17", "18"), (30, 1500)),
    Product(("production",), "扫码报工小程序", "工人手机扫码报工计件，工资自动算，替代纸质报工单。", (3_000, 12_000), "saas", ("C",), (5, 300)),
    Product(("equipment_mgmt",), "设备点检与维修管理", "设备台账、点检计划、报修派单、备件库存，设备故障有记录可追溯。", (8_000, 40_000), "saas", (), (10, 2000)),
    Product(("equipment_mgmt", "iiot_platform"), "设备联网与预测性维护", "机床、空压机加装传感器，实时监测振动温度，提前预警故障停机。", (50_000, 250_000), "hardware_saas", ("C",), (50, 3000)),
    Product(("quality_control",), "AI视觉质检系统", "工业相机+AI算法自动检测表面缺陷，替代人工目检，漏检率大幅下降。", (80_000, 400_000), "hardware_saas", ("C",), (30, 3000)),
    Product(("quality_control",), "质量追溯与检验管理", "来料、过程、成品检验记录在线化，一物一码追溯到批次和机台。", (15_000, 80_000), "saas", ("C",), (10, 1500)),
    Product(("quality_control", "supply_chain"), "食品安全追溯平台", "原料进货、生产批次、冷链物流全程追溯，消费者扫码可查。", (10_000, 50_000), "saas", ("13", "14", "15", "01", "05"), (5, 800)),
    Product(("warehousing_logistics",), "WMS仓储管理系统", "扫码出入库、库位管理、批次先进先出，库存账实相符。", (15_000, 80_000), "saas", (), (5, 1000)),
    Product(("warehousing_logistics",), "物流配送调度与TMS", "订单自动派车、路线规划、司机App签收回单，运费自动对账。", (20_000, 100_000), "saas", ("G", "F"), (10, 1000)),
    Product(("warehousing_logistics", "business_management"), "进销存库存管理软件", "采购、销售、库存一体，手机开单，库存预警，适合商贸小店。", (1_500, 8_000), "saas", ("F", "C"), (1, 100)),
    Product(("supply_chain",), "SRM供应商协同平台", "询价比价、采购订单、送货协同和对账在线完成，供应商门户。", (30_000, 150_000), "saas", ("C",), (50, 3000)),
    Product(("supply_chain",), "订单协同与外协加工管理", "外协订单下发、进度回传、质检和结算一体，外发加工不再靠电话追。", (10_000, 50_000), "saas", ("C",), (10, 800)),
    Product(("business_management",), "中小企业ERP管理系统", "财务、采购、销售、库存、生产一体化管理，业务数据一套账。", (20_000, 120_000), "hybrid", (), (20, 1000)),
    Product(("business_management",), "民宿酒店多平台订单管理", "对接携程、美团、飞猪等平台订单，房态实时同步，防止超订订重，自动生成报表。", (3_000, 15_000), "saas", ("H",), (1, 100)),
    Product(("business_management", "marketing_sales"), "餐饮门店收银与会员系统", "扫码点餐、收银、会员储值积分和菜品销量分析，多门店统一管理。", (2_000, 12_000), "hardware_saas", ("H",), (1, 300)),
    Product(("finance_tax",), "云财务记账与报税", "智能记账、一键报税、电子发票管理，老板手机看利润和现金流。", (1_000, 6_000), "saas", (), (1, 300)),
    Product(("finance_tax",), "费用报销与电子发票管理", "员工手机拍票报销，发票自动查验去重，审批后直接生成凭证。", (5_000, 30_000), "saas", (), (20, 2000)),
    Product(("human_resources",), "考勤排班与薪酬计算", "人脸考勤、排班、计件计时工资自动核算，工资条手机推送。", (3_000, 20_000), "saas", (), (10, 2000)),
    Product(("human_resources",), "招聘与员工培训小程序", "发布招聘、简历筛选、入职办理和在线培训考试。", (2_000, 15_000), "saas", (), (10, 1000)),
    Product(("collaborative_office",), "协同办公OA与审批", "请假报销采购审批流程在线化，公告、文档、任务统一管理。", (2_000, 20_000), "saas", (), (5, 2000)),
    Product(("marketing_sales",), "CRM客户关系管理", "客户资料、跟进记录、报价合同和回款管理，销售离职客户不流失。", (5_000, 40_000), "saas", (), (5, 1000)),
    Product(("marketing_sales", "ecommerce"), "私域营销与社群运营工具", "微信社群、小程序商城、优惠券和会员营销，复购可追踪。", (3_000, 20_000), "saas", ("F", "H", "O"), (1, 300)),
    Product(("ecommerce",), "跨境电商店铺管理ERP", "亚马逊、速卖通等多平台店铺订单、库存、物流统一处理。", (5_000, 30_000), "saas", ("F", "C"), (3, 500)),
    Product(("ecommerce", "marketing_sales"), "直播带货与短视频代运营", "抖音、快手账号运营、直播带货策划和投放，按效果付费。", (20_000, 120_000), "saas", ("A", "C", "F"), (1, 300)),
    Product(("ecommerce",), "农产品网店开设与运营服务", "帮助农户合作社开设网店、拍摄产品、对接物流，土特产卖到全国。", (5_000, 30_000), "saas", ("A", "01", "03", "05"), (1, 100)),
    Product(("customer_service",), "智能客服与售后工单系统", "微信、电话、网店客服统一接入，售后报修自动派单，回访满意度统计。", (5_000, 40_000), "saas", (), (5, 1000)),
    Product(("customer_service", "equipment_mgmt"), "设备远程运维服务平台", "售出设备联网，远程诊断故障，售后工程师派单和备件管理。", (30_000, 150_000), "hardware_saas", ("34", "35", "38", "39"), (30, 3000)),
    Product(("data_analytics",), "经营数据看板与BI报表", "对接ERP、财务和网店数据，老板驾驶舱，日报周报自动生成。", (8_000, 60_000), "saas", (), (10, 2000)),
    Product(("data_analytics", "production"), "工厂数字孪生可视化大屏", "车间设备、订单、质量、能耗数据实时上大屏，异常自动告警。", (60_000, 300_000), "private", ("C",), (100, 5000)),
    Product(("cybersecurity",), "等保测评与安全加固服务", "等级保护测评咨询、漏洞扫描、防火墙配置和安全制度建设。", (20_000, 100_000), "private", (), (20, 3000)),
    Product(("cybersecurity",), "企业数据备份与防勒索", "服务器和电脑文件自动备份上云，中毒勒索也能一键恢复。", (3_000, 20_000), "saas", (), (5, 1000)),
    Product(("cloud_infrastructure",), "中小企业上云服务包", "云服务器、企业邮箱、网站和数据迁移一站式上云，按月付费。", (3_000, 30_000), "saas", (), (1, 1000)),
    Product(("cloud_infrastructure",), "工厂网络改造与5G专网", "车间无线覆盖、5G专网和网络安全改造，设备联网打基础。", (50_000, 300_000), "hardware_saas", ("C",), (50, 5000)),
    Product(("iiot_platform",), "工业互联网平台接入服务", "设备数采、边缘计算网关、工业APP订阅，按产线分步实施。", (50_000, 250_000), "hybrid", ("C",), (50, 5000)),
    Product(("energy_mgmt",), "能耗监测与节能管理", "电水气分项计量，能耗异常告警，峰谷电价优化建议，碳排放核算。", (20_000, 120_000), "hardware_saas", ("C", "D"), (30, 5000)),
    Product(("production_safety",), "安全生产巡检与隐患排查", "巡检打卡、隐患随手拍、整改闭环，视频AI识别未戴安全帽。", (10_000, 60_000), "hardware_saas", ("C", "B", "E"), (20, 3000)),
    Product(("production_safety",), "危化品仓库智能监控", "温湿度、气体浓度在线监测，出入库双人双锁记录，超标自动报警。", (30_000, 150_000), "hardware_saas", ("26", "27", "28"), (20, 2000)),
    Product(("digital_skills",), "数字化人才培训课程", "面向企业员工的数字化技能、数据分析和智能制造实训课程。", (5_000, 40_000), "saas", (), (5, 5000)),
    Product(("digital_consulting",), "数字化转型诊断与规划咨询", "专家上门诊断，对标评测，给出分阶段改造路线图和投入测算。", (20_000, 150_000), "private", (), (10, 5000)),
    Product(("digital_consulting", "digital_skills"), "数字化转型陪跑服务", "专家驻场陪跑三个月，帮助选型、上线和培训，确保用起来。", (30_000, 120_000), "private", (), (20, 2000)),
)

# Colloquial needs, each with the scenarios it is about (the enterprise ticks them only sometimes).
NEED_TEXTS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("production",), "车间进度全靠跑现场问", "订单一多就不知道做到哪一步了，交期老是拖，客户天天打电话催，想要个能看生产进度的系统。"),
    (("production",), "工人报工还在用纸", "每天下班工人手写报工单，统计员第二天再录电脑，计件工资经常算错吵架。"),
    (("production", "equipment_mgmt"), "注塑机停机原因说不清", "二十多台注塑机，停机多少时间、为什么停，全凭班长记，想自动统计。"),
    (("production", "supply_chain"), "排产全靠老师傅拍脑袋", "插单急单多，排产表改来改去，物料经常不齐就开工，想要自动排产。"),
    (("equipment_mgmt",), "设备坏了才修", "设备保养没计划，经常突然坏掉停产，维修记录也没有，想把点检保养管起来。"),
    (("equipment_mgmt", "iiot_platform"), "想让老机床联网", "厂里机床都是十几年的老设备，想看开机率和产量，不知道怎么接数据。"),
    (("quality_control",), "客户投诉批次质量问题查不到原因", "出了质量问题不知道是哪批料哪台机做的，想做质量追溯。"),
    (("quality_control",), "人工目检漏检多", "产品表面划痕全靠人眼看，工人累了就漏检，被客户退货好几次。"),
    (("warehousing_logistics",), "仓库账和实物对不上", "出入库靠手写单子，月底盘点总是差，找货要翻半天。"),
    (("warehousing_logistics", "business_management"), "小店进货卖货全靠本子记", "开了两家建材店，进货多少卖了多少全记本子上，不知道哪些货压库存。"),
    (("warehousing_logistics",), "送货派车乱", "每天几十单送货，派车靠打电话，司机绕路，回单经常丢。"),
    (("supply_chain",), "采购比价全靠微信", "采购找供应商询价都在微信里聊，价格记录查不到，送货也经常晚。"),
    (("supply_chain", "production"), "外发加工进度靠电话追", "很多工序外协，外发出去什么时候回来全靠电话问，账也算不清。"),
    (("business_management",), "民宿订单老是订重", "山里开了三家民宿，旺季房间老是订重，几个平台的订单要人一条条抄到本子上。"),
    (("business_management",), "想上一套ERP但怕用不起来", "公司六十多人，财务、采购、仓库各用各的表格，数据对不上，想上ERP又怕太复杂。"),
    (("business_management", "marketing_sales"), "饭店会员管理", "两家餐馆，想做会员储值和积分，收银和点菜也想一起弄，现在还是手写点菜单。"),
    (("finance_tax",), "记账报税想省心", "小公司没有专职会计，代账公司做账慢，想自己在手机上看看利润。"),
    (("finance_tax",), "报销贴票太麻烦", "员工出差报销要贴一堆票，财务核对发票真假很费劲。"),
    (("human_resources",), "计件工资每月算到半夜", "两百多个工人计件加计时，每月算工资要三个人算好几天，还经常有人说算错。"),
    (("human_resources",), "招工难留人难", "旺季招不到人，新人培训全靠老员工带，想有个招聘和培训的小工具。"),
    (("collaborative_office",), "审批签字找不到老板", "请假报销采购都要老板签字，老板出差就卡住了，想手机审批。"),
    (("marketing_sales",), "客户资料在业务员手机里", "业务员一离职客户就跟着走了，报价和跟进记录都没留下来。"),
    (("marketing_sales", "ecommerce"), "想做私域卖货", "门店客人很多但没留下联系方式，想建微信群做会员复购。"),
    (("ecommerce",), "想把茶叶卖到网上", "自家有茶园，想开网店和做直播，但不会拍视频也不懂运营。"),
    (("ecommerce",), "外贸订单少了想做跨境电商", "以前做外贸代工，订单越来越少，想自己在亚马逊上开店卖。"),
    (("ecommerce", "marketing_sales"), "直播带货找不到门路", "做童装的，同行都在抖音直播卖货，我们不知道怎么起号。"),
    (("customer_service",), "售后报修全靠电话", "卖出去的设备坏了客户打电话报修，谁接的谁处理都乱，客户很不满意。"),
    (("customer_service", "equipment_mgmt"), "想远程看客户设备故障", "设备卖到全国，每次坏了都要派人出差，想远程诊断。"),
    (("data_analytics",), "老板想看经营日报", "每天的销售、生产、库存数据要几个人汇总，想有个手机看的经营看板。"),
    (("cybersecurity",), "被勒索病毒加密了文件", "电脑中了勒索病毒，订单资料全没了，想做数据备份防止再出事。"),
    (("cybersecurity",), "客户要求过等保", "给大客户做配套，对方要求我们系统通过等保二级，不知道从哪开始。"),
    (("cloud_infrastructure",), "机房服务器老旧想上云", "公司自己的服务器用了八年，经常死机，想把系统搬到云上。"),
    (("cloud_infrastructure", "iiot_platform"), "车间没有网络", "车间很大，无线信号覆盖不到，设备想联网都没条件。"),
    (("energy_mgmt",), "电费太高想节能", "每月电费二十多万，不知道哪台设备最耗电，想做能耗监测。"),
    (("energy_mgmt",), "客户要碳排放数据", "出口欧洲的客户要我们提供产品碳足迹，完全不知道怎么算。"),
    (("production_safety",), "安全检查隐患整改跟不上", "安监检查发现的隐患整改没人跟，巡检记录也是补的，想规范起来。"),
    (("digital_skills",), "员工不会用新系统", "上了系统员工不会用，还是回到老办法，想找培训。"),
    (("digital_consulting",), "不知道数字化从哪开始", "听说政府有数字化改造补贴，但不知道我们厂该先上什么，想找专家诊断一下。"),
    (("digital_consulting", "production"), "想申请智能工厂改造", "准备申报数字化车间，需要有人帮忙规划改造方案和投入。"),
    (("quality_control", "supply_chain"), "食品原料追溯要求", "做熟食加工，市场监管要求原料可追溯，现在全靠纸质台账。"),
)
# Needs the demo catalogue does not serve, so the officials' gap report has something to show.
UNSERVED_TEXTS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    ((), "渔船出海想装定位", "家里有五条渔船，出海后联系不上，想装北斗定位和海上通信。"),
    ((), "宠物医院病历管理", "宠物医院的病历和疫苗提醒都记在本子上，客人来了要翻半天。"),
    ((), "驾校学员约车混乱", "驾校学员预约练车全靠微信群接龙，教练车经常冲突。"),
    ((), "养殖场水质监测", "十几个鱼塘，晚上缺氧死鱼，想装水质在线监测和自动增氧。"),
)
# fmt: on

CITIES = (
    "杭州",
    "宁波",
    "温州",
    "嘉兴",
    "湖州",
    "绍兴",
    "金华",
    "衢州",
    "舟山",
    "台州",
    "丽水",
    "苏州",
    "无锡",
    "常州",
    "南通",
    "扬州",
)
BRAND_WORDS = (
    "智联",
    "数云",
    "云帆",
    "易企",
    "慧通",
    "数智",
    "工匠",
    "链动",
    "星辰",
    "启明",
    "睿信",
    "联创",
    "云桥",
    "智造",
    "易达",
    "信诚",
    "精工",
    "云图",
    "数链",
    "卓越",
)
BRAND_TAILS = (
    "科技有限公司",
    "信息技术有限公司",
    "软件有限公司",
    "网络科技有限公司",
    "数字科技有限公司",
    "工业互联网有限公司",
)
EDITIONS = ("", "", "标准版", "专业版", "轻量版", "云版", "旗舰版")
PLANS = (
    "第1周需求调研和现场勘查；第2-3周系统配置和数据导入；第4周上线试运行并培训操作人员；上线后3个月免费驻场支持。",
    "先选一条产线试点两周，跑通后全厂推广；提供操作手册、视频教程和每周一次的线上答疑。",
    "远程开通账号当天可用，客服一对一指导初始化，一个月内免费调整流程和报表。",
    "硬件安装3天，联调1周；培训班组长和维修人员；首年免费维保，7×24小时响应。",
)
REVIEW_TEXTS = {
    5: (
        "上线很快，工人一周就会用了，交期准了很多。",
        "服务很到位，驻场工程师很专业，推荐。",
        "报表很清楚，老板每天都在手机上看。",
    ),
    4: ("整体不错，个别报表还要再调整。", "功能够用，培训再细一点就更好了。", "价格合适，响应也及时。"),
    3: ("能用，但和我们原来的流程磨合了很久。", "功能一般，售后响应有点慢。"),
    2: ("实施拖了一个多月，很多功能没按约定交付。", "培训不到位，员工还是不会用。"),
    1: ("交付严重延期，售后找不到人。",),
}
COMPLAINT_TEXTS = (
    "合同约定一个月上线，拖了三个月还没交付。",
    "承诺的培训没有做，打电话也不回。",
    "硬件到货后有质量问题，一直不给换。",
)
NOTES = ("麻烦尽快联系，旺季前想上线。", "希望能先试用一下。", "预算有限，请给个实在的价格。", "")


def _credit_code(rng: random.Random, region: str, used: set[str]) -> str:
    while True:
        body = f"{rng.randrange(10**7, 10**8):08d}"
        first17 = "91" + region + body + org_code_check(body)
        code = first17 + check_character(first17)
        if code not in used:
            used.add(code)
            return code


def _at(now: dt.datetime, rng: random.Random, low_days: int, high_days: int) -> dt.datetime:
    return now - dt.timedelta(days=rng.uniform(low_days, high_days))


def _price(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(round(rng.uniform(low, high), -2)).quantize(Decimal("0.01"))


def _rounds() -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """enterprise id → (T0 submitted, T1 submitted) from the demo assessments, when both exist."""
    try:
        assessment = apps.get_model("assessment", "Assessment")
    except LookupError:
        return {}
    rows = assessment.objects.filter(submitted_at__isnull=False).values_list(
        "enterprise_id", "round_index", "submitted_at"
    )
    first: dict[int, dt.datetime] = {}
    second: dict[int, dt.datetime] = {}
    for enterprise_id, round_index, submitted_at in rows:
        (first if round_index == 0 else second)[enterprise_id] = submitted_at
    return {
        e: (first[e], second[e])
        for e in second
        if e in first and second[e] - first[e] > dt.timedelta(days=20)
    }


@dataclass
class DemoMatching:
    providers: int = 0
    solutions: int = 0
    needs: int = 0
    proposals: int = 0
    deals: int = 0
    reviews: int = 0

    def summary(self) -> str:
        return (
            f"matchmaking: {self.providers} providers, {self.solutions} solutions, {self.needs} needs, "
            f"{self.proposals} proposals, {self.deals} deals, {self.reviews} reviews"
        )


def _audit(objects: list[Any], fields: tuple[str, ...]) -> None:
    """Audit demo rows as the services audit a creation (audit_created), in bulk."""
    audit_created_many(actor=None, objects=objects, fields=fields)


@transaction.atomic
def demo_matching_create(*, seed: int = 1, now: dt.datetime | None = None) -> DemoMatching:
    """Fill matchmaking for the demo region (does nothing if solutions already exist)."""
    result = DemoMatching()
    if Solution.objects.exists() or not Enterprise.objects.exists():
        return result
    rng = random.Random(seed)
    now = now or timezone.now()
    registry = Enterprise.objects.count()
    provider_count = min(PROVIDERS, max(10, registry // 10))
    solution_count = provider_count * SOLUTIONS_PER_PROVIDER
    need_count = min(NEEDS, max(3, registry // 6))
    users = get_user_model().objects
    demo_enterprise_user = users.filter(username="demo_enterprise").first()
    demo_enterprise_id = (
        Membership.objects.filter(user=demo_enterprise_user).values_list("enterprise_id", flat=True).first()
        if demo_enterprise_user
        else None
    )

    # --- providers ---------------------------------------------------------------------------
    regions = sorted(set(Enterprise.objects.values_list("region_code", flat=True)))
    zhejiang = [r for r in regions if r.startswith("33")] or regions
    used = set(Provider.objects.values_list("credit_code", flat=True))
    names = set(Provider.objects.values_list("name", flat=True))
    providers: list[Provider] = []
    while len(providers) < provider_count:
        name = f"{rng.choice(CITIES)}{rng.choice(BRAND_WORDS)}{rng.choice(BRAND_TAILS)}"
        if name in names:
            continue
        names.add(name)
        region = rng.choice(zhejiang if rng.random() < 0.85 else regions)
        draw = rng.random()
        state = (
            VettingState.APPROVED
            if draw < 0.85
            else VettingState.APPLIED
            if draw < 0.95
            else VettingState.SUSPENDED
        )
        providers.append(
            Provider(
                name=name,
                credit_code=_credit_code(rng, region, used),
                region_code=region,
                vetting_state=state,
                vetting_reason=SUSPEND_REASON if state == VettingState.SUSPENDED else "",
            )
        )
    Provider.objects.bulk_create(providers)
    _audit(providers, ("name", "region_code", "vetting_state"))
    result.providers = len(providers)
    demo_provider = Provider.objects.filter(credit_code=DEMO_PROVIDER_CODE).first()
    everyone = ([demo_provider] if demo_provider else []) + providers
    quality = {p.pk: rng.betavariate(5, 2) for p in everyone}  # latent delivery quality, 0..1

    # --- solutions ----------------------------------------------------------------------------
    solutions: list[Solution] = []
    if demo_provider is not None:
        for product in PRODUCTS[3:7] + PRODUCTS[12:15] + PRODUCTS[32:33]:
            solutions.append(_solution(rng, demo_provider, product, status=SolutionStatus.PUBLISHED, now=now))
    while len(solutions) < solution_count:
        provider = rng.choice(providers)
        product = rng.choice(PRODUCTS)
        status = (
            SolutionStatus.PUBLISHED
            if rng.random() < 0.9
            else rng.choice((SolutionStatus.DRAFT, SolutionStatus.WITHDRAWN))
        )
        if provider.vetting_state != VettingState.APPROVED:
            status = SolutionStatus.DRAFT if provider.vetting_state == VettingState.APPLIED else status
        solutions.append(_solution(rng, provider, product, status=status, now=now))
    Solution.objects.bulk_create(solutions, batch_size=1000)
    _audit(solutions, ("title", "status"))
    result.solutions = len(solutions)

    # --- needs --------------------------------------------------------------------------------
    enterprise_rows = list(
        Enterprise.objects.order_by("pk").values_list(
            "pk", "industry_code", "region_code", "employees", "revenue_cny"
        )
    )
    sample = rng.sample(enterprise_rows, min(len(enterprise_rows), need_count))
    demo_enterprise = next((row for row in enterprise_rows if row[0] == demo_enterprise_id), None)
    if demo_enterprise is not None:
        sample = [demo_enterprise] * 4 + [row for row in sample if row[0] != demo_enterprise_id]
    needs: list[Need] = []  # every one has an enterprise (enterprise_id set below)
    for index, (pk, industry, region, employees, revenue) in enumerate(sample[:need_count]):
        if pk == demo_enterprise_id:  # the first four rows: production, reporting, stock, a dashboard
            scenarios, title, description = NEED_TEXTS[(0, 1, 8, 28)[index]]
        elif rng.random() < 0.06:
            scenarios, title, description = rng.choice(UNSERVED_TEXTS)
        else:
            scenarios, title, description = rng.choice(NEED_TEXTS)
        typical = [p.price for p in PRODUCTS if set(p.scenarios) & set(scenarios)] or [(5_000, 50_000)]
        low, high = rng.choice(typical)
        budget = None if rng.random() < 0.25 else _price(rng, low * 0.6, high * 1.2)
        needs.append(
            Need(
                enterprise_id=pk,
                title=title,
                description=description,
                scenarios=list(scenarios) if rng.random() < 0.4 else [],
                budget_cny_per_year=budget,
                industry_code=industry or "",
                region_code=region or "",
                employees=employees,
                revenue_cny=revenue,
                created_at=_at(now, rng, 3, 300) if pk != demo_enterprise_id else _at(now, rng, 10, 60),
            )
        )
    Need.objects.bulk_create(needs, batch_size=1000)
    _audit(needs, ("title", "status"))
    result.needs = len(needs)

    forget_catalogue()
    needs_rank_all(needs=needs)

    # --- proposals, deals, reviews, complaints ----------------------------------------------
    rounds = _rounds()
    top: dict[int, list[Match]] = {}
    for match in (
        Match.objects.filter(need__in=needs, rank__lte=6)
        .select_related("solution")
        .order_by("need_id", "rank")
    ):
        top.setdefault(match.need_id, []).append(match)
    proposals: list[Proposal] = []
    events: list[MatchEvent] = []
    plans: list[tuple[Need, list[Proposal], bool]] = []
    demo_order = {n.pk: i for i, n in enumerate(n for n in needs if n.enterprise_id == demo_enterprise_id)}
    for need in needs:
        matches = [m for m in top.get(need.pk, []) if m.score > 0.05]
        events += [
            MatchEvent(
                need=need,
                solution=m.solution,
                kind=MatchEventKind.IMPRESSION,
                position=m.rank,
                score=m.score,
                at=need.created_at,
            )
            for m in matches
        ]
        is_demo = need.enterprise_id == demo_enterprise_id
        if not matches or (not is_demo and rng.random() > 0.5):
            continue
        chosen = matches[: rng.randint(1, 3)] if not is_demo else matches[:3]
        # demo_provider answers often, so its inbox, deals and reviews have content.
        own = [m for m in matches if demo_provider is not None and m.solution.provider_id == demo_provider.pk]
        if own and own[0] not in chosen and not is_demo and rng.random() < 0.8:
            chosen.append(own[0])
        asked = []
        for m in chosen:
            requested_at = need.created_at + dt.timedelta(hours=rng.uniform(2, 72))
            proposal = Proposal(
                need=need,
                solution=m.solution,
                enterprise_id=need.enterprise_id or 0,
                provider_id=m.solution.provider_id,
                request_note=rng.choice(NOTES),
                requested_by=demo_enterprise_user if is_demo else None,
                requested_at=requested_at,
            )
            if rng.random() < 0.75 or is_demo:
                proposal.status = ProposalStatus.SUBMITTED
                price = m.solution.price_cny_per_year or _price(rng, 5_000, 50_000)
                proposal.price_cny = (price * Decimal(rng.uniform(0.8, 1.15))).quantize(Decimal("100"))
                proposal.delivery_plan = rng.choice(PLANS)
                proposal.delivery_weeks = rng.choice((1, 2, 4, 6, 8, 12))
                proposal.submitted_at = requested_at + dt.timedelta(days=rng.uniform(0.5, 6))
            events.append(
                MatchEvent(
                    need=need,
                    solution=m.solution,
                    kind=MatchEventKind.CLICK,
                    position=m.rank,
                    score=m.score,
                    at=requested_at,
                )
            )
            events.append(
                MatchEvent(
                    need=need,
                    solution=m.solution,
                    kind=MatchEventKind.PROPOSAL_REQUESTED,
                    position=m.rank,
                    score=m.score,
                    at=requested_at,
                )
            )
            asked.append(proposal)
        proposals += asked
        # demo_enterprise keeps its first two needs open to compare; the other two end in deals.
        deal_wanted = demo_order.get(need.pk, 0) >= 2 if is_demo else rng.random() < 0.55
        plans.append((need, asked, deal_wanted))
    # demo_provider's inbox: requests from other enterprises still waiting for its answer.
    if demo_provider is not None:
        own = [m for ms in top.values() for m in ms if m.solution.provider_id == demo_provider.pk]
        taken = {(p.need_id, p.solution_id) for p in proposals}
        for m in own[:40]:
            need = next(n for n in needs if n.pk == m.need_id)
            if (
                (need.pk, m.solution_id) in taken
                or need.enterprise_id == demo_enterprise_id
                or len(
                    [
                        p
                        for p in proposals
                        if p.provider_id == demo_provider.pk and p.status == ProposalStatus.REQUESTED
                    ]
                )
                >= 6
            ):
                continue
            proposals.append(
                Proposal(
                    need=need,
                    solution=m.solution,
                    enterprise_id=need.enterprise_id or 0,
                    provider_id=demo_provider.pk,
                    request_note=rng.choice(NOTES),
                    requested_at=need.created_at + dt.timedelta(hours=5),
                )
            )
            taken.add((need.pk, m.solution_id))
    Proposal.objects.bulk_create(proposals, batch_size=1000)
    _audit(proposals, ("status",))
    result.proposals = len(proposals)

    deals: list[Deal] = []
    declined: list[Proposal] = []
    matched_needs: list[Need] = []
    for need, asked, deal_wanted in plans:
        submitted = [p for p in asked if p.status == ProposalStatus.SUBMITTED]
        if not deal_wanted or not submitted:
            continue
        theirs = [p for p in submitted if demo_provider is not None and p.provider_id == demo_provider.pk]
        accepted = (
            theirs[0]
            if theirs and rng.random() < 0.9
            else submitted[0]
            if rng.random() < 0.6
            else rng.choice(submitted)
        )
        assert accepted.submitted_at is not None and accepted.price_cny is not None
        agreed = accepted.submitted_at + dt.timedelta(days=rng.uniform(1, 10))
        window = rounds.get(need.enterprise_id or 0)
        if window is not None:
            # Between the client's T0 and T1 rounds, so the provider's outcome can be measured.
            t0, t1 = window
            agreed = t0 + (t1 - t0) * rng.uniform(0.1, 0.4)
        agreed = min(agreed, now - dt.timedelta(days=1))
        accepted.status = ProposalStatus.ACCEPTED
        accepted.decided_at = agreed
        for other in asked:
            if other is not accepted and other.status in (ProposalStatus.REQUESTED, ProposalStatus.SUBMITTED):
                other.status = ProposalStatus.DECLINED
                other.decided_at = agreed
                declined.append(other)
        need.status = NeedStatus.MATCHED
        matched_needs.append(need)
        solution = accepted.solution
        good = quality[solution.provider_id]
        deal = Deal(
            proposal=accepted,
            need=need,
            enterprise_id=accepted.enterprise_id,
            provider_id=accepted.provider_id,
            solution=solution,
            amount_cny=accepted.price_cny,
            scenarios=deal_scenarios(need, solution),
            created_at=agreed,
        )
        done = agreed + dt.timedelta(weeks=accepted.delivery_weeks or 4) * rng.uniform(0.8, 1.8)
        if window is not None:
            done = min(done, window[1] - dt.timedelta(days=3))
        fate = rng.random()
        if need.pk in demo_order:  # demo_enterprise: one deal received and reviewed, one in delivery
            done = min(done, now - dt.timedelta(days=5))
            fate = 0.0 if demo_order[need.pk] == 2 else 2.0
            done = done if fate == 0.0 else now + dt.timedelta(days=30)
        if done < now and fate < 0.75 + 0.2 * good:
            deal.status, deal.delivered_at = DealStatus.DELIVERED, done
        elif done < now and fate > 0.95 - 0.1 * (1 - good):
            deal.status, deal.cancelled_at, deal.cancel_reason = (
                DealStatus.CANCELLED,
                done,
                "需求变更，双方协商终止。",
            )
        deals.append(deal)
        events.append(MatchEvent(need=need, solution=solution, kind=MatchEventKind.DEAL, at=agreed))
    Proposal.objects.bulk_update(
        [d.proposal for d in deals] + declined, ["status", "decided_at"], batch_size=1000
    )
    Need.objects.bulk_update(matched_needs, ["status"], batch_size=1000)
    Deal.objects.bulk_create(deals, batch_size=1000)
    _audit(deals, ("status", "amount_cny"))
    MatchEvent.objects.bulk_create(events, batch_size=2000)
    result.deals = len(deals)

    reviews: list[Review] = []
    complaints: list[Complaint] = []
    for deal in deals:
        good = quality[deal.provider_id]
        reviewed = rng.random() < 0.8 or deal.enterprise_id == demo_enterprise_id
        if deal.status == DealStatus.DELIVERED and deal.delivered_at and reviewed:
            rating = max(1, min(5, round(rng.gauss(2.2 + 3 * good, 0.7))))
            reviews.append(
                Review(
                    deal=deal,
                    enterprise_id=deal.enterprise_id,
                    provider_id=deal.provider_id,
                    rating=rating,
                    text=rng.choice(REVIEW_TEXTS[rating]),
                    created_by=demo_enterprise_user if deal.enterprise_id == demo_enterprise_id else None,
                    created_at=deal.delivered_at + dt.timedelta(days=rng.uniform(1, 20)),
                )
            )
        if rng.random() < 0.12 * (1.2 - good):
            upheld = rng.random() < 0.5
            complaints.append(
                Complaint(
                    deal=deal,
                    enterprise_id=deal.enterprise_id,
                    provider_id=deal.provider_id,
                    text=rng.choice(COMPLAINT_TEXTS),
                    status=ComplaintStatus.UPHELD
                    if upheld
                    else rng.choice((ComplaintStatus.OPEN, ComplaintStatus.RESOLVED)),
                    resolution="经核实，服务商未按合同交付，投诉成立（演示数据）。" if upheld else "",
                    created_at=deal.created_at + dt.timedelta(days=rng.uniform(10, 40)),
                )
            )
    for review in reviews:
        review.created_at = min(review.created_at, now)
    Review.objects.bulk_create(reviews, batch_size=1000)
    Complaint.objects.bulk_create(complaints, batch_size=1000)
    _audit(reviews, ("rating",))
    _audit(complaints, ("status",))
    result.reviews = len(reviews)
    # Provider quality changed (reviews, deals): re-rank the needs still open.
    forget_catalogue()
    needs_rank_all(needs=[n for n in needs if n.status == NeedStatus.OPEN])
    return result


def _solution(
    rng: random.Random, provider: Provider, product: Product, *, status: str, now: dt.datetime
) -> Solution:
    edition = rng.choice(EDITIONS)
    regions: list[str] = []
    draw = rng.random()
    if draw < 0.45:
        regions = [provider.region_code[:2] + "0000"]
    elif draw < 0.6:
        regions = sorted({provider.region_code[:2] + "0000", "320000", "310000"})
    low, high = product.price
    price = None if rng.random() < 0.08 else _price(rng, low, high)
    employees_low, employees_high = product.employees
    brand = provider.name[:4]
    updated = _at(now, rng, 5, 400)
    return Solution(
        provider=provider,
        title=f"{brand}{product.title}{edition}",
        description=product.description,
        scenarios=list(product.scenarios),
        industries=list(product.industries),
        regions=regions,
        price_cny_per_year=price,
        deployment=product.deployment,
        min_employees=employees_low,
        max_employees=employees_high,
        status=status,
        published_at=updated if status == SolutionStatus.PUBLISHED else None,
    )
