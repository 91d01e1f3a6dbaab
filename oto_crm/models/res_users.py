# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ..tools.password_policy import MIN_LENGTH, password_problems


class ResUsers(models.Model):
    _inherit = "res.users"

    oto_password_temporary = fields.Boolean(
        string="Temporary password",
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="Given by someone else (Change Password): the user chooses their "
        "own when they next sign in.",
    )

    def _oto_policy_applies(self):
        self.ensure_one()
        # Store managers and brand admins are sellers too (implied groups).
        return self.has_group("oto_crm.oto_crm_group_seller")

    def _oto_check_password(self, password):
        labels = {
            "length": self.env._("at least %(count)s characters", count=MIN_LENGTH),
            "digit": self.env._("a digit"),
            "upper": self.env._("an upper-case letter"),
            "lower": self.env._("a lower-case letter"),
            "special": self.env._("a special character (such as ! @ # or a space)"),
        }
        problems = password_problems(password)
        if problems:
            raise UserError(
                self.env._(
                    "The password needs %(missing)s.",
                    missing=", ".join(labels[p] for p in problems),
                )
            )

    def _change_password(self, new_passwd):
        """Every password a person types (their own, or the one a brand
        admin gives with *Change Password*) follows the policy; one given by
        someone else is temporary."""
        self.ensure_one()
        if self._oto_policy_applies():
            self._oto_check_password((new_passwd or "").strip())
        result = super()._change_password(new_passwd)
        self.env.cr.execute(
            "UPDATE res_users SET oto_password_temporary = %s WHERE id = %s",
            [self.id != self.env.uid, self.id],
        )
        self.invalidate_recordset(["oto_password_temporary"])
        return result

    # ------------------------------------------------------------------
    # A seller's login leaving Oto CRM
    # ------------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals or any(
            key == "groups_id" or key.startswith(("in_group_", "sel_groups_"))
            for key in vals
        ):
            self._oto_release_wallets()
        return result

    def unlink(self):
        self._oto_release_wallets(leaving=True)
        return super().unlink()

    def _oto_release_wallets(self, leaving=False):
        """Sellers whose personal login can no longer open Oto CRM (taken out
        of its groups, archived or deleted) cannot work their wallet: they
        are inactivated, so the wallet goes back to their store's sellers by
        the usual rule (as when a manager inactivates a seller). Nothing is
        lost: the customers' history, contacts and purchases stay, and the
        audit trail says who did it."""
        sellers = (
            self.env["oto.seller"].sudo().search([("user_id", "in", self.ids)])
            if self.ids
            else self.env["oto.seller"]
        )
        gone = sellers.filtered(
            lambda seller: (
                leaving
                or not seller.user_id.active
                or not seller.user_id.has_group("oto_crm.oto_crm_group_seller")
            )
        )
        for seller in gone:
            seller.message_post(
                body=self.env._(
                    "%(user)s no longer has access to Oto CRM: the seller is "
                    "inactivated and the wallet goes back to the store.",
                    user=seller.user_id.name,
                )
            )
        if gone:
            gone.write({"active": False})
