"""Years in the niche market become the date the enterprise entered it (1.9 years is not 2)."""

from django.db import migrations, models
from django.utils import timezone


def _years_to_date(apps, schema_editor):
    """A stored count of whole years N becomes the date N years before today.

    That keeps every rule's answer on the day of the migration (N whole years are N years on the
    anniversary); from then on the years grow with the calendar instead of staying frozen.
    """
    Enterprise = apps.get_model("enterprises", "Enterprise")
    today = timezone.localdate()  # the platform's day (Beijing time), as the rules count it
    for pk, years in Enterprise.objects.exclude(niche_market_years=None).values_list("pk", "niche_market_years"):
        year = max(today.year - years, 1)
        try:
            since = today.replace(year=year)
        except ValueError:  # 29 February
            since = today.replace(year=year, day=28)
        Enterprise.objects.filter(pk=pk).update(niche_market_since=since)


def _date_to_years(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    today = timezone.localdate()  # the platform's day (Beijing time), as the rules count it
    for pk, since in Enterprise.objects.exclude(niche_market_since=None).values_list("pk", "niche_market_since"):
        years = today.year - since.year - ((today.month, today.day) < (since.month, since.day))
        Enterprise.objects.filter(pk=pk).update(niche_market_years=max(years, 0))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_market_rank_and_record")]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="niche_market_since",
            field=models.DateField(
                blank=True,
                help_text="The date the enterprise began serving its specific market segment; years are counted from it",
                null=True,
                verbose_name="in the niche market since",
            ),
        ),
        migrations.RunPython(_years_to_date, _date_to_years),
        migrations.RemoveField(model_name="enterprise", name="niche_market_years"),
    ]
