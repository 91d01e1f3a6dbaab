# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import ValidationError

MAX_STAGES = 10


class CrmStage(models.Model):
    _inherit = "crm.stage"

    @api.constrains("team_id", "name")
    def _check_oto_stage_limit(self):
        """A pipeline (a sales team, with the stages shared by all teams)
        has at most ten stages: more does not fit a funnel people drag."""
        Stage = self.env["crm.stage"].sudo()
        shared = Stage.search_count([("team_id", "=", False)])
        teams = self.mapped("team_id")
        if any(not stage.team_id for stage in self):
            teams |= self.env["crm.team"].sudo().search([])
        for team in [None, *teams]:
            count = shared + (
                Stage.search_count([("team_id", "=", team.id)]) if team else 0
            )
            if count > MAX_STAGES:
                raise ValidationError(
                    self.env._(
                        "A funnel has at most %(max)s stages; %(pipeline)s would "
                        "have %(count)s. Remove or merge a stage first.",
                        max=MAX_STAGES,
                        pipeline=team.name if team else self.env._("every pipeline"),
                        count=count,
                    )
                )

    @api.model
    def _oto_drop_unused_default_stages(self):
        """Odoo's default stages (New, Qualified, Proposition, Won) when no
        subject is in them: the funnel's own stages replace them."""
        for xmlid in ("stage_lead1", "stage_lead2", "stage_lead3", "stage_lead4"):
            stage = self.env.ref(f"crm.{xmlid}", raise_if_not_found=False)
            if stage and not self.env["crm.lead"].with_context(
                active_test=False
            ).search_count([("stage_id", "=", stage.id)], limit=1):
                stage.unlink()
