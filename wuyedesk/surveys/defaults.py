"""The service dimensions and the demo questionnaire every installation starts with.

Written against a model lookup (`apps.get_model`) so the data migration and the seeding
build the same rows.
"""

# code, 中文, English, department code (properties seeding) responsible for it
DIMENSIONS = [
    ("service", "客服", "Customer service", "KF"),
    ("repair", "工程维修", "Repairs and maintenance", "GC"),
    ("security", "秩序维护", "Security and order", "ZX"),
    ("cleaning", "环境卫生", "Cleaning and sanitation", "HJ"),
    ("greening", "绿化", "Landscaping", "LH"),
    ("parking", "停车", "Parking", "ZX"),
    ("billing", "收费", "Fees and billing", "CW"),
]

DEMO_CODE = "QSAT"
OVERALL_CODE = "overall"
NPS_CODE = "nps"
SUGGESTION_CODE = "suggestion"

CONTACT_CHOICES = [
    {"value": "phone", "zh": "电话", "en": "Phone"},
    {"value": "portal", "zh": "业主服务平台", "en": "Resident portal"},
    {"value": "walk_in", "zh": "到客服中心", "en": "Service desk in person"},
    {"value": "wechat", "zh": "微信群", "en": "WeChat group"},
]
PRIORITY_CHOICES = [{"value": code, "zh": zh, "en": en} for code, zh, en, _dept in DIMENSIONS]


def dimension_code(code: str) -> str:
    return f"dim_{code}"


def ensure_dimensions(get_model) -> dict:
    Dimension = get_model("surveys", "Dimension")
    made = {}
    for position, (code, zh, en, _dept) in enumerate(DIMENSIONS):
        made[code], _created = Dimension.objects.get_or_create(
            code=code, defaults={"name": zh, "name_en": en, "position": position}
        )
    return made


def link_departments(get_model) -> int:
    """Point each dimension without a department at its default one, when that exists."""
    Dimension = get_model("surveys", "Dimension")
    Department = get_model("properties", "Department")
    by_code = {d.code: d.pk for d in Department.objects.filter(archived_at__isnull=True)}
    linked = 0
    for code, _zh, _en, dept in DIMENSIONS:
        if dept in by_code:
            linked += Dimension.objects.filter(code=code, department__isnull=True).update(
                department_id=by_code[dept]
            )
    return linked


def ensure_demo_questionnaire(get_model, *, published_at):
    """The demo questionnaire's first version, published, unless it already exists."""
    Questionnaire = get_model("surveys", "Questionnaire")
    Version = get_model("surveys", "QuestionnaireVersion")
    Section = get_model("surveys", "Section")
    Question = get_model("surveys", "Question")
    dims = ensure_dimensions(get_model)
    questionnaire, _created = Questionnaire.objects.get_or_create(
        code=DEMO_CODE,
        defaults={
            "title": "业主满意度季度调查",
            "title_en": "Quarterly resident satisfaction survey",
        },
    )
    existing = Version.objects.filter(questionnaire=questionnaire).order_by("number").first()
    if existing is not None:
        return existing
    version = Version.objects.create(
        questionnaire=questionnaire,
        number=1,
        intro="感谢您抽出几分钟评价我们的服务。您的回答只用于改进服务。",
        intro_en="Thank you for taking a few minutes to rate our service. "
        "Your answers are used only to improve it.",
        script="您好,我是物业客服中心的{name},正在做本季度的业主满意度回访,"
        "大约需要三分钟,请问现在方便吗?",
        script_en="Hello, this is {name} from the property service centre. We are doing this "
        "quarter's satisfaction survey; it takes about three minutes. Is now a good time?",
        published_at=published_at,
    )
    overall = Section.objects.create(
        version=version, position=1, title="总体评价", title_en="Overall"
    )
    detail = Section.objects.create(
        version=version, position=2, title="各项服务", title_en="Each service"
    )
    other = Section.objects.create(version=version, position=3, title="其他", title_en="Other")

    def question(section, position, **fields):
        Question.objects.create(version=version, section=section, position=position, **fields)

    question(
        overall,
        1,
        code=OVERALL_CODE,
        kind="rating_1_5",
        text="总体来说,您对我们的物业服务满意吗?",
        text_en="Overall, how satisfied are you with our property service?",
        is_overall=True,
    )
    question(
        overall,
        2,
        code=NPS_CODE,
        kind="nps_0_10",
        text="您有多大可能向亲友推荐本小区的物业服务?(0–10)",
        text_en="How likely are you to recommend our service to friends and family? (0–10)",
    )
    for position, (code, zh, en, _dept) in enumerate(DIMENSIONS, start=1):
        question(
            detail,
            position,
            code=dimension_code(code),
            kind="rating_1_5",
            text=f"您对{zh}服务满意吗?",
            text_en=f"How satisfied are you with {en.lower()}?",
            dimension=dims[code],
        )
    question(
        other,
        1,
        code="contact_way",
        kind="single",
        text="您最常通过哪种方式联系物业?",
        text_en="How do you usually contact us?",
        choices=CONTACT_CHOICES,
    )
    question(
        other,
        2,
        code="priorities",
        kind="multiple",
        text="您希望我们优先改进哪些方面?(可多选)",
        text_en="Which areas should we improve first? (choose any)",
        choices=PRIORITY_CHOICES,
        required=False,
    )
    question(
        other,
        3,
        code=SUGGESTION_CODE,
        kind="text",
        text="您对我们的服务还有什么建议?",
        text_en="Any other suggestions for us?",
        required=False,
    )
    return version
