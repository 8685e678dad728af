from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    ARCHIVE = "archive", _("归档")
    RESTORE = "restore", _("恢复")
    REVEAL = "reveal", _("查看完整个人信息")
    IMPORT = "import", _("批量导入")
    EXPORT = "export", _("导出")
    # Staff two-factor login (#11): the object is the person's user account.
    OTP_ENROL = "otp_enrol", _("启用两步验证")
    OTP_PASS = "otp_pass", _("两步验证通过")
    OTP_FAIL = "otp_fail", _("两步验证失败")
    OTP_CODES = "otp_codes", _("重新生成恢复码")
    OTP_OFF = "otp_off", _("关闭两步验证")
    OTP_RESET = "otp_reset", _("重置两步验证")
    VIEW = "view", _("查看住户档案")
    # A search by a phone number (#12 point 4): the fact of it, never the number.
    SEARCH = "search", _("按电话搜索")


# What the access log (PIPL) holds: who looked at or took away residents' data. These rows
# are kept for the company's `access_log_retention_days`; changes are kept for good.
ACCESS_ACTIONS = (AuditAction.VIEW, AuditAction.REVEAL, AuditAction.EXPORT, AuditAction.SEARCH)


class AuditEntry(models.Model):
    """Who did what to which record, when and from where (MGT-3). Append-only."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=40)
    object_id = models.BigIntegerField(_("对象编号"), null=True)
    object_label = models.CharField(_("对象"), max_length=200, blank=True)
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    # Field names with old/new values; personal fields carry only "已修改", never the value.
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True)
    # What an access was: an export's filter, format and row count; never personal data.
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = pgettext_lazy("plural", "审计日志")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "id"], name="audit_actor_idx"),
            models.Index(fields=["community", "id"], name="audit_community_idx"),
            models.Index(fields=["action", "at"], name="audit_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
