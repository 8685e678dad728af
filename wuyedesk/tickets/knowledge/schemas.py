"""What the knowledge-base API returns and accepts (/api/v1/knowledge)."""

import datetime as dt

from ninja import Field, Schema

from wuyedesk.api.schemas import MAX_ID, Id, LongText, Question
from wuyedesk.tickets.schemas import CategoryRef, PersonRef, Version, person


class KnowledgeOut(Schema):
    id: int
    category: CategoryRef
    question: str
    answer: str
    question_en: str
    answer_en: str
    version: int
    active: bool
    updated_by: PersonRef
    updated_at: dt.datetime

    @staticmethod
    def resolve_updated_by(obj):
        return person(obj.updated_by)


class KnowledgePage(Schema):
    items: list[KnowledgeOut]
    next_cursor: int | None = None


class KnowledgeFilters(Schema):
    q: str | None = Field(None, max_length=100)
    category: Id | None = Field(None, description="a category, its parent or its children")
    archived: bool = Field(False, description="include archived articles (editors only)")
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


class KnowledgeIn(Schema):
    category: Id
    question: Question
    answer: LongText
    question_en: Question = ""
    answer_en: LongText = ""


class KnowledgePatch(Schema):
    category: Id | None = None
    question: Question | None = None
    answer: LongText | None = None
    question_en: Question | None = None
    answer_en: LongText | None = None
    version: Version | None = None
