# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class OtoLoginLockMixin(models.AbstractModel):
    """A record with a sign-in (``user_id``: a seller's personal login, a
    store's shared login) shows whether wrong passwords locked it, and its
    managers unlock it."""

    _name = "oto.login.lock.mixin"
    _description = "Sign-in lock of a seller's or a store's login"

    login_locked = fields.Boolean(
        string="Sign-in locked",
        compute="_compute_login_locked",
        help="Too many wrong passwords in a row: a store manager or a brand "
        "admin unlocks the sign-in.",
    )

    def _compute_login_locked(self):
        user_ids = [uid for uid in self.user_id.ids if uid]
        locked = set()
        if user_ids:
            locked = {
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        "SELECT id FROM res_users WHERE id = ANY(%s) "
                        "AND oto_login_locked",
                        user_ids,
                    )
                )
            }
        for record in self:
            record.login_locked = record.user_id.id in locked

    def action_unlock_login(self):
        self.ensure_one()
        if not self.user_id:
            raise UserError(
                self.env._("%(name)s has no sign-in of their own.", name=self.name)
            )
        return self.user_id.action_oto_unlock_login()


class OtoSeller(models.Model):
    _name = "oto.seller"
    _inherit = ["oto.seller", "oto.login.lock.mixin"]


class OtoStore(models.Model):
    _name = "oto.store"
    _inherit = ["oto.store", "oto.login.lock.mixin"]
