"""The export and import records move from the core app ("federation") to the ledger framework.

Only Django's idea of which app owns them changes: the tables keep their names
(federation_exportrecord, federation_importrecord) and their rows, and the content types are
renamed so that permissions and admin log entries follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _rename(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("exportrecord", "importrecord"):
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types(apps, schema_editor):
    _rename(apps, "federation", "ledgers")


def move_content_types_back(apps, schema_editor):
    _rename(apps, "ledgers", "federation")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('federation', '0005_import_record'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ExportRecord',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('requested_by', models.CharField(max_length=150, verbose_name='导出人姓名')),
                    ('ledger', models.CharField(max_length=50, verbose_name='台账')),
                    ('title', models.CharField(max_length=200, verbose_name='标题')),
                    ('scope', models.CharField(help_text='填报单位，如 幸福乡红旗村。', max_length=100, verbose_name='范围')),
                    ('scope_code', models.CharField(blank=True, max_length=12, verbose_name='区划代码')),
                    ('filters', models.JSONField(blank=True, default=dict, verbose_name='筛选条件')),
                    ('format', models.CharField(choices=[('xlsx', 'Excel'), ('pdf', 'PDF')], max_length=4, verbose_name='格式')),
                    ('status', models.CharField(choices=[('queued', '排队中'), ('running', '正在生成'), ('done', '已完成'), ('failed', '失败'), ('expired', '文件已过期')], default='queued', max_length=10, verbose_name='状态')),
                    ('background', models.BooleanField(default=False, verbose_name='后台生成')),
                    ('rows_total', models.PositiveIntegerField(default=0, verbose_name='预计行数')),
                    ('rows_done', models.PositiveIntegerField(default=0, verbose_name='已写行数')),
                    ('file_path', models.CharField(blank=True, editable=False, max_length=255, verbose_name='文件')),
                    ('file_name', models.CharField(blank=True, max_length=255, verbose_name='下载文件名')),
                    ('file_size', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='文件大小（字节）')),
                    ('error', models.CharField(blank=True, max_length=300, verbose_name='错误')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='导出时间')),
                    ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始时间')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                    ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='exports', to=settings.AUTH_USER_MODEL, verbose_name='导出人')),
                ],
                options={
                    'verbose_name': '导出记录',
                    'verbose_name_plural': '导出记录',
                    'db_table': 'federation_exportrecord',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(fields=['user', '-created_at'], name='exportrecord_user_created')],
                },
            ),
            migrations.CreateModel(
                name='ImportRecord',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('requested_by', models.CharField(max_length=150, verbose_name='导入人姓名')),
                    ('ledger', models.CharField(max_length=50, verbose_name='台账')),
                    ('title', models.CharField(max_length=200, verbose_name='台账名称')),
                    ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='登记年度')),
                    ('file_name', models.CharField(max_length=255, verbose_name='文件名')),
                    ('file_path', models.CharField(blank=True, editable=False, max_length=255, verbose_name='文件')),
                    ('file_size', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='文件大小（字节）')),
                    ('mapping', models.JSONField(blank=True, help_text='字段 → 列序号（从 0 起）。', null=True, verbose_name='列的对应关系')),
                    ('columns', models.JSONField(blank=True, default=list, verbose_name='文件的表头')),
                    ('status', models.CharField(choices=[('checking', '正在检查'), ('invalid', '有错误，未导入'), ('refused', '文件被拒绝'), ('checked', '检查通过，待确认'), ('importing', '正在导入'), ('done', '已导入'), ('failed', '失败'), ('abandoned', '已放弃')], default='checking', max_length=10, verbose_name='状态')),
                    ('background', models.BooleanField(default=False, verbose_name='后台处理')),
                    ('rows_total', models.PositiveIntegerField(default=0, verbose_name='行数')),
                    ('rows_done', models.PositiveIntegerField(default=0, verbose_name='已处理行数')),
                    ('created', models.PositiveIntegerField(default=0, verbose_name='新建')),
                    ('updated', models.PositiveIntegerField(default=0, verbose_name='更新')),
                    ('unchanged', models.PositiveIntegerField(default=0, verbose_name='无变化')),
                    ('errors', models.JSONField(blank=True, default=list, help_text='最多保存前 2000 处。', verbose_name='错误')),
                    ('error_count', models.PositiveIntegerField(default=0, verbose_name='错误数')),
                    ('message', models.CharField(blank=True, max_length=500, verbose_name='说明')),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='上传时间')),
                    ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                    ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='imports', to=settings.AUTH_USER_MODEL, verbose_name='导入人')),
                    ('village', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='federation.village', verbose_name='村')),
                ],
                options={
                    'verbose_name': '导入记录',
                    'verbose_name_plural': '导入记录',
                    'db_table': 'federation_importrecord',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(fields=['user', '-created_at'], name='importrecord_user_created')],
                },
            ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
