"""Training (MGT-4, MGT-5): courses (induction or regular; mandatory for some posts, with
hours, a pass mark and, for regular mandatory courses, how often they are renewed),
sessions of a course with their attendees, and each attendee's attendance, hours and exam
score. A person's training record is their attendance rows; "passed" is stored with the
result (score >= the course's pass mark, or attended for a course without an exam)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.training.choices import CourseKind, SessionStatus

USER = settings.AUTH_USER_MODEL


class Course(models.Model):
    title = models.CharField(_("课程名称"), max_length=80, unique=True)
    kind = models.CharField(_("培训类型"), max_length=10, choices=CourseKind.choices)
    description = models.TextField(_("课程内容"), blank=True)
    mandatory = models.BooleanField(_("必修"), default=True)
    # Post values (accounts.choices.Post); empty: every staff member.
    posts = models.JSONField(_("适用岗位"), default=list, blank=True)
    hours = models.DecimalField(
        _("课时(小时)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    # None: no exam; attending passes.
    pass_mark = models.PositiveSmallIntegerField(
        _("及格分"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    # Regular mandatory courses: renewed every so many months (None: once is enough).
    recurrence_months = models.PositiveSmallIntegerField(
        _("复训周期(月)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    archived_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = pgettext_lazy("plural", "培训课程")
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_exam(self) -> bool:
        return self.pass_mark is not None

    def applies_to(self, posts) -> bool:
        return not self.posts or bool(set(self.posts) & {str(p) for p in posts})


class Session(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("课程")
    )
    starts_at = models.DateTimeField(_("开始时间"))
    hours = models.DecimalField(
        _("课时(小时)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    trainer = models.CharField(_("讲师"), max_length=60)
    place = models.CharField(_("地点"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = pgettext_lazy("plural", "培训场次")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["starts_at"], name="training_session_start")]

    def __str__(self) -> str:
        return f"{self.course} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """One attendee of a session: enrolled, then attended or not, hours and exam score."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # None until the organiser records the session's results.
    attended = models.BooleanField(_("出勤"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        _("考试成绩"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    hours = models.DecimalField(_("计入课时"), max_digits=5, decimal_places=1, default=0)
    passed = models.BooleanField(_("通过"), default=False)
    enrolled_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = pgettext_lazy("plural", "培训记录")
        ordering = ["session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="training_attendee_once"),
            models.CheckConstraint(
                condition=Q(passed=False) | Q(attended=True), name="training_passed_attended"
            ),
        ]
        indexes = [models.Index(fields=["user", "passed"], name="training_attendance_user")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.user_id}"
