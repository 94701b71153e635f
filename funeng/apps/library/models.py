"""The policy library (政策库) as stored: documents, their versions, clauses, measures, targets, rule links.

Clauses, measures and targets belong to a document's current version and are replaced when it is
re-ingested; every version keeps its text, so two versions can be compared clause by clause.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from engines.library.model import CLAUSE_KINDS, DOC_TYPES, LEVELS, TARGET_OPS, VALIDITY


class Level(models.TextChoices):
    NATIONAL = "national", _("national")
    PROVINCIAL = "provincial", _("provincial")
    MUNICIPAL = "municipal", _("municipal")
    COUNTY = "county", _("county")
    UNKNOWN = "unknown", _("unknown")


class DocType(models.TextChoices):
    PLAN = "plan", _("plan")
    NOTICE = "notice", _("notice")
    CRITERIA = "criteria", _("criteria")
    LAW = "law", _("law")
    OPINION = "opinion", _("opinion")
    INTERPRETATION = "interpretation", _("interpretation")
    CLASSIFICATION = "classification", _("classification")
    OTHER = "other", _("other")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    EXPIRED = "expired", _("expired")
    UNKNOWN = "unknown", _("unknown")


class LinkStatus(models.TextChoices):
    CURRENT = "current", _("current")
    TO_REVIEW = "to_review", _("to review")


# The engine's vocabularies and the stored choices are one list; a drift fails at import.
assert (
    tuple(Level.values) == LEVELS
    and tuple(DocType.values) == DOC_TYPES
    and tuple(Validity.values) == VALIDITY
)


class PolicyDocument(models.Model):
    """One policy document: its stable id, its metadata and the number of its current version."""

    slug = models.SlugField(_("document id"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(_("document number"), max_length=80, blank=True, default="")
    issuers = models.JSONField(_("issuing bodies"), default=list, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.UNKNOWN)
    # GB/T 2260; blank for a national document.
    region_code = models.CharField(_("region"), max_length=6, blank=True, default="", db_index=True)
    doc_type = models.CharField(_("type"), max_length=16, choices=DocType.choices, default=DocType.OTHER)
    validity = models.CharField(
        _("validity"), max_length=16, choices=Validity.choices, default=Validity.UNKNOWN
    )
    # Metadata fields inferred rather than stated in the text: the pages mark them provisional.
    provisional = models.JSONField(_("provisional fields"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True, default="")
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["-issued_on", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int | None:
        return self.issued_on.year if self.issued_on else None


class DocumentVersion(models.Model):
    """The cleaned text of one ingested version, with what cleaning removed."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    source_hash = models.CharField(_("source SHA-256"), max_length=64)
    filename = models.CharField(_("file name"), max_length=200, blank=True, default="")
    notes = models.JSONField(_("cleaning notes"), default=list, blank=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ingested_at = models.DateTimeField(_("ingested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="library_version_once")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class Clause(models.Model):
    """A numbered unit of the current version, with its stable id (`<document>/二/(一)/1`)."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="clauses")
    key = models.CharField(_("clause id"), max_length=200, unique=True)
    parent_key = models.CharField(max_length=200, blank=True, default="")
    position = models.PositiveIntegerField()
    depth = models.PositiveSmallIntegerField()
    label = models.CharField(_("numbering"), max_length=40, blank=True, default="")
    kind = models.CharField(max_length=16, choices=[(k, k) for k in CLAUSE_KINDS])
    heading = models.CharField(_("heading"), max_length=300, blank=True, default="")
    text = models.TextField(_("text"))
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["document", "position"]
        indexes = [models.Index(fields=["document", "position"])]

    def __str__(self) -> str:
        return f"{self.document}（{self.label or self.key.rsplit('/', 1)[-1]}）"

    @property
    def body(self) -> str:
        """The text to show under the clause's label and heading: a line holding only them is dropped."""
        first, _, rest = self.text.partition("\n")
        squeeze = "".join(first.split()).rstrip("。.")
        if self.label and squeeze == "".join(f"{self.label}{self.heading}".split()).rstrip("。."):
            return rest
        return self.text

    @property
    def title(self) -> str:
        """What the clause is about: its heading, else its text without the numbering."""
        if self.heading:
            return self.heading
        text = self.body.strip()
        return text[len(self.label) :].strip() if self.label and text.startswith(self.label) else text

    @property
    def anchor(self) -> str:
        """The clause's anchor on its document page: its id without the document part."""
        return "c-" + self.key.split("/", 1)[-1]


class Measure(models.Model):
    """A numbered measure of a plan with its responsible units (责任单位); the first listed leads."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="measures")
    # Document order; `no` is the printed number, which restarts in some documents' sections.
    position = models.PositiveIntegerField()
    no = models.PositiveIntegerField(_("no."))
    clause_key = models.CharField(_("clause id"), max_length=200)
    title = models.CharField(_("measure"), max_length=300)
    units = models.JSONField(_("responsible units"), default=list, blank=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["document", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="library_measure_once")]

    def __str__(self) -> str:
        return f"{self.no}. {self.title}"

    @property
    def lead_unit(self) -> str:
        return str(self.units[0]) if self.units else ""


class Target(models.Model):
    """A numeric target read from a clause: value in the base unit, year, comparison, what is counted."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="targets")
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    position = models.PositiveIntegerField()
    clause_key = models.CharField(_("clause id"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    op = models.CharField(_("comparison"), max_length=2, choices=[(o, o) for o in TARGET_OPS])
    what = models.CharField(_("what is counted"), max_length=200)
    raw = models.CharField(_("source text"), max_length=500)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["document", "position"]

    def __str__(self) -> str:
        return self.raw


class RuleLink(models.Model):
    """A rule condition that cites a library clause; 'to review' once the clause's text has changed."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="rule_links")
    clause_key = models.CharField(_("clause id"), max_length=200, db_index=True)
    programme_id = models.CharField(_("programme"), max_length=64)
    node_id = models.CharField(_("condition"), max_length=64)
    quote = models.TextField(_("quoted text"))
    status = models.CharField(
        _("status"), max_length=16, choices=LinkStatus.choices, default=LinkStatus.CURRENT
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    checked_version = models.PositiveIntegerField(_("checked against version"))

    class Meta:
        verbose_name = _("rule link")
        verbose_name_plural = _("rule links")
        ordering = ["programme_id", "node_id"]
        constraints = [
            models.UniqueConstraint(fields=["programme_id", "node_id"], name="library_rule_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.node_id} → {self.clause_key}"
