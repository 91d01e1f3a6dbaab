# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def check(self, mode, values=None):
        """A cashier reads any customer to sell to, not the files attached
        to customers in wallets they do not work (see res.partner)."""
        result = super().check(mode, values)
        if mode != "read" or self.env.is_superuser() or not self:
            return result
        self.flush_model(["res_model", "res_id"])
        self.env.cr.execute(
            "SELECT DISTINCT res_id FROM ir_attachment "
            "WHERE id IN %s AND res_model = 'res.partner' AND res_id IS NOT NULL",
            [tuple(self.ids)],
        )
        partner_ids = [row[0] for row in self.env.cr.fetchall()]
        if partner_ids and self.env["res.partner"]._oto_messages_kept_from_cashier(
            partner_ids
        ):
            raise AccessError(
                self.env._("Sorry, you are not allowed to access this document.")
            )
        return result
