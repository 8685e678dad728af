"""The knowledge base of standard answers (SPE-1, INQ-2): writes, reads and the demo set.

Every save is a new version with its KnowledgeRevision row; `search_text` holds the CJK
bigram tokens of both languages, so a 2-character word such as 停车 finds its article.
Saves are optimistic: the editor's form carries the version they saw, and a save over
somebody else's newer version is refused rather than silently overwriting it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, is_staff_member, require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.lib.search import index_text, query_tokens, tokens
from wuyedesk.tickets.models import Category, KnowledgeArticle, KnowledgeRevision

EDITOR_POSTS = (Post.MANAGER, Post.ASSISTANT)
TEXT_FIELDS = ("question", "answer", "question_en", "answer_en")
# A query's tokens are matched one LIKE each; beyond this many they add cost, not precision.
MAX_TOKENS = 8
# Bigrams of how callers ask, not of what they ask about: no weight in suggestions.
FILLER = frozenset(tokens("怎么 怎样 什么 如何 可以 能否 是否 请问 一下 业主 客户 我们 你们 需要"))


def may_edit_articles(user) -> bool:
    return has_post(user, *EDITOR_POSTS)


# ---------------------------------------------------------------- reads


def articles_visible_to(user):
    """Every staff member reads the whole knowledge base; nobody else reads any of it."""
    qs = KnowledgeArticle.objects.select_related("category", "category__parent")
    if not is_staff_member(user):
        return qs.none()
    return qs


def article_get_for_user(user, pk) -> KnowledgeArticle:
    return get_object_or_404(articles_visible_to(user).select_related("updated_by__staff"), pk=pk)


def _in_category(category: Category | None) -> Q:
    """An article of the category, of one of its children, or of its parent (general answers
    such as 报修时间 filed under 维修 apply to 维修/电梯 too)."""
    if category is None:
        return Q()
    condition = Q(category=category) | Q(category__parent=category)
    if category.parent_id:
        condition |= Q(category_id=category.parent_id)
    return condition


def article_filter(queryset, text: str = "", category: Category | None = None):
    """Articles containing every token of `text` (AND), optionally of a category."""
    queryset = queryset.filter(_in_category(category))
    words = query_tokens(text, limit=MAX_TOKENS)
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def article_search(text: str, category: Category | None = None, limit: int = 5):
    """Active articles matching every token of `text`, at most `limit` (bounded for pickers)."""
    if not query_tokens(text):
        return []
    qs = article_filter(KnowledgeArticle.objects.filter(active=True), text, category)
    return list(qs.select_related("category", "category__parent").order_by("id")[:limit])


def article_suggest(text: str, limit: int = 5):
    """Best answers for free text such as a call's description, as it is being typed.

    A description ("业主问停车月卡怎么办理") holds many words no article contains, so the
    tokens are ranked, not ANDed: two points per token in the question, one per token only in
    the answer; filler such as 怎么 does not count. Answers scoring under half the best one
    are left out, so one strong match is not buried under weak ones."""
    words = [w for w in query_tokens(text, limit=MAX_TOKENS * 3) if w not in FILLER]
    words = words[: MAX_TOKENS * 2]
    if not words:
        return []
    score = Value(0, output_field=IntegerField())
    for word in words:
        score += Case(
            When(question__icontains=word, then=Value(2)),
            When(search_text__contains=word, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    found = list(
        KnowledgeArticle.objects.filter(active=True)
        .annotate(score=score)
        .filter(score__gte=2 if len(words) > 1 else 1)
        .select_related("category", "category__parent")
        .order_by("-score", "id")[:limit]
    )
    best = found[0].score if found else 0
    return [article for article in found if article.score * 2 >= best]


def article_revisions(article: KnowledgeArticle):
    return article.revisions.select_related("by__staff").order_by("-version")


# ---------------------------------------------------------------- writes


def _search_text(article: KnowledgeArticle) -> str:
    return index_text(*(getattr(article, name) for name in TEXT_FIELDS))


def _write(article: KnowledgeArticle, *, by) -> KnowledgeArticle:
    """Store the article as a new version and its revision row (no permission check)."""
    article.updated_by = by
    article.search_text = _search_text(article)
    article.full_clean(exclude=["updated_by", "search_text"])
    article.save()
    KnowledgeRevision.objects.create(
        article=article,
        version=article.version,
        by=by,
        **{n: getattr(article, n) for n in TEXT_FIELDS},
    )
    return article


def article_save(*, by, form) -> KnowledgeArticle:
    """Create or edit an article from a bound KnowledgeArticleForm (manager, assistant).

    The form's `seen_version` is the version the editor started from; when somebody saved a
    newer one meanwhile the save is refused with a form error and nothing is written."""
    require_post(by, *EDITOR_POSTS)
    creating = form.instance.pk is None
    if not creating and not form.instance.active:
        raise PermissionDenied("archived")
    if not form.is_valid():
        raise FormInvalid(form)
    with transaction.atomic():
        article = form.save(commit=False)
        if creating:
            article.version = 1
        else:
            seen = form.cleaned_data.get("seen_version") or article.version
            # Claim the next version with a conditional update: of two editors, one wins.
            claimed = KnowledgeArticle.objects.filter(pk=article.pk, version=seen).update(
                version=seen + 1
            )
            if not claimed:
                form.add_error(None, _("该条目已被他人修改,请刷新后重试。"))
                raise FormInvalid(form)
            article.version = seen + 1
        _write(article, by=by)
        audit_record(
            actor=by,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=article,
            changes={"version": article.version},
        )
    return article


@transaction.atomic
def article_archive(*, by, article: KnowledgeArticle, archive: bool = True) -> KnowledgeArticle:
    """Take an article out of search and suggestions (or put it back); its history stays."""
    require_post(by, *EDITOR_POSTS)
    if article.active != archive:
        return article
    KnowledgeArticle.objects.filter(pk=article.pk).update(active=not archive)
    article.active = not archive
    audit_record(
        actor=by, action=AuditAction.ARCHIVE if archive else AuditAction.RESTORE, obj=article
    )
    return article


# ---------------------------------------------------------------- demo set

# (category code, question, answer, question_en, answer_en)
DEMO_ARTICLES = [
    (
        "FEES",
        "物业费有哪些缴纳方式?",
        "物业费可通过以下方式缴纳:1. 业主服务平台或微信公众号在线支付;2. 到小区客服中心刷卡、"
        "扫码或现金缴纳;3. 银行代扣(在客服中心签署代扣协议)。物业费按季度预缴,"
        "每季度首月15日前缴清,缴费后可开具电子发票。",
        "How can I pay the property management fee?",
        "You can pay 1) online in the resident portal or our WeChat account, 2) at the "
        "community service centre by card, QR code or cash, or 3) by bank direct debit (sign "
        "the mandate at the service centre). Fees are paid quarterly in advance, by the 15th of "
        "the first month of each quarter; an electronic invoice is issued after payment.",
    ),
    (
        "FEES",
        "物业费发票怎么开?",
        "缴费后可在业主服务平台“我的账单”中申请电子发票,填写抬头和税号后1个工作日内发送到"
        "您的邮箱。需要纸质专用发票的,请携带缴费凭证到客服中心办理。",
        "How do I get an invoice for the property fee?",
        "After paying, request an electronic invoice under “My bills” in the resident portal; "
        "enter the title and tax number and it is e-mailed within one working day. For a paper "
        "special VAT invoice, bring the payment receipt to the service centre.",
    ),
    (
        "PARKING",
        "停车月卡怎么办理?",
        "请携带行驶证、身份证和房产证明(或租赁合同)到客服中心填写停车申请表,"
        "有空余车位时当场办理,缴纳当月停车费后车牌即录入道闸系统。车位已满时可登记排队,"
        "有空位会电话通知。",
        "How do I get a monthly parking permit?",
        "Bring your vehicle licence, ID card and proof of ownership (or tenancy contract) to the "
        "service centre and fill in the parking application. If a space is free it is done on "
        "the spot: pay the first month and your plate is registered at the barrier. When full, "
        "you can join the waiting list and we will phone you.",
    ),
    (
        "PARKING",
        "访客车辆可以进小区停车吗?",
        "访客车辆可在门岗登记后进入,前30分钟免费,之后按临时停车标准收费。业主也可在业主服务"
        "平台提前登记访客车牌,车辆到达时自动放行。",
        "Can visitors park in the community?",
        "Visitors register at the gate; the first 30 minutes are free, then the temporary "
        "parking rate applies. Residents can also pre-register a visitor's plate in the resident "
        "portal so the barrier opens automatically.",
    ),
    (
        "RENOVATION",
        "装修申请流程是什么?",
        "1. 业主携带房产证明、身份证和装修方案(含水电改造图)到客服中心提交装修申请;"
        "2. 工程部在3个工作日内审核;3. 审核通过后缴纳装修押金、办理施工人员出入证;"
        "4. 装修完成后申请验收,验收合格后退还押金。",
        "What is the renovation application process?",
        "1) Bring proof of ownership, your ID and the renovation plan (including plumbing and "
        "wiring drawings) to the service centre; 2) engineering reviews it within 3 working days; "
        "3) once approved, pay the renovation deposit and get passes for the workers; 4) after "
        "the work, ask for an inspection; the deposit is refunded once it passes.",
    ),
    (
        "RENOVATION",
        "装修施工时间有什么规定?",
        "装修施工时间为工作日8:00-12:00、14:00-18:00;周末及法定节假日只允许不产生噪音的"
        "作业,禁止电钻、切割等噪音施工。",
        "When may renovation work be done?",
        "Renovation work is allowed on working days 8:00-12:00 and 14:00-18:00. At weekends and "
        "on public holidays only quiet work is allowed: no drilling, cutting or other noisy work.",
    ),
    (
        "ACCESS",
        "门禁卡丢了怎么补办?",
        "请本人携带身份证到客服中心办理补卡,原卡将立即挂失停用,补卡工本费20元/张,当场可取。"
        "租户需同时提供有效租赁合同。",
        "I lost my access card. How do I get a new one?",
        "Come to the service centre in person with your ID card. The old card is blocked at "
        "once; a replacement costs 20 yuan and is issued on the spot. Tenants also need a valid "
        "tenancy contract.",
    ),
    (
        "AMENITY",
        "物业可以代收快递吗?",
        "小区快递柜24小时可用;大件或需签收的快递可由客服中心代收,到件后短信通知,"
        "请在3天内凭取件短信领取。生鲜及贵重物品不代收。",
        "Can the management office receive parcels for me?",
        "The parcel lockers are open 24 hours. Large parcels or those needing a signature can be "
        "received by the service centre; you get a text message and should collect within 3 "
        "days. We do not accept fresh food or valuables.",
    ),
    (
        "REPAIR",
        "报修时间和上门时间是怎样的?",
        "报修电话24小时接听。一般维修在工作时间(8:00-18:00)安排,接报后2小时内联系您预约"
        "上门时间;漏水、停电、电梯困人等紧急情况24小时随时处理,15分钟内到场。",
        "When can I report a repair, and when will someone come?",
        "The repair line answers 24 hours a day. Ordinary repairs are scheduled in working hours "
        "(8:00-18:00) and we call within 2 hours to agree a visit. Emergencies such as leaks, "
        "power cuts or people trapped in a lift are handled around the clock, on site within 15 "
        "minutes.",
    ),
    (
        "REPAIR",
        "室内维修收费吗?",
        "公共部位和共用设施设备维修不收费;户内维修(如更换水龙头、灯具)只收取材料费,"
        "人工免费,收费标准在客服中心公示。保修期内的房屋质量问题由开发商负责。",
        "Do I pay for repairs inside my flat?",
        "Repairs to common areas and shared equipment are free. For work inside your home (a new "
        "tap, a light fitting) you pay only for materials, labour is free; prices are posted at "
        "the service centre. Construction defects under warranty are the developer's "
        "responsibility.",
    ),
    (
        "LIFT",
        "被困电梯怎么办?",
        "请保持冷静,按下电梯内的紧急呼叫按钮或拨打轿厢内张贴的救援电话,不要强行扒门。"
        "监控中心接报后立即通知维保单位,救援人员30分钟内到达。",
        "What should I do if I am trapped in a lift?",
        "Stay calm, press the emergency call button or phone the rescue number posted in the "
        "car, and do not force the doors. The control room alerts the lift maintenance company "
        "at once; rescuers arrive within 30 minutes.",
    ),
    (
        "SECURITY",
        "小区宠物管理有哪些规定?",
        "犬只须办理犬证并接种疫苗;出门必须拴绳,大型犬须戴嘴套;及时清理宠物粪便;"
        "禁止带宠物进入儿童游乐区;电梯高峰时段请抱起宠物或使用宠物专用电梯。"
        "禁止饲养烈性犬。",
        "What are the rules for pets?",
        "Dogs must be licensed and vaccinated, kept on a lead outside (large dogs muzzled), and "
        "owners must clean up after them. Pets are not allowed in the children's play area; in "
        "lifts at busy times please carry them or use the pet lift. Dangerous breeds are not "
        "allowed.",
    ),
    (
        "CLEANING",
        "垃圾分类投放时间是什么时候?",
        "干垃圾和湿垃圾定时定点投放,时间为每天7:00-9:00和18:00-20:00;可回收物和有害垃圾"
        "可随时投放到专用回收箱;大件垃圾和装修垃圾请预约清运。",
        "When can I put out household waste?",
        "Residual and food waste go to the collection points daily 7:00-9:00 and 18:00-20:00. "
        "Recyclables and hazardous waste can go in their bins at any time. Book a collection for "
        "bulky items and renovation rubble.",
    ),
    (
        "NOISE",
        "邻居夜间噪音扰民怎么处理?",
        "22:00至次日7:00为休息时间。接到投诉后秩序维护人员会上门劝导;多次劝导无效的,"
        "我们将协助您向社区或公安机关反映。",
        "My neighbour is noisy at night. What can you do?",
        "Quiet hours are 22:00 to 7:00. When you report noise, a security officer visits and "
        "asks the neighbour to stop; if repeated visits do not help, we will help you take it to "
        "the neighbourhood committee or the police.",
    ),
    (
        "OTHER",
        "房屋出租需要在物业登记吗?",
        "需要。出租前请业主携带房产证明、租赁合同和租户身份证到客服中心办理租户登记,"
        "租户可据此办理门禁卡和停车手续。",
        "Do I have to register a tenancy with the management office?",
        "Yes. Before letting, bring proof of ownership, the tenancy contract and the tenant's ID "
        "to the service centre to register the tenant; the tenant can then get access cards and "
        "parking.",
    ),
]


@transaction.atomic
def load_demo_articles(*, by) -> list[KnowledgeArticle]:
    """The demo knowledge base (idempotent: questions already present are left alone)."""
    categories = {c.code: c for c in Category.objects.all()}
    existing = set(KnowledgeArticle.objects.values_list("question", flat=True))
    made = []
    for code, question, answer, question_en, answer_en in DEMO_ARTICLES:
        if question in existing or code not in categories:
            continue
        article = KnowledgeArticle(
            category=categories[code],
            question=question,
            answer=answer,
            question_en=question_en,
            answer_en=answer_en,
        )
        made.append(_write(article, by=by))
    return made
