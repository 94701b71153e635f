"""Memberships, providers and consents left accounts for core, providers and consents.

The tables were renamed by those apps' first migrations; here accounts forgets the models (state
only), and the labels that name a model's app move with it: content types keep their ids (so
permissions and admin history stay attached) and audit rows name the model where it now lives.
"""

from django.db import migrations

MOVED = {
    "membership": "core",
    "provider": "providers",
    "financialinstitution": "consents",
    "consent": "consents",
    "consentread": "consents",
}


def relabel(apps, schema_editor, *, backwards=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for model, app in MOVED.items():
        old, new = ("accounts", app) if not backwards else (app, "accounts")
        # A content type created for the new label before this ran (none on a normal upgrade)
        # would block the rename; the old one carries the history, so it wins.
        if ContentType.objects.filter(app_label=old, model=model).exists():
            ContentType.objects.filter(app_label=new, model=model).delete()
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
        # The historical model has the default manager, not the append-only one: this rewrites a
        # label, never an event's who, when or what.
        AuditEvent.objects.filter(object_type=f"{old}.{model}").update(object_type=f"{new}.{model}")


def relabel_backwards(apps, schema_editor):
    relabel(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_verbose_names"),
        ("audit", "0002_scope_columns"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("consents", "0001_initial"),
        ("providers", "0001_initial"),
        ("matching", "0002_provider_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ConsentRead"),
                migrations.DeleteModel(name="Consent"),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Provider"),
                migrations.DeleteModel(name="FinancialInstitution"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel, relabel_backwards),
    ]
