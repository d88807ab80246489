"""A channel's notification log index, ascending (channel, created_at, id) and read backwards
for newest first: a descending one took every new row at the start of its channel's run of the
index and split pages there, a third of the outbox's cost on recording a run (bench row 19d)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard_app', '0007_rollup_lock_order'),
        ('scripts_app', '0004_list_order_and_run_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='notification',
            name='notification_channel_log',
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['channel', 'created_at', 'id'], name='notification_channel_log'),
        ),
    ]
