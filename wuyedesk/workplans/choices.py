from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanPeriod(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("已发布")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", _("不低于")
    AT_MOST = "lte", _("不高于")


class Light(models.TextChoices):
    GREEN = "green", _("达标")
    AMBER = "amber", _("接近目标")
    RED = "red", _("未达标")
    NONE = "none", _("暂无数据")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")
    QUARTERLY = "quarterly", _("季报")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交经理")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回修改")


class ReportEventKind(models.TextChoices):
    DRAFTED = "drafted", _("从数据起草")
    SAVED = "saved", _("保存评述")
    SUBMITTED = "submitted", _("提交经理")
    APPROVED = "approved", _("经理批准并报送管理层")
    RETURNED = "returned", _("退回修改")
    PDF = "pdf", _("生成 PDF")


# The sections of a work report, in their order; each has the assistant's commentary.
SECTIONS = {
    "volumes": _("工单量与趋势"),
    "deadlines": _("时限达成"),
    "complaints": _("投诉及处理结果"),
    "satisfaction": _("回访与满意度"),
    "inspections": _("质量检查"),
    "improvements": _("改进事项"),
    "targets": _("目标完成情况"),
    "staffing": _("人员配置"),
    "rewards": _("奖惩情况"),
}
EDITABLE_STATES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
