# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .oto_lead_tag import _selected_leads


class OtoLeadDelete(models.TransientModel):
    """Delete many subjects, after an explicit confirmation (archiving keeps
    them and can be undone; deleting cannot)."""

    _name = "oto.lead.delete"
    _description = "Delete subjects"

    lead_ids = fields.Many2many(
        "crm.lead", string="Subjects", required=True, default=_selected_leads
    )
    lead_count = fields.Integer(compute="_compute_lead_count")
    confirm = fields.Boolean(
        string="I understand that the deletion cannot be undone",
    )

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
