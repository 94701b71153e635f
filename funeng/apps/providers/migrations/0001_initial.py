
import funeng.apps.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # Rename the tables only after every earlier migration that names them has run.
        ('audit', '0002_scope_columns'),
        ('matching', '0001_initial'),
        ('accounts', '0003_verbose_names'),
    ]

    operations = [
        # The models moved here from accounts: take over their tables in the state only, then
        # rename the tables to this app's names (the rows, ids and foreign keys stay as they are).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Provider',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('credit_code', models.CharField(max_length=18, unique=True, verbose_name='unified social credit code')),
                        ('region_code', models.CharField(max_length=6, validators=[funeng.apps.core.validators.validate_region_code], verbose_name='region code')),
                        ('vetting_state', models.CharField(choices=[('applied', 'Applied'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('suspended', 'Suspended')], default='applied', max_length=16, verbose_name='vetting state')),
                        ('vetting_reason', models.CharField(blank=True, max_length=500, verbose_name='reason')),
                    ],
                    options={
                        'db_table': 'accounts_provider',
                        'verbose_name': 'service provider',
                        'verbose_name_plural': 'service providers',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='provider', table=None),
    ]
