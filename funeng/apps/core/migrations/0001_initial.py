
import django.db.models.deletion
import funeng.apps.core.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # Rename the tables only after every earlier migration that names them has run.
        ('audit', '0002_scope_columns'),
        ('accounts', '0003_verbose_names'),
        ('consents', '0001_initial'),
        ('enterprises', '0002_policy_fields'),
        ('providers', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The models moved here from accounts: take over their tables in the state only, then
        # rename the tables to this app's names (the rows, ids and foreign keys stay as they are).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('enterprise', 'Enterprise user'), ('provider', 'Service provider user'), ('bank', 'Financial institution user'), ('official', 'Government official'), ('admin', 'Platform administrator')], max_length=16, verbose_name='role')),
                        ('is_enterprise_admin', models.BooleanField(default=False, verbose_name='enterprise administrator')),
                        ('region_code', models.CharField(blank=True, help_text='For officials: the province or prefecture they serve', max_length=6, validators=[funeng.apps.core.validators.validate_region_code], verbose_name='region code')),
                        ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='enterprises.enterprise', verbose_name='enterprise')),
                        ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='consents.financialinstitution', verbose_name='financial institution')),
                        ('provider', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='providers.provider', verbose_name='service provider')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='membership', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'db_table': 'accounts_membership',
                        'verbose_name': 'membership',
                        'verbose_name_plural': 'memberships',
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('role', 'enterprise'), ('enterprise__isnull', False), ('provider__isnull', True), ('institution__isnull', True), ('region_code', '')), models.Q(('role', 'provider'), ('enterprise__isnull', True), ('provider__isnull', False), ('institution__isnull', True), ('region_code', '')), models.Q(('role', 'bank'), ('enterprise__isnull', True), ('provider__isnull', True), ('institution__isnull', False), ('region_code', '')), models.Q(('role', 'official'), ('enterprise__isnull', True), ('provider__isnull', True), ('institution__isnull', True), models.Q(('region_code', ''), _negated=True)), models.Q(('role', 'admin'), ('enterprise__isnull', True), ('provider__isnull', True), ('institution__isnull', True), ('region_code', '')), _connector='OR'), name='membership_tenant_matches_role')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='membership', table=None),
    ]
