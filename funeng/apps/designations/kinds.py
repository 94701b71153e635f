"""The designation lists (认定名录) the seeds name, each with the library clause that calls for it.

The seed documents set targets for these lists (到2022年,培育400家上云标杆企业) but give no measurable
criteria for entering one: the clauses describe what the designation is about, and who is listed is
an official's decision. So each kind quotes, verbatim, what its clause says; the English beside it is
our translation, shown as such. A test checks every clause id resolves and every quote is in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ZJ_PLAN = "zj-2020-digital-empowerment"  # 浙江省数字赋能促进新业态新模式发展行动计划（2020—2022年）
NDRC_552 = "ndrc-2020-552"  # 发改高技〔2020〕552号


@dataclass(frozen=True)
class DesignationKind:
    """One list: its id, its name (English msgid; Chinese for reference), the clauses it rests on."""

    id: str
    name: Promise
    name_zh: str
    clause_ids: tuple[str, ...]
    # The monitoring indicator that counts the list's active entries; None when none does.
    indicator: str | None
    # Approved entries are published in the case library (案例库) for other enterprises to learn from.
    case_library: bool
    # Verbatim quotes from the clauses (the first clause first) and our English translation of them.
    criteria_zh: tuple[str, ...]
    criteria_en: tuple[Promise, ...]

    @property
    def clause_id(self) -> str:
        """The clause that names the list first (growth_directory rests on two documents)."""
        return self.clause_ids[0]


KINDS: tuple[DesignationKind, ...] = (
    DesignationKind(
        id="cloud_benchmark",
        name=_("Cloud benchmark enterprises"),
        name_zh="上云标杆企业",
        clause_ids=(f"{ZJ_PLAN}/二/(一)/1",),
        indicator="cloud_benchmark_enterprises",
        case_library=False,
        criteria_zh=(
            "推广工业企业设备联网上云、数据集成上云等深度用云模式",
            "到2022年,培育400家上云标杆企业",
        ),
        criteria_en=(
            _(
                "promote deep cloud use such as connecting industrial equipment to the cloud and integrating data in the cloud"
            ),
            _("by 2022, foster 400 cloud benchmark enterprises"),
        ),
    ),
    DesignationKind(
        id="shared_factory",
        name=_("Shared manufacturing workshops and factories"),
        name_zh="共享制造车间/共享工厂",
        clause_ids=(f"{ZJ_PLAN}/二/(二)/4",),
        indicator="shared_manufacturing_workshops",
        case_library=False,
        criteria_zh=(
            "鼓励龙头企业建设共享工厂,集中配置通用性强、购置成本高的生产设备,面向行业发展分包协同生产、融资租赁",
            "到2022年,建设20个(家)具备共享制造能力的车间(工厂)",
        ),
        criteria_en=(
            _(
                "encourage leading enterprises to build shared factories that pool widely usable, costly production "
                "equipment and offer the industry subcontracted co-production and finance leasing"
            ),
            _("by 2022, build 20 workshops (factories) capable of shared manufacturing"),
        ),
    ),
    DesignationKind(
        id="future_factory",
        name=_("Future factories"),
        name_zh="未来工厂",
        clause_ids=(f"{ZJ_PLAN}/二/(二)/5",),
        indicator="future_factories",
        case_library=False,
        criteria_zh=(
            "打造数字化设计、智能化生产、智慧化管理、协同化制造、绿色化制造、安全化管控和效益大幅提升的现代化工厂",
            "到2022年,培育建设30家左右“未来工厂”",
        ),
        criteria_en=(
            _(
                "build modern factories with digital design, intelligent production, smart management, collaborative "
                "and green manufacturing, safe control and much higher returns"
            ),
            _("by 2022, foster about 30 future factories"),
        ),
    ),
    DesignationKind(
        id="digital_agri_factory",
        name=_("Digital agriculture factories"),
        name_zh="数字农业工厂",
        clause_ids=(f"{ZJ_PLAN}/二/(六)/26",),
        indicator="digital_agriculture_factories",
        case_library=False,
        criteria_zh=("发展智慧农业、农村电子商务等新业态", "250家数字农业工厂"),
        criteria_en=(
            _("develop new forms of business such as smart agriculture and rural e-commerce"),
            _("(by 2022) 250 digital agriculture factories"),
        ),
    ),
    DesignationKind(
        id="growth_directory",
        name=_("Directory of growing new-business-form enterprises"),
        name_zh="新业态成长型企业名录",
        clause_ids=(f"{ZJ_PLAN}/二/(四)/17", f"{NDRC_552}/三/(三)/2"),
        indicator="growth_directory_enterprises",
        case_library=False,
        criteria_zh=(
            "建立微经济等新业态成长型企业名录",
            "面向数字经济新型场景应用、数据标注等新兴领域，探索建立新业态成长型企业名录制度，实行动态管理",
        ),
        criteria_en=(
            _("set up a directory of growing enterprises of new forms of business such as the micro-economy"),
            _(
                "for emerging fields such as new digital-economy scenarios and data labelling, explore a directory "
                "system for growing new-business-form enterprises under dynamic management"
            ),
        ),
    ),
    DesignationKind(
        id="dt_benchmark",
        name=_("Digital transformation benchmark enterprises"),
        name_zh="数字化转型标杆企业",
        clause_ids=(f"{NDRC_552}/三/(二)/1",),
        indicator="dt_benchmark_enterprises",
        case_library=True,
        criteria_zh=("结合行业领域特征，树立一批具有行业代表性的数字化转型标杆企业",),
        criteria_en=(
            _(
                "in line with the features of each industry, set up a group of digital transformation benchmark "
                "enterprises representative of their industry"
            ),
        ),
    ),
    DesignationKind(
        id="typical_scenario",
        name=_("Typical application scenarios"),
        name_zh="典型应用场景",
        clause_ids=(f"{NDRC_552}/三/(二)/1",),
        indicator=None,
        case_library=True,
        criteria_zh=("组织平台企业和中小微企业用户联合打造典型应用场景",),
        criteria_en=(
            _("have platform enterprises and SME users jointly build typical application scenarios"),
        ),
    ),
)

KINDS_BY_ID: dict[str, DesignationKind] = {kind.id: kind for kind in KINDS}
CASE_LIBRARY_KINDS: tuple[str, ...] = tuple(kind.id for kind in KINDS if kind.case_library)


def kind_of(kind_id: str) -> DesignationKind:
    """The kind with this id; KeyError for an unknown one."""
    return KINDS_BY_ID[kind_id]
