"""Estates and the people in them: Community → Building → Unit → Room, Resident, Occupancy."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.accounts.choices import DEFAULT_EXPORT_POSTS, DEFAULT_TWO_FACTOR_POSTS
from wuyedesk.lib.privacy import (
    mask_address,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)
from wuyedesk.lib.rates import validate_rate
from wuyedesk.properties.choices import DepartmentKind, Gender, OccupancyRole


class Archivable(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


def default_export_posts() -> list[str]:
    return list(DEFAULT_EXPORT_POSTS)


def default_two_factor_posts() -> list[str]:
    return list(DEFAULT_TWO_FACTOR_POSTS)


class Company(models.Model):
    """The one company this installation serves (a single row, pk=1)."""

    name = models.CharField(_("公司名称"), max_length=100, default="示例物业服务有限公司")
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    phone = models.CharField(_("客服电话"), max_length=20, blank=True)
    email = models.EmailField(_("客服邮箱"), blank=True)
    address = models.CharField(_("公司地址"), max_length=200, blank=True)
    reveal_posts = models.JSONField(
        _("可查看完整个人信息的岗位"),
        default=list,
        blank=True,
        help_text=_("这些岗位可以点击“显示”查看完整的电话和证件号,每次查看都会记入审计日志。"),
    )
    export_posts = models.JSONField(
        _("可导出个人信息的岗位"),
        default=default_export_posts,
        blank=True,
        help_text=_(
            "住户、入住、员工、调查答卷和带住户的工单列表只有这些岗位能导出,每次导出都记入访问日志。"
        ),
    )
    two_factor_posts = models.JSONField(
        _("须两步验证登录的岗位"),
        default=default_two_factor_posts,
        blank=True,
        help_text=_("这些岗位的员工登录时除密码外还须输入验证器应用中的动态码。"),
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        _("员工闲置自动退出(分钟)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
    )
    access_log_retention_days = models.PositiveSmallIntegerField(
        _("访问日志保留天数"),
        default=365,
        validators=[MinValueValidator(180), MaxValueValidator(3650)],
        help_text=_("查看住户档案、显示完整号码和导出的记录保留这么多天后删除。"),
    )
    # Rate limits, as "count/window" (django-ratelimit's form): 20/10m is 20 per 10 minutes.
    rate_login = models.CharField(
        _("登录和令牌尝试(每个来源地址)"),
        max_length=16,
        default="20/10m",
        validators=[validate_rate],
        help_text=_("同一地址对所有用户名的尝试合计。"),
    )
    rate_signup = models.CharField(
        _("业主注册(每个来源地址)"), max_length=16, default="10/h", validators=[validate_rate]
    )
    rate_code_per_number = models.CharField(
        _("验证码发送(每个手机号)"), max_length=16, default="5/h", validators=[validate_rate]
    )
    rate_code_per_address = models.CharField(
        _("验证码发送(每个来源地址)"), max_length=16, default="20/h", validators=[validate_rate]
    )
    rate_password_reset = models.CharField(
        _("找回密码邮件(每个邮箱和每个来源地址)"),
        max_length=16,
        default="5/h",
        validators=[validate_rate],
    )
    rate_survey_link = models.CharField(
        _("匿名问卷链接(每个来源地址)"), max_length=16, default="60/10m", validators=[validate_rate]
    )
    rate_metrics = models.CharField(
        _("监控指标读取(每个来源地址)"),
        max_length=16,
        default="30/m",
        validators=[validate_rate],
        help_text=_("Prometheus 等监控系统读取 /system/metrics 的次数。"),
    )

    class Meta:
        verbose_name = _("公司设置")
        verbose_name_plural = pgettext_lazy("plural", "公司设置")

    def __str__(self) -> str:
        return self.name


class Community(Archivable):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    city = models.CharField(_("城市"), max_length=40, blank=True)
    district = models.CharField(_("区县"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = pgettext_lazy("plural", "小区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(Archivable):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("小区")
    )
    name = models.CharField(_("楼栋"), max_length=40)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = pgettext_lazy("plural", "楼栋")
        ordering = ["community_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="building_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.community.name}-{self.name}"


class Unit(Archivable):
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼栋")
    )
    # Copied from the building so that scoping is one indexed filter, not a join.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False
    )
    name = models.CharField(_("单元"), max_length=40)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = pgettext_lazy("plural", "单元")
        ordering = ["building_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["building", "name"], name="unit_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.building}-{self.name}"

    def save(self, *args, **kwargs):
        self.community_id = self.building.community_id
        super().save(*args, **kwargs)


class Room(Archivable):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("单元")
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="+", editable=False
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False
    )
    number = models.CharField(_("房号"), max_length=20)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    area = models.DecimalField(
        _("建筑面积(㎡)"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = pgettext_lazy("plural", "房屋")
        ordering = ["community_id", "building_id", "unit_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="room_unique_number")
        ]
        indexes = [models.Index(fields=["community", "id"], name="room_community_idx")]

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        self.building_id = self.unit.building_id
        self.community_id = self.unit.community_id
        super().save(*args, **kwargs)

    @property
    def address(self) -> str:
        """小区-楼栋-单元-房号, the form residents and staff both recognise."""
        unit = self.unit
        return f"{unit.building.community.name}-{unit.building.name}-{unit.name}-{self.number}"


class Resident(Archivable):
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20, validators=[validate_phone], db_index=True)
    email = models.EmailField(_("邮箱"), blank=True, db_index=True)
    id_number = models.CharField(
        _("身份证号"), max_length=18, blank=True, validators=[validate_id_number]
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    # The community whose staff look after this person; rooms in others add to who may see them.
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="residents", verbose_name=_("所属小区")
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = pgettext_lazy("plural", "住户")
        ordering = ["-id"]
        indexes = [models.Index(fields=["community", "id"], name="resident_community_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)


class ResidentNameGram(models.Model):
    """Each two adjacent characters of a resident's name, in lower case: an index for the
    name search (properties.selectors.name_search), which otherwise reads every resident's
    name for each search, as a LIKE '%…%' must. Neither SQLite's FTS5 trigram tokenizer
    nor PostgreSQL's pg_trgm serves a two-character Chinese name, the most common search.

    The database writes these rows itself: triggers on properties_resident (migration
    0004_resident_name_grams) add, replace and remove them on every insert, rename and
    delete, however the row is written (the ORM, bulk inserts, the seed, SQL by hand), so
    they cannot fall out of step. Nothing in Python writes them."""

    pk = models.CompositePrimaryKey("gram", "resident")
    gram = models.CharField(max_length=2)
    resident = models.ForeignKey(
        Resident, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    def __str__(self) -> str:
        return self.gram


class Occupancy(models.Model):
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("住户")
    )
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="occupancies", verbose_name=_("房屋")
    )
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", editable=False
    )
    role = models.CharField(_("身份"), max_length=10, choices=OccupancyRole.choices)
    move_in = models.DateField(_("入住日期"), null=True, blank=True)
    move_out = models.DateField(_("迁出日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("入住关系")
        verbose_name_plural = pgettext_lazy("plural", "入住关系")
        ordering = ["-move_in", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(move_out__isnull=True)
                | Q(move_in__isnull=True)
                | Q(move_out__gte=F("move_in")),
                name="occupancy_move_out_after_move_in",
                violation_error_message=_("迁出日期不能早于入住日期。"),
            ),
            models.UniqueConstraint(
                fields=["resident", "room"],
                condition=Q(move_out__isnull=True),
                name="occupancy_one_current_per_room",
                violation_error_message=_("该住户已登记在这间房屋。"),
            ),
        ]
        indexes = [models.Index(fields=["community", "id"], name="occupancy_community_idx")]

    def __str__(self) -> str:
        return f"{self.resident} @ {self.room}"

    def save(self, *args, **kwargs):
        self.community_id = self.room.community_id
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.move_out is None


class Department(Archivable):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(
        _("类型"), max_length=10, choices=DepartmentKind.choices, default=DepartmentKind.INTERNAL
    )
    communities = models.ManyToManyField(
        Community, related_name="departments", blank=True, verbose_name=_("服务小区")
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = pgettext_lazy("plural", "部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ImportKind(models.TextChoices):
    COMMUNITIES = "communities", _("小区")
    ROOMS = "rooms", _("楼栋、单元和房屋")
    RESIDENTS = "residents", _("住户及入住关系")


class ImportStatus(models.TextChoices):
    INVALID = "invalid", _("有错误,未导入")
    READY = "ready", _("校验通过,待确认")
    IMPORTED = "imported", _("已导入")


class ImportBatch(models.Model):
    """An uploaded spreadsheet, kept so that preview and confirmation read the same bytes."""

    kind = models.CharField(_("类型"), max_length=20, choices=ImportKind.choices)
    filename = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("导入条数"), default=0)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = pgettext_lazy("plural", "导入批次")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"
