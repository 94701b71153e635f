"""Shared-manufacturing forms: factory, machine, closure, downtime, order with its routing, a decline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from funeng.apps.shared_manufacturing.const import MAX_MINUTES_PER_UNIT, MAX_QUANTITY, DowntimeKind
from funeng.apps.shared_manufacturing.processes import process_choices
from funeng.apps.shared_manufacturing.services import OperationInput

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
# Empty routing rows offered on the order form; a longer routing is imported or added after saving.
ROUTING_ROWS = 10


class FactoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    region_code = forms.CharField(
        label=_("County code"),
        max_length=6,
        help_text=_("Six-digit GB/T 2260 code of the county, e.g. 330110"),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    shift_start = forms.TimeField(
        label=_("Work starts"),
        initial=dt.time(8, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    shift_end = forms.TimeField(
        label=_("Work ends"),
        initial=dt.time(20, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    working_weekdays = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        initial=[0, 1, 2, 3, 4, 5],
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class MachineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    processes = forms.MultipleChoiceField(
        label=_("Processes"), choices=process_choices, widget=forms.CheckboxSelectMultiple
    )
    speed_factor = forms.DecimalField(
        label=_("Speed factor"),
        min_value=Decimal("0.10"),
        max_value=Decimal("10"),
        decimal_places=2,
        initial=Decimal("1.00"),
        help_text=_(
            "Run time is divided by this: 1.25 runs a quarter faster than the routing's standard machine"
        ),
    )
    price_per_hour = forms.DecimalField(
        label=_("Price per hour (CNY)"), min_value=Decimal(0), max_value=Decimal(100000), decimal_places=2
    )
    offered_share = forms.IntegerField(
        label=_("Capacity offered to the platform (%)"),
        min_value=0,
        max_value=100,
        initial=100,
        help_text=_(
            "共享产能: the share of this machine's working time the platform may plan; 0 takes it off"
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ClosureForm(forms.Form):
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    last_day = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DowntimeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DowntimeKind.choices)
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty while it is not known when the machine is back"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the factory declines"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class OrderForm(forms.Form):
    reference = forms.CharField(
        label=_("Your order number"),
        max_length=64,
        required=False,
        help_text=_("Optional; your own reference"),
    )
    product = forms.CharField(label=_("Product"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    order_date = forms.DateField(
        label=_("Order date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    quality_requirements = forms.CharField(
        label=_("Quality requirements"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    routing_file = forms.FileField(
        label=_("Routing file (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=_("XLSX or CSV in the template's columns; when given, it replaces the rows below"),
    )

    def __init__(self, *args: Any, customers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if customers is not None:
            self.fields["customer"] = forms.ModelChoiceField(label=_("Customer"), queryset=customers)
            self.order_fields(["customer", *self.fields])


class OperationRowForm(forms.Form):
    """One routing row; an empty row is skipped."""

    code = forms.CharField(label=_("Step"), max_length=16, required=False)
    name = forms.CharField(label=_("Operation"), max_length=120, required=False)
    process = forms.ChoiceField(label=_("Process"), choices=[("", "—"), *process_choices()], required=False)
    setup_minutes = forms.IntegerField(
        label=_("Setup (min)"), min_value=0, max_value=MAX_MINUTES_PER_UNIT, required=False
    )
    run_minutes_per_unit = forms.DecimalField(
        label=_("Run per unit (min)"),
        min_value=Decimal("0.001"),
        max_value=MAX_MINUTES_PER_UNIT,
        decimal_places=3,
        required=False,
    )
    after = forms.CharField(
        label=_("After steps"), max_length=200, required=False, help_text=_("e.g. OP10, OP20")
    )
    lot_splitting = forms.BooleanField(label=_("Lots"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        process = self.fields["process"]
        assert isinstance(process, forms.ChoiceField)
        process.choices = [("", "—"), *process_choices()]

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(key) for key in ("code", "name", "process", "run_minutes_per_unit"))

    def operation(self) -> OperationInput:
        data = self.cleaned_data
        after = tuple(
            code.strip() for code in (data.get("after") or "").replace("，", ",").split(",") if code.strip()
        )
        return OperationInput(
            code=(data.get("code") or "").strip(),
            name=(data.get("name") or "").strip(),
            process=data.get("process") or "",
            setup_minutes=data.get("setup_minutes") or 0,
            run_minutes_per_unit=data.get("run_minutes_per_unit") or Decimal(0),
            lot_splitting=bool(data.get("lot_splitting")),
            after=after,
        )


RoutingFormSet = forms.formset_factory(OperationRowForm, extra=ROUTING_ROWS, max_num=60, absolute_max=60)
