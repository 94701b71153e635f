import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0001_initial'),
        ('providers', '0001_initial'),
    ]

    operations = [
        # Provider moved from accounts to providers with its table renamed; the foreign keys in the
        # database already follow the rename, so only the state changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='complaint',
                    name='provider',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='providers.provider', verbose_name='provider'),
                ),
                migrations.AlterField(
                    model_name='deal',
                    name='provider',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deals', to='providers.provider', verbose_name='provider'),
                ),
                migrations.AlterField(
                    model_name='proposal',
                    name='provider',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='providers.provider', verbose_name='provider'),
                ),
                migrations.AlterField(
                    model_name='review',
                    name='provider',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='providers.provider', verbose_name='provider'),
                ),
                migrations.AlterField(
                    model_name='solution',
                    name='provider',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='solutions', to='providers.provider', verbose_name='provider'),
                ),
            ],
            database_operations=[],
        ),
    ]
