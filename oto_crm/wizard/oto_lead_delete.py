# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class OtoLeadDelete(models.TransientModel):
    """Delete many subjects, after an explicit confirmation (archiving keeps
    them and can be undone; deleting cannot)."""

    _name = "oto.lead.delete"
    _description = "Delete subjects"

    lead_ids = fields.Many2many("crm.lead", string="Subjects", required=True)
    lead_count = fields.Integer(compute="_compute_lead_count")
    confirm = fields.Boolean(
        string="I understand that the deletion cannot be undone",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.lead":
            values["lead_ids"] = [Command.set(self.env.context.get("active_ids", []))]
        return values

    @api.depends("lead_ids")
    def _compute_lead_count(self):
        for wizard in self:
            wizard.lead_count = len(wizard.lead_ids)

    def action_delete(self):
        self.ensure_one()
        if not self.confirm:
            raise UserError(
                self.env._(
                    "Tick the box to confirm: %(count)s subject(s) will be deleted "
                    "for good (archive them instead to keep them).",
                    count=self.lead_count,
                )
            )
        self.lead_ids.unlink()
        return {"type": "ir.actions.act_window_close"}
