"""The demo company's first policy document (`wuyedesk seed`): the customer-service
regulation in the product's own words, version 1 in force with the default settings.

Short sections, each mapped to the requirement IDs it carries out. The numbers themselves
are not repeated in the text: the text points to the settings section of the same version,
which is what WuyeDesk computes with. The seed writes version 1 directly (it is the first
version of a new company, with nothing to approve it against); every later version goes
through the revision workflow.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wuyedesk.core import reference
from wuyedesk.policies.choices import VersionStatus
from wuyedesk.policies.models import PolicySection
from wuyedesk.policies.services import regulation
from wuyedesk.policies.services.versions import sanitize
from wuyedesk.properties.models import Department

TITLE = "客户服务管理制度"
NUMBER = "KF-ZD-001"
# (heading, body, requirement IDs)
SECTIONS = [
    (
        "一、适用范围与归口",
        "<p>本制度规范物业客服部受理住户咨询、投诉和回访的全过程,以及客服人员的工作要求。"
        "客服部负责本制度的起草、解释和定期评估;本制度自公司管理层批准的生效时间起执行。</p>",
        ["POL-1"],
    ),
    (
        "二、受理渠道",
        "<p>住户可通过电话、电子邮件或住户门户联系客服部。无论从哪个渠道进来,"
        "都登记为同一种工单,按同样的时限处理。</p>",
        ["INQ-1"],
    ),
    (
        "三、咨询的登记与答复",
        "<ul><li>接待人员先确认来电住户的身份和房屋,再如实记录所问事项。</li>"
        "<li>能当场答复的当场答复;不能答复的,转交能够答复的部门,并告知住户。</li>"
        "<li>在本版“服务参数”规定的跟进时限内,向住户反馈进展;超过时限未跟进的工单标记为超时,经理可见。</li></ul>",
        ["INQ-2", "INQ-3", "INQ-4"],
    ),
    (
        "四、投诉的登记与上报",
        "<p>投诉在住户提出时即登记,登记时间与联系时间之间不得拖延;"
        "登记晚于服务参数规定分钟数的,系统标记为“登记延迟”。"
        "按投诉的严重程度,服务参数列明的类别一经登记即通知客服部经理。</p>",
        ["CMP-1", "CMP-2", "MGR-5"],
    ),
    (
        "五、投诉的调查与处理",
        "<p>经理在服务参数规定的调查处理时限内,组织相关部门调查,作出处理决定,并记录纠正措施;"
        "责任部门完成措施后标记完成,由客服部核实。</p>",
        ["CMP-3", "MGR-4"],
    ),
    (
        "六、结果反馈与回访",
        "<p>处理完成后,客服专员把结果告知住户。之后在回访时限内回访,记录是否联系上、"
        "是否满意和备注;住户不满意的,工单重新打开或升级处理。</p>",
        ["CMP-4", "CMP-5"],
    ),
    (
        "七、满意度调查与改进",
        "<p>客服部按服务参数规定的周期开展满意度调查,整理分析后形成报告报经理。"
        "根据调查结果制订改进计划,每项明确责任部门和完成期限,并跟踪效果。</p>",
        ["SUR-1", "SUR-2", "SUR-3"],
    ),
    (
        "八、工作纪律与保密",
        "<ul><li>按时上下班,不无故缺勤、迟到。</li>"
        "<li>仪容仪表整洁,工作时间不做与工作无关的事。</li>"
        "<li>公司和住户信息严格保密:只查看工作需要的信息,个人信息默认遮盖,每次查看和导出都有记录。</li></ul>",
        ["MGT-1", "MGT-2", "MGT-3"],
    ),
    (
        "九、培训与考核",
        "<p>新员工完成入职培训后方可独立上岗;客服部定期组织业务培训并记录。"
        "每季度从工作态度、服务质量和住户满意度三方面考核每位员工,"
        "员工可查看自己考核所依据的数据并提出异议。</p>",
        ["MGT-4", "MGT-5", "MGT-6", "MGT-9"],
    ),
    (
        "十、监督",
        "<p>监督小组定期检查各岗位履职情况,发现的问题限期整改。住户的评价是员工考核的重要依据。"
        "客服部定期召开部门会议,总结经验、讨论问题,会议纪要和待办事项留档。</p>",
        ["SUP-1", "SUP-2", "SUP-3"],
    ),
    (
        "十一、修订与评估",
        "<p>本制度的修订由客服部经理提出,与相关部门讨论后报公司管理层审批;"
        "涉及员工切身利益的条款须经职工讨论协商。客服部在下次评估日期对执行情况进行评估,"
        "根据评估结论调整本制度。</p>",
        ["POL-2", "POL-3"],
    ),
]


@transaction.atomic
def seed_regulation(*, today: dt.date | None = None) -> dict:
    """The regulation's number, title, owner department and version 1's text (idempotent)."""
    today = today or timezone.localdate()
    document = regulation()
    document.number, document.title = NUMBER, TITLE
    document.owner_department = Department.objects.filter(code="KF").first()
    document.next_review_on = document.next_review_on or today + dt.timedelta(days=90)
    document.save()
    version = document.versions.get(status=VersionStatus.IN_FORCE)
    if not version.sections.exists():
        PolicySection.objects.bulk_create(
            PolicySection(
                version=version,
                key=key,
                position=key,
                heading=heading,
                body=sanitize(body),
                requirements=requirements,
            )
            for key, (heading, body, requirements) in enumerate(SECTIONS, start=1)
        )
        version.summary = "首版"
        version.next_review_on = document.next_review_on
        version.requires_staff_consultation = True
        version.staff_consultation_record = "首版经客服部全体员工会议讨论,意见已采纳。"
        version.save()
    reference.changed()
    return {"policy_documents": 1}
