"""RiskControl.control_id becomes a relation to controls.Control keyed by the control ID.

State only: the column (``control_id``, the control's ID) and the unique constraint on
(risk_id, control_id) stay exactly as they are, so no data moves.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0001_initial"),
        ("controls", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="riskcontrol", name="riskcontrol_unique"
                ),
                migrations.RemoveField(model_name="riskcontrol", name="control_id"),
                migrations.AddField(
                    model_name="riskcontrol",
                    name="control",
                    field=models.ForeignKey(
                        db_column="control_id",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="risk_links",
                        to="controls.control",
                        to_field="control_id",
                    ),
                    preserve_default=False,
                ),
                migrations.AddConstraint(
                    model_name="riskcontrol",
                    constraint=models.UniqueConstraint(
                        fields=("risk", "control"), name="riskcontrol_unique"
                    ),
                ),
            ],
            database_operations=[],
        )
    ]
