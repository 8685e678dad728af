# The appraisal's criteria of the regulation (issue #16, MGT-6): attitude in place of
# timeliness (which service quality now includes), training, the complaint deduction and
# the dispute window (MGT-9).

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0008_supervision_settings"),
    ]

    operations = [
        migrations.RenameField(
            model_name="policysettings",
            old_name="appraisal_weight_timeliness",
            new_name="appraisal_weight_attitude",
        ),
        migrations.AddField(
            model_name="policysettings",
            name="appraisal_complaint_points",
            field=models.PositiveSmallIntegerField(
                default=20,
                help_text="类别为“员工服务态度”、处理决定中整改责任人为本人的投诉,每起从态度投诉分中扣除。",
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="考核:每起查实的态度投诉扣分",
            ),
        ),
        migrations.AddField(
            model_name="policysettings",
            name="appraisal_dispute_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="考核结果发布后,本人可在此天数内对具体记录提出申诉。",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(60),
                ],
                verbose_name="考核结果申诉期(天)",
            ),
        ),
        migrations.AddField(
            model_name="policysettings",
            name="appraisal_weight_training",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="为 0 时该项不计入考核。",
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="考核权重:培训(%)",
            ),
        ),
        migrations.AlterField(
            model_name="policysettings",
            name="appraisal_weight_attitude",
            field=models.PositiveSmallIntegerField(
                default=20,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="考核权重:服务态度(%)",
            ),
        ),
        migrations.AlterField(
            model_name="policysettings",
            name="appraisal_weight_quality",
            field=models.PositiveSmallIntegerField(
                default=40,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="考核权重:服务质量(%)",
            ),
        ),
    ]
