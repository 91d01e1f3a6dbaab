# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class OtoLeadTag(models.TransientModel):
    """Add or remove tags on many selected subjects at once."""

    _name = "oto.lead.tag"
    _description = "Tag subjects"

    lead_ids = fields.Many2many("crm.lead", string="Subjects", required=True)
    operation = fields.Selection(
        [("add", "Add these tags"), ("remove", "Remove these tags")],
        required=True,
        default="add",
    )
    tag_ids = fields.Many2many("crm.tag", string="Tags")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "crm.lead":
            values["lead_ids"] = [Command.set(self.env.context.get("active_ids", []))]
        return values

    def action_apply(self):
        self.ensure_one()
        if not self.tag_ids:
            raise UserError(self.env._("Choose at least one tag."))
        command = Command.link if self.operation == "add" else Command.unlink
        self.lead_ids.write({"tag_ids": [command(tag.id) for tag in self.tag_ids]})
        return {"type": "ir.actions.act_window_close"}
