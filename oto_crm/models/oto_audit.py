# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

AUDIT_ACTIONS = [
    ("pin_set", "PIN set"),
    ("pin_reset", "PIN reset"),
    ("pin_locked", "Seller locked (wrong PINs)"),
    ("pin_unlock", "Seller unlocked"),
    ("seller_inactivated", "Seller inactivated"),
    ("seller_activated", "Seller activated"),
    ("seller_moved", "Seller moved to another store"),
    ("consent", "Consent changed"),
    ("wallet_move", "Wallet changed by hand"),
    ("login_locked", "User locked (wrong passwords)"),
    ("login_unlock", "User unlocked"),
    ("data_request", "Data subject request"),
    ("job_failed", "Scheduled job failed"),
    ("access_changed", "User's rights changed by an upgrade"),
    ("import", "Data imported"),
]


class OtoAudit(models.Model):
    """The audit trail of sensitive actions: who (the user, and the seller
    acting on a shared store login), when, what, on which record. Entries are
    written by the actions themselves and never changed."""

    _name = "oto.audit"
    _description = "Audit trail entry"
    _order = "date desc, id desc"
    _log_access = False
    _rec_name = "action"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )
    acting_seller_id = fields.Many2one(
        "oto.seller",
        string="Acting seller",
        readonly=True,
        ondelete="set null",
        help="The seller identified by PIN on a shared store login.",
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    store_id = fields.Many2one("oto.store", readonly=True, ondelete="set null")
    seller_id = fields.Many2one(
        "oto.seller", string="Seller concerned", readonly=True, ondelete="set null"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer concerned", readonly=True, ondelete="set null"
    )
    concerned_user_id = fields.Many2one(
        "res.users", string="User concerned", readonly=True, ondelete="set null"
    )
    action = fields.Selection(AUDIT_ACTIONS, required=True, readonly=True)
    description = fields.Char(readonly=True)

    @api.model
    def _log(
        self,
        action,
        description,
        seller=None,
        partner=None,
        company=None,
        store=None,
        user=None,
    ):
        """Record an action (whatever the user's own rights on the trail).
        ``user``: the user concerned (a locked sign-in), ``store``: the
        store concerned when no seller is (a store's shared login)."""
        acting = self.env["oto.seller"]._get_acting_seller()
        company = company or (seller and seller.company_id) or self.env.company
        store = store or (seller and seller.store_id)
        return self.sudo().create(
            {
                "action": action,
                "description": description,
                "user_id": self.env.user.id,
                "acting_seller_id": acting.id,
                "company_id": company.id,
                "seller_id": seller.id if seller else False,
                "store_id": store.id if store else False,
                "partner_id": partner.id if partner else False,
                "concerned_user_id": user.id if user else False,
            }
        )

    def write(self, vals):
        if vals:
            raise UserError(self.env._("The audit trail cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The audit trail cannot be deleted."))
