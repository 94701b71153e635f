"""Deals delivered before finance existed count as platform-verified digital investment too.

From now on matching's deal_deliver records each one as it happens (services.digital_investment_record_deal);
this writes the same record, with its audit row, for every deal already delivered. Running it again
adds nothing: a deal has at most one investment.
"""

from django.db import migrations
from django.utils import timezone

FIELDS = ("enterprise", "invoice_number", "amount_cny", "invested_on", "supplier", "category", "provenance", "deal")


def _value(value):
    """A field value as the audit log stores it (audit.services.audit_value): dates ISO, decimals as text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, int | str) else str(value)


def backfill(apps, schema_editor):
    Deal = apps.get_model("matching", "Deal")
    DigitalInvestment = apps.get_model("finance", "DigitalInvestment")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    done = set(DigitalInvestment.objects.exclude(deal=None).values_list("deal_id", flat=True))
    deals = Deal.objects.filter(status="delivered").exclude(pk__in=done).select_related("provider", "enterprise")
    for deal in deals.iterator():
        delivered = deal.delivered_at or deal.created_at
        investment = DigitalInvestment.objects.create(
            enterprise_id=deal.enterprise_id,
            invoice_number=f"FUNENG-DEAL-{deal.pk}",
            amount_cny=deal.amount_cny,
            invested_on=timezone.localtime(delivered).date(),
            supplier=deal.provider.name,
            category="digital_transformation_project",
            provenance="platform_verified",
            deal_id=deal.pk,
        )
        changes = {
            name: [None, _value(getattr(investment, name + "_id" if name in ("enterprise", "deal") else name))]
            for name in FIELDS
        }
        AuditEvent.objects.create(
            actor=None,
            actor_label="system",
            action="create",
            object_type="finance.digitalinvestment",
            object_id=str(investment.pk),
            object_repr=f"{investment.supplier} {investment.invoice_number}"[:200],
            changes=changes,
            region_code=(deal.enterprise.region_code or "")[:6],
            enterprise_id=deal.enterprise_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0001_initial"),
        ("matching", "0002_provider_moved"),
        ("audit", "0002_scope_columns"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
