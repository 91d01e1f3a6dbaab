# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models
from odoo.exceptions import UserError


def _selected_leads(wizard):
    """The subjects selected in the list the wizard was opened from."""
    context = wizard.env.context
    if context.get("active_model") != "crm.lead":
        return wizard.env["crm.lead"]
    return wizard.env["crm.lead"].browse(context.get("active_ids", []))


class OtoLeadTag(models.TransientModel):
    """Add or remove tags on many selected subjects at once."""

    _name = "oto.lead.tag"
    _description = "Tag subjects"

    lead_ids = fields.Many2many(
        "crm.lead", string="Subjects", required=True, default=_selected_leads
    )
    operation = fields.Selection(
        [("add", "Add these tags"), ("remove", "Remove these tags")],
        required=True,
        default="add",
    )
    tag_ids = fields.Many2many("crm.tag", string="Tags")

    def action_apply(self):
        self.ensure_one()
        if not self.tag_ids:
            raise UserError(self.env._("Choose at least one tag."))
        command = Command.link if self.operation == "add" else Command.unlink
        self.lead_ids.write({"tag_ids": [command(tag.id) for tag in self.tag_ids]})
        return {"type": "ir.actions.act_window_close"}
