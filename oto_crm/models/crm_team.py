# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# The funnel's stages, shipped with the team "Subjects funnel": a team that
# becomes an Oto funnel without stages of its own gets copies of them.
FUNNEL_STAGES = (
    "crm_stage_prospecting",
    "crm_stage_contacted",
    "crm_stage_proposal",
    "crm_stage_negotiation",
    "crm_stage_closed",
)


class CrmTeam(models.Model):
    _inherit = "crm.team"

    oto_funnel = fields.Boolean(
        string="Oto funnel",
        copy=False,
        help="The team's pipeline is a funnel of subjects: its own stages only "
        "(at most 10, one of them won), subjects flagged after the company's "
        "days without interaction, the customer's purchases and WhatsApp on "
        "the subject. A team without stages of its own gets the funnel's five.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        if not self.env.context.get("oto_funnel_stages_follow"):
            teams.filtered("oto_funnel")._oto_setup_funnel()
        return teams

    def write(self, vals):
        joining = (
            self.filtered(lambda team: not team.oto_funnel)
            if vals.get("oto_funnel")
            else self.browse()
        )
        result = super().write(vals)
        joining._oto_setup_funnel()
        return result

    def _oto_setup_funnel(self):
        """Teams that became Oto funnels: one without stages of its own gets
        the funnel's five stages (the shipped ones copied, with their
        translations); one with its own stages keeps them, within the
        funnel's rules (checked here, with the team's name in the message).
        Stages shared by every team are left alone: an Oto funnel does not
        show them."""
        Stage = self.env["crm.stage"].sudo()
        for team in self:
            if Stage.search_count([("team_id", "=", team.id)], limit=1):
                continue
            shipped = [
                self.env.ref(f"oto_crm.{xmlid}", raise_if_not_found=False)
                for xmlid in FUNNEL_STAGES
            ]
            if all(shipped):
                for stage in shipped:
                    stage.sudo().copy({"team_id": team.id})
            else:
                Stage.create(
                    [{**values, "team_id": team.id} for values in self._oto_stages()]
                )
        Stage._oto_check_funnels(self)

    def _oto_stages(self):
        """The funnel's stages, when the shipped ones are gone."""
        return [
            {"name": self.env._("Prospecting"), "sequence": 1},
            {"name": self.env._("Contact made"), "sequence": 2},
            {"name": self.env._("Proposal presented"), "sequence": 3},
            {"name": self.env._("Negotiation"), "sequence": 4},
            {
                "name": self.env._("Closed"),
                "sequence": 70,
                "is_won": True,
                "fold": True,
            },
        ]
