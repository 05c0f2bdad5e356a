"""Request and response bodies of the JSON API (they make the OpenAPI schema).

Every string a client sends is bounded and must be encodable as UTF-8: Python's JSON parser
accepts lone surrogates ("\\ud800"), which would only fail deep in hashing or SQLite.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from retold.api import document_from_text
from retold.documents import Document, domain_of, parse_published
from retold.text import normalize, split_sentences

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_BATCH = 2000
MAX_TEXT_CHARS = MAX_BODY_BYTES
# Ids travel in URL paths (/api/documents/{id}), so no slashes, spaces or control characters.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@~+\-]{0,199}$"


def _utf8(value: str | None) -> str | None:
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("not valid Unicode (lone surrogate)") from exc
    return value


class DocumentIn(BaseModel):
    """One article to index. Only ``text`` is required; ``id`` defaults to a hash of it."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field fails instead of vanishing

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    id: str | None = Field(None, pattern=ID_PATTERN,
                           description="Stable id; default: hash of the normalised text.")
    url: str | None = Field(None, max_length=2048)
    title: str | None = Field(None, max_length=1000)
    published: str | None = Field(None, max_length=64, description="ISO 8601 date or time.",
                                  examples=["2024-05-01T09:30:00Z"])

    @field_validator("text", "id", "url", "title", "published")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        return _utf8(value)

    @field_validator("text")
    @classmethod
    def _has_sentence(cls, value: str) -> str:
        # A text without a sentence has no fingerprint vector to index.
        if not split_sentences(normalize(value), max_sentences=1):
            raise ValueError("text holds no sentence (nothing to index)")
        return value

    @field_validator("published")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        try:
            parse_published(value)
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"published is not an ISO 8601 date: {exc}") from exc
        return value

    def to_document(self) -> Document:
        return document_from_text(self.text, self.id, url=self.url, domain=domain_of(self.url),
                                  title=self.title, published=parse_published(self.published))


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(
        description=f"At most {MAX_BATCH} documents (more: 413).")


class IngestResult(BaseModel):
    id: str
    status: Literal["added", "exists", "conflict"] = Field(
        description="added: new; exists: same id and text already indexed; conflict: the id "
                    "is indexed with another text (the stored one is kept).")
    family: int | None = None
    role: str = "independent"


class BatchOut(BaseModel):
    results: list[IngestResult]
    added: int
    exists: int
    conflicts: int
    seconds: float


class CheckIn(BaseModel):
    """Either ``text`` or ``document`` (with metadata: ``published`` orders the match)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, min_length=1, max_length=MAX_TEXT_CHARS)
    document: DocumentIn | None = None
    limit: int = Field(10, ge=1, le=50, description="Matches returned at most.")
    drift: int = Field(3, ge=0, le=10, description="Reuse matches that get their drift list.")

    @field_validator("text")
    @classmethod
    def _encodable(cls, value: str | None) -> str | None:
        return _utf8(value)

    @model_validator(mode="after")
    def _one_input(self) -> CheckIn:
        if (self.text is None) == (self.document is None):
            raise ValueError("give exactly one of 'text' and 'document'")
        return self

    def to_document(self) -> Document:
        if self.document is not None:
            return self.document.to_document()
        assert self.text is not None
        return document_from_text(self.text)


class Span(BaseModel):
    a_span: list[int]
    b_span: list[int]
    level: str


class DriftItem(BaseModel):
    type: str
    a_text: str | None
    b_text: str | None
    a_span: list[int] | None
    b_span: list[int] | None
    detail: str


class Match(BaseModel):
    doc_id: str
    title: str | None
    url: str | None
    domain: str | None
    published: str | None
    relation: str = Field(description="copy | rewrite | partial | same_story | related")
    scores: dict[str, float]
    channels: list[str] = Field(description="Candidate channels that proposed the document.")
    family: int | None
    role: str | None = Field(description="The indexed document's role in its family.")
    earlier: Literal["indexed", "query"] | None = Field(
        description="Which side was published first, when both carry a time.")
    alignment: list[Span]
    drift: list[DriftItem] = Field(description="What the query changed from this document.")


class CheckedDocument(BaseModel):
    id: str
    text_hash: str
    n_sentences: int
    truncated: bool
    indexed: bool = Field(description="Whether a document with this id is in the index.")


class FamilyBrief(BaseModel):
    id: int
    source: str | None
    source_reason: str | None
    size: int


class CheckFamily(BaseModel):
    id: int
    source: str | None = Field(description="The family's source document, when known.")
    size: int


class CheckOut(BaseModel):
    document: CheckedDocument
    matches: list[Match]
    families: list[CheckFamily]
    sources: list[str] = Field(description="Likely sources of the text, best first.")


class Member(BaseModel):
    doc_id: str
    role: str
    parent: str | None


class Family(FamilyBrief):
    members: list[Member]
    tree: dict[str, Any]


class DocumentBrief(BaseModel):
    id: str
    title: str | None
    url: str | None
    domain: str | None
    published: str | None


class FamilyDetail(Family):
    documents: list[DocumentBrief]


class FamilyPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[Family]


class Story(BaseModel):
    id: int
    label: str | None
    first: str | None
    last: str | None
    size: int
    members: list[str]


class StoryPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[Story]


class DocumentOut(DocumentBrief):
    path: str | None
    text: str
    family: int | None
    role: str
    story: int | None


class FarmDomain(BaseModel):
    domain: str
    documents: int
    derived: int
    copies: int
    rewrites: int
    partials: int
    share_rewritten: float
    copies_from: dict[str, int]
    network: int | None


class TemplateLine(BaseModel):
    text: str
    domains: list[str]
    documents: int


class TemplateNetwork(BaseModel):
    id: int
    domains: list[str]
    lines: list[TemplateLine]


class FarmsOut(BaseModel):
    domains: list[FarmDomain]
    networks: list[TemplateNetwork]


class StoredPair(BaseModel):
    relation: str
    source: str | None
    confidence: float | None
    direction_reason: str | None


class PairOut(BaseModel):
    """The ``retold compare --json`` contract, plus what the index stored for the pair."""

    a: str
    b: str
    relation: str | None
    scores: dict[str, Any]
    alignment: list[Span]
    drift: list[DriftItem]
    stored: StoredPair | None


class WriterState(BaseModel):
    busy: bool
    queued_documents: int


class Health(BaseModel):
    status: Literal["ok"]
    documents: int
    pending: int = Field(description="Documents stored but not yet compared (a resumed ingest).")
    writer: WriterState


class Error(BaseModel):
    detail: Any
