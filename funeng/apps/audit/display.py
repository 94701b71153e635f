"""What the audit log's fields and values read as, beyond what a model's fields say themselves.

The log stores raw values (codes, ids, ISO dates, lists of codes) so that exports and comparisons
stay stable; the page turns them into labels in the reader's language. A model field gives its
verbose name, its choices and, for a foreign key, the object it names. The rest is registered
here by the app that knows it, from its AppConfig.ready: choices an engine keeps (a size-class
reason, data categories, scenarios), keys that are not fields ("round"), and content named by id
(a programme, a framework). The audit app sits below every other app, so it never imports them;
they register with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# One stored value (a list's element, for a list) → its text; None when it has no better one.
ValueText = Callable[[Any], "StrOrPromise | None"]
# The rest of a key after a registered prefix ("answers." + question id) → the field's label.
KeyLabel = Callable[[str], "StrOrPromise | None"]
# The rest of such a key and one stored value → the value's text; None when it has no better one.
KeyValueText = Callable[[str, Any], "StrOrPromise | None"]


@dataclass
class ModelDisplay:
    """How one model's audit keys and values read, where its fields do not say."""

    labels: dict[str, StrOrPromise] = field(default_factory=dict)
    values: dict[str, ValueText] = field(default_factory=dict)
    prefixes: dict[str, KeyLabel] = field(default_factory=dict)
    prefix_values: dict[str, KeyValueText] = field(default_factory=dict)

    def label(self, key: str) -> StrOrPromise | None:
        """The registered label of a key, by name or by prefix; None when none was registered."""
        if key in self.labels:
            return self.labels[key]
        for prefix, label_of in self.prefixes.items():
            if key.startswith(prefix):
                return label_of(key[len(prefix) :])
        return None

    def value(self, key: str, value: Any) -> StrOrPromise | None:
        """The registered text of one stored value of a key; None when none was registered."""
        if key in self.values:
            return self.values[key](value)
        for prefix, text_of in self.prefix_values.items():
            if key.startswith(prefix):
                return text_of(key[len(prefix) :], value)
        return None


_DISPLAYS: dict[str, ModelDisplay] = {}


def _from_choices(choices: Iterable[tuple[Any, StrOrPromise]]) -> ValueText:
    table = dict(choices)
    return lambda value: table.get(value) if isinstance(value, str | int) else None


def register_audit_display(
    model_label: str,
    *,
    labels: Mapping[str, StrOrPromise] | None = None,
    choices: Mapping[str, Iterable[tuple[Any, StrOrPromise]]] | None = None,
    values: Mapping[str, ValueText] | None = None,
    prefixes: Mapping[str, KeyLabel] | None = None,
    prefix_values: Mapping[str, KeyValueText] | None = None,
) -> None:
    """Say how the audit keys of `model_label` ("app.model", lower case) read; later calls add to earlier ones.

    labels: keys that are not fields → their label. choices: key → (value, label) pairs, lazy
    labels welcome. values: key → a function from one stored value to its text. prefixes: a key
    prefix → a function from the rest of the key to the label; prefix_values: a key prefix → a
    function from the rest of the key and one stored value to the value's text.
    """
    display = _DISPLAYS.setdefault(model_label, ModelDisplay())
    display.labels.update(labels or {})
    display.values.update({key: _from_choices(pairs) for key, pairs in (choices or {}).items()})
    display.values.update(values or {})
    display.prefixes.update(prefixes or {})
    display.prefix_values.update(prefix_values or {})


def display_of(model_label: str) -> ModelDisplay:
    """What was registered for the model (an empty display when nothing was)."""
    return _DISPLAYS.get(model_label) or ModelDisplay()
