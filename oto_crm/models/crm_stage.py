# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import ValidationError

MAX_STAGES = 10


class CrmStage(models.Model):
    _inherit = "crm.stage"

    @api.constrains("team_id", "is_won")
    def _check_oto_funnel_stages(self):
        self._oto_check_funnels(self.team_id)

    @api.model
    def _oto_check_funnels(self, teams):
        """An Oto funnel (a sales team marked so) has at most ten stages of
        its own (more does not fit a funnel people drag) and one won stage.
        Other pipelines, and the stages shared by every team, are the
        business's: no rule of ours applies to them."""
        funnels = teams.sudo().filtered("oto_funnel")
        if not funnels:
            return
        counts, wins = {}, {}
        for team, is_won, count in self.sudo()._read_group(
            [("team_id", "in", funnels.ids)], ["team_id", "is_won"], ["__count"]
        ):
            counts[team] = counts.get(team, 0) + count
            wins[team] = wins.get(team, 0) + (count if is_won else 0)
        for team in funnels:
            count, won = counts.get(team, 0), wins.get(team, 0)
            if count > MAX_STAGES:
                raise ValidationError(
                    self.env._(
                        "The Oto funnel %(team)s would have %(count)s stages; a "
                        "funnel has at most %(max)s. Move its subjects out of "
                        "the stages you can do without and delete those stages "
                        "first, or keep the team out of the Oto funnels.",
                        team=team.name,
                        count=count,
                        max=MAX_STAGES,
                    )
                )
            if won > 1:
                raise ValidationError(
                    self.env._(
                        "The Oto funnel %(team)s would have %(count)s won stages; "
                        "a funnel has one.",
                        team=team.name,
                        count=won,
                    )
                )
