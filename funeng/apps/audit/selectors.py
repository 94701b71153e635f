"""Reads of the audit log: filters, the filtered list, and readable labels for its rows."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from funeng.apps.audit.display import display_of
from funeng.apps.audit.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACTOR_MAX = 150
OBJECT_ID_MAX = 64
Q_MAX = 100
# Model labels as audit_record writes them (Model._meta.label_lower).
OBJECT_TYPE_PATTERN = re.compile(r"^[a-z0-9_]{1,30}\.[a-z0-9_]{1,33}$")
ACTION_PATTERN = re.compile(r"^[a-z_]{1,16}$")
# Only the form the date input sends; fromisoformat alone would also take 20240101 or 2024-W01-1.
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VALUE_MAX = 500
EMPTY = "—"

FIELD_LABELS: dict[str, StrOrPromise] = {
    "actor": _("Actor"),
    "action": _("Action"),
    "object_type": _("Object type"),
    "object_id": _("Object id"),
    "date_from": _("From"),
    "date_to": _("To"),
    "q": _("Object contains"),
}


# ---------------------------------------------------------------- labels


@lru_cache(maxsize=512)
def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def object_type_label(label: str) -> StrOrPromise:
    """The model's translated verbose name, or the raw label when no installed model has it."""
    model = _model(label)
    return label if model is None else model._meta.verbose_name or label


def action_label(action: str) -> StrOrPromise:
    """The translated name of an action; actions outside AuditAction are shown as written."""
    return AuditAction(action).label if action in AuditAction.values else action


def _field(model: type[models.Model] | None, name: str) -> Any:
    """The model field a change key names: the field itself, or the id field behind a short key
    ("framework" for framework_id, "programme" for programme_id)."""
    if model is None:
        return None
    for candidate in (name, f"{name}_id"):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


def _is_reference(model_field: Any) -> bool:
    return bool(getattr(model_field, "many_to_one", False) or getattr(model_field, "one_to_one", False))


def _separator() -> str:
    return ", " if (translation.get_language() or "").startswith("en") else "、"


def _clipped(text: str) -> str:
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


@dataclass(frozen=True)
class ChangeLine:
    """One changed field: its label and old and new values as text ("" old when none was given)."""

    field: str
    label: str
    old: str
    new: str
    has_old: bool = True

    def __str__(self) -> str:
        if not self.has_old:
            return f"{self.label}: {self.new}"
        return f"{self.label}: {self.old} → {self.new}"


class ChangeFormatter:
    """Reads rows' diffs as lines a person understands, in the active language.

    Labels come from the fields' verbose names and from what apps registered (audit.display);
    values become choice labels, the names of the objects a foreign key points at, and lists of
    such labels. The names behind the foreign keys of all rows given are fetched up front, one
    query per related model, so a page of rows costs a fixed number of queries.
    """

    def __init__(self, events: Iterable[AuditEvent] = ()) -> None:
        self._names: dict[tuple[str, str], str] = {}
        self.prefetch(events)

    def prefetch(self, events: Iterable[AuditEvent]) -> None:
        """Look up the names behind the foreign keys that these rows' changes hold, in bulk."""
        wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        for event in events:
            model = _model(event.object_type)
            if model is None or not isinstance(event.changes, dict):
                continue
            for name, change in event.changes.items():
                model_field = _field(model, str(name))
                if not _is_reference(model_field):
                    continue
                values = change if isinstance(change, list) and len(change) == 2 else [change]
                related = model_field.related_model
                for value in values:
                    usable = isinstance(value, int | str) and not isinstance(value, bool) and value != ""
                    if usable and (related._meta.label_lower, str(value)) not in self._names:
                        wanted[related].add(str(value))
        for related, ids in wanted.items():
            label = related._meta.label_lower
            keys = [key for key in (_pk(related, i) for i in ids) if key is not None]
            found = related._default_manager.in_bulk(keys)
            for pk, obj in found.items():
                self._names[(label, str(pk))] = str(obj)
            for ident in ids:
                self._names.setdefault((label, ident), "")

    def _reference(self, model_field: Any, value: Any) -> str:
        related = model_field.related_model
        key = (related._meta.label_lower, str(value))
        if key not in self._names:
            obj = related._default_manager.filter(pk=_pk(related, str(value))).first()
            self._names[key] = "" if obj is None else str(obj)
        return self._names[key] or str(
            _("%(object)s (no longer on record)") % {"object": related._meta.verbose_name}
        )

    def _one(self, model_label: str, name: str, model_field: Any, value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        text = display_of(model_label).value(name, value)
        if text is not None:
            return str(text)
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if _is_reference(model_field) and isinstance(value, int | str):
            return self._reference(model_field, value)
        choices = dict(getattr(model_field, "flatchoices", None) or ())
        if isinstance(value, str | int) and value in choices:
            return str(choices[value])
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def value_text(self, model_label: str, name: str, value: Any) -> str:
        """One stored value of the key `name` as text; a list as its elements' texts, joined."""
        model_field = _field(_model(model_label), name)
        if isinstance(value, list | tuple):
            if not value:
                return EMPTY
            text = _separator().join(self._one(model_label, name, model_field, v) for v in value)
        else:
            text = self._one(model_label, name, model_field, value)
        return _clipped(text)

    def label(self, model_label: str, name: str) -> str:
        """The key's label: registered, else the field's verbose name, else the key as written."""
        registered = display_of(model_label).label(name)
        if registered:
            return str(registered)
        model_field = _field(_model(model_label), name)
        return str(getattr(model_field, "verbose_name", "") or name)

    def lines(self, event: AuditEvent) -> list[ChangeLine]:
        """The row's diff as readable lines."""
        changes = event.changes
        label = event.object_type
        if not isinstance(changes, dict):
            return [ChangeLine("", "", "", self.value_text(label, "", changes), has_old=False)]
        lines = []
        for name, change in changes.items():
            key = str(name)
            if isinstance(change, list) and len(change) == 2:
                old, new = change
                lines.append(
                    ChangeLine(
                        key,
                        self.label(label, key),
                        self.value_text(label, key, old),
                        self.value_text(label, key, new),
                    )
                )
            else:
                lines.append(
                    ChangeLine(
                        key, self.label(label, key), "", self.value_text(label, key, change), has_old=False
                    )
                )
        return lines


def _pk(model: type[models.Model], text: str) -> Any:
    """`text` as the model's primary key type; None when it cannot be one."""
    try:
        return model._meta.pk.to_python(text) if model._meta.pk is not None else None
    except ValidationError:
        return None


def change_lines(event: AuditEvent) -> list[ChangeLine]:
    """The row's diff as readable lines (one row; pages use ChangeFormatter for all their rows at once)."""
    return ChangeFormatter([event]).lines(event)


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class AuditFilterChoices:
    """The actions and object types the filter bar offers, as (value, label) pairs."""

    actions: list[tuple[str, StrOrPromise]]
    object_types: list[tuple[str, StrOrPromise]]

    def action_values(self) -> set[str]:
        return {value for value, _label in self.actions}

    def object_type_values(self) -> set[str]:
        return {value for value, _label in self.object_types}


def audit_filter_choices(queryset: QuerySet[AuditEvent]) -> AuditFilterChoices:
    """Every AuditAction plus any other action present, and the object types present in `queryset`."""
    # order_by() drops the model's ordering, which DISTINCT would otherwise include.
    present = queryset.order_by()
    extra_actions = sorted(set(present.values_list("action", flat=True).distinct()) - set(AuditAction.values))
    actions: list[tuple[str, StrOrPromise]] = [*AuditAction.choices, *((a, a) for a in extra_actions)]
    types = set(present.values_list("object_type", flat=True).distinct())
    object_types = sorted(((t, object_type_label(t)) for t in types), key=lambda pair: str(pair[1]))
    return AuditFilterChoices(actions=actions, object_types=object_types)


def _parse_date(text: str) -> date | None:
    if not DATE_PATTERN.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _ignored(name: str, message: StrOrPromise, value: str) -> str:
    shown = value if len(value) <= 40 else value[:39] + "…"
    return str(message) % {"field": FIELD_LABELS[name], "value": shown}


NOT_A_DATE = _("%(field)s: “%(value)s” is not a date written as YYYY-MM-DD, so this filter was ignored.")
NOT_A_CHOICE = _("%(field)s: “%(value)s” is not one of the choices, so this filter was ignored.")
TOO_LONG = _("%(field)s: “%(value)s” is too long, so this filter was ignored.")
DATES_SWAPPED = _("The “From” date is after the “To” date, so no row can match; swap them.")


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the audit page and API; `problems` lists the values that were ignored and why."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_query(cls, query: QueryDict, *, choices: AuditFilterChoices | None = None) -> AuditFilter:
        """Parse a query string; an invalid value is dropped with a message, never an error page."""
        problems: list[str] = []

        def text(name: str, limit: int) -> str:
            value = query.get(name, "").strip()
            if len(value) > limit:
                problems.append(_ignored(name, TOO_LONG, value))
                return ""
            return value

        def choice(name: str, allowed: set[str] | None, pattern: re.Pattern[str]) -> str:
            value = query.get(name, "").strip()
            valid = value in allowed if allowed is not None else bool(pattern.match(value))
            if value and not valid:
                problems.append(_ignored(name, NOT_A_CHOICE, value))
                return ""
            return value

        def day(name: str) -> date | None:
            value = query.get(name, "").strip()
            parsed = _parse_date(value)
            if value and parsed is None:
                problems.append(_ignored(name, NOT_A_DATE, value))
            return parsed

        filters = cls(
            actor=text("actor", ACTOR_MAX),
            action=choice("action", choices.action_values() if choices else None, ACTION_PATTERN),
            object_type=choice(
                "object_type", choices.object_type_values() if choices else None, OBJECT_TYPE_PATTERN
            ),
            object_id=text("object_id", OBJECT_ID_MAX),
            date_from=day("date_from"),
            date_to=day("date_to"),
            q=text("q", Q_MAX),
        )
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            problems.append(str(DATES_SWAPPED))
        return cls(**{**filters.as_dict(), "problems": tuple(problems)})

    def as_dict(self) -> dict[str, Any]:
        """The filter values (without problems)."""
        return {
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "q": self.q,
        }

    def querystring(self) -> str:
        """The valid filters as a query string, for page links and the CSV download."""
        pairs: Iterable[tuple[str, Any]] = self.as_dict().items()
        return urlencode(
            [
                (name, value.isoformat() if isinstance(value, date) else value)
                for name, value in pairs
                if value
            ]
        )


def _day_start(day: date) -> datetime | None:
    """Local midnight starting `day`; None when it cannot be stored (the first or last days of the calendar)."""
    try:
        start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
        start.astimezone(UTC)  # the database adapter converts to UTC; fail here, not there
    except OverflowError:
        return None
    return start


def audit_event_list(queryset: QuerySet[AuditEvent], filters: AuditFilter) -> QuerySet[AuditEvent]:
    """Apply the filters to an already access-checked queryset, newest first.

    Dates are whole local days (Asia/Shanghai, settings.TIME_ZONE), both ends included.
    """
    if filters.actor:
        queryset = queryset.filter(actor_label__icontains=filters.actor)
    if filters.action:
        queryset = queryset.filter(action=filters.action)
    if filters.object_type:
        queryset = queryset.filter(object_type=filters.object_type)
    if filters.object_id:
        queryset = queryset.filter(object_id=filters.object_id)
    if filters.date_from:
        start = _day_start(filters.date_from)
        if start is not None:
            queryset = queryset.filter(occurred_at__gte=start)
    if filters.date_to:
        end = _day_start(filters.date_to + timedelta(days=1)) if filters.date_to < date.max else None
        if end is not None:
            queryset = queryset.filter(occurred_at__lt=end)
    if filters.q:
        queryset = queryset.filter(object_repr__icontains=filters.q)
    return queryset.order_by("-occurred_at", "-id")
