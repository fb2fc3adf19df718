"""Give every register entry that existed before entry dates (0017) the entry date it was judged on:
the reference date (统计截止日) of its year, its YearSettings row's or 18 March. Deleted entries and
history rows too. Backwards there is nothing to undo: 0017's reversal drops the columns.

One ``UPDATE`` a register and year (a handful of years), not one a row.
"""

import datetime as dt

from django.db import migrations

REGISTERS = ("leftbehindchild", "hardshipchild", "leftbehindwoman", "poorwoman")


def reference_dates(apps) -> dict[int, dt.date]:
    YearSettings = apps.get_model("federation", "YearSettings")
    return dict(YearSettings.objects.exclude(reference_date=None).values_list("year", "reference_date"))


def fill_entered_on(apps, schema_editor):
    set_dates = reference_dates(apps)
    for name in REGISTERS:
        for model in (apps.get_model("registry", name), apps.get_model("registry", f"historical{name}")):
            manager = model._base_manager
            for year in manager.order_by().values_list("year", flat=True).distinct():
                on = set_dates.get(year) or dt.date(year, 3, 18)
                manager.filter(year=year).update(entered_on=on)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0017_register_entry_dates"),
        ("federation", "0003_year_settings"),
    ]

    operations = [
        migrations.RunPython(fill_entered_on, migrations.RunPython.noop),
    ]
