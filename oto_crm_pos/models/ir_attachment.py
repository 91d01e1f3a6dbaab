# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import functools

from odoo import models
from odoo.exceptions import AccessError
from odoo.osv import expression


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _oto_kept_from_cashier(self):
        """The attachments of customers in wallets a cashier does not work:
        a cashier reads any customer to sell to, not their files (see
        res.partner)."""
        if self.env.is_superuser() or not self.ids:
            return self.browse()
        self.flush_model(["res_model", "res_id"])
        self.env.cr.execute(
            "SELECT id, res_id FROM ir_attachment "
            "WHERE id IN %s AND res_model = 'res.partner' AND res_id IS NOT NULL",
            [tuple(self.ids)],
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return self.browse()
        kept = self.env["res.partner"]._oto_messages_kept_from_cashier(
            {res_id for _id, res_id in rows}
        )
        return self.browse([att_id for att_id, res_id in rows if res_id in kept])

    def _oto_refusal(self, records):
        return AccessError(
            self.env._("Sorry, you are not allowed to access this document.")
        )

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or operation != "read":
            return result
        kept = self._oto_kept_from_cashier()
        if kept:
            return kept, functools.partial(self._oto_refusal, kept)
        return None

    def _search(self, domain, offset=0, limit=None, order=None):
        if (
            not self.env.is_superuser()
            and self.env["res.partner"]._oto_cashier_kept_out()
        ):
            # In the domain, before the page's limit (Odoo's own access
            # filtering refills its pages).
            kept = (
                self.env["res.partner"]
                .with_context(active_test=False)
                ._search([("oto_worked", "=", False)])
            )
            domain = expression.AND(
                [
                    domain or [],
                    [
                        "|",
                        "|",
                        ("res_model", "!=", "res.partner"),
                        ("res_id", "=", False),
                        ("res_id", "not in", kept),
                    ],
                ]
            )
        return super()._search(domain, offset, limit, order)

    def check(self, mode, values=None):
        result = super().check(mode, values)
        if mode == "read" and self._oto_kept_from_cashier():
            raise self._oto_refusal(self)
        return result
