# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class OtoWalletAssign(models.TransientModel):
    _name = "oto.wallet.assign"
    _description = "Assign customers to a seller"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    seller_id = fields.Many2one(
        "oto.seller",
        required=True,
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    customer_count = fields.Integer(compute="_compute_customer_count")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "partner_ids" in fields_list and self.env.context.get("active_model") == (
            "res.partner"
        ):
            values["partner_ids"] = [
                fields.Command.set(self.env.context.get("active_ids") or [])
            ]
        return values

    @api.depends("partner_ids")
    def _compute_customer_count(self):
        for wizard in self:
            wizard.customer_count = len(wizard.partner_ids)

    def action_assign(self):
        self.ensure_one()
        scope = self.env["oto.access"]._scope()
        if not (scope.admin or scope.store_ids):
            raise AccessError(
                self.env._("Only store managers and brand admins assign wallets.")
            )
        if not self.seller_id.active:
            raise UserError(
                self.env._(
                    "%(seller)s is inactive: choose an active seller.",
                    seller=self.seller_id.name,
                )
            )
        if not scope.admin and self.seller_id.store_id.id not in scope.store_ids:
            raise AccessError(
                self.env._(
                    "You manage no seller of %(store)s: ask a brand admin to "
                    "move these customers.",
                    store=self.seller_id.store_id.display_name,
                )
            )
        self.partner_ids.write(
            {
                "oto_seller_id": self.seller_id.id,
                "oto_store_id": self.seller_id.store_id.id,
            }
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s customer(s) now in the wallet of %(seller)s.",
                    count=len(self.partner_ids),
                    seller=self.seller_id.name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
