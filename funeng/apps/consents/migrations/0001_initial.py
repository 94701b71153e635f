
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # Rename the tables only after every earlier migration that names them has run.
        ('audit', '0002_scope_columns'),
        ('accounts', '0003_verbose_names'),
        ('enterprises', '0002_policy_fields'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The models moved here from accounts: take over their tables in the state only, then
        # rename the tables to this app's names (the rows, ids and foreign keys stay as they are).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='FinancialInstitution',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                    ],
                    options={
                        'db_table': 'accounts_financialinstitution',
                        'verbose_name': 'financial institution',
                        'verbose_name_plural': 'financial institutions',
                    },
                ),
                migrations.CreateModel(
                    name='Consent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('categories', models.JSONField(default=list, verbose_name='data categories')),
                        ('valid_until', models.DateField(verbose_name='valid until')),
                        ('granted_at', models.DateTimeField(auto_now_add=True, verbose_name='granted at')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to='enterprises.enterprise', verbose_name='enterprise')),
                        ('granted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='granted by')),
                        ('institution', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to='consents.financialinstitution', verbose_name='financial institution')),
                    ],
                    options={
                        'db_table': 'accounts_consent',
                        'verbose_name': 'consent',
                        'verbose_name_plural': 'consents',
                        'ordering': ['-granted_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ConsentRead',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('read_at', models.DateTimeField(auto_now_add=True, verbose_name='read at')),
                        ('categories', models.JSONField(default=list, verbose_name='data categories')),
                        ('channel', models.CharField(max_length=16, verbose_name='channel')),
                        ('consent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reads', to='consents.consent', verbose_name='consent')),
                        ('reader', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reader')),
                    ],
                    options={
                        'db_table': 'accounts_consentread',
                        'verbose_name': 'consented read',
                        'verbose_name_plural': 'consented reads',
                        'ordering': ['-read_at'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='financialinstitution', table=None),
        migrations.AlterModelTable(name='consent', table=None),
        migrations.AlterModelTable(name='consentread', table=None),
    ]
