# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import hmac
import secrets

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError

PREFIX_LENGTH = 8


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class OtoApiKey(models.Model):
    """A key of one integration (an e-commerce platform, a marketing tool)
    to the opportunity API: scoped to a company, revocable, kept only as a
    hash (the key itself is shown once, when it is generated)."""

    _name = "oto.api.key"
    _description = "Opportunity API key"
    _inherit = ["mail.thread"]
    _order = "active desc, name"

    name = fields.Char(string="Integration", required=True, tracking=True)
    active = fields.Boolean(
        default=True, tracking=True, help="Archive the key to revoke it."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    prefix = fields.Char(readonly=True, help="The key's first characters.")
    key_hash = fields.Char(readonly=True, groups="base.group_system", copy=False)
    last_used = fields.Datetime(readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Acts as",
        default=lambda self: self.env.user,
        required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Opportunities created with this key are created by this user: an "
        "internal user of the key's company.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        keys = super().create(vals_list)
        keys._check_scope_by_user()
        return keys

    def write(self, vals):
        result = super().write(vals)
        if {"company_id", "user_id"} & set(vals):
            self._check_scope_by_user()
        return result

    def _check_scope_by_user(self):
        """A brand admin makes keys for their own companies, acting as an
        internal user of that company who does not hold more rights than
        they do (never the superuser, an administrator only for an
        administrator)."""
        if self.env.su:
            return
        me = self.env.user
        for key in self:
            user = key.user_id
            if key.company_id not in me.company_ids:
                raise AccessError(
                    self.env._(
                        "You can only make API keys for your own companies, not "
                        "for %(company)s.",
                        company=key.company_id.name,
                    )
                )
            if (
                user.id == SUPERUSER_ID
                or user.share
                or not user.active
                or key.company_id not in user.company_ids
                or (
                    user.has_group("base.group_system")
                    and not me.has_group("base.group_system")
                )
                or not user.has_group("oto_crm.oto_crm_group_seller")
            ):
                raise AccessError(
                    self.env._(
                        "An API key acts as an active internal Oto user of "
                        "%(company)s, and never as an administrator unless you are "
                        "one: %(user)s cannot be chosen.",
                        company=key.company_id.name,
                        user=user.name,
                    )
                )

    def action_generate(self):
        """A new key (replacing the previous one), shown once."""
        self.ensure_one()
        self.check_access("write")
        token = f"oto_{secrets.token_urlsafe(32)}"
        self.sudo().write({"prefix": token[:PREFIX_LENGTH], "key_hash": _digest(token)})
        self.message_post(
            body=self.env._("A new key was generated (%(prefix)s…).", prefix=token[:8])
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("API key for %(name)s", name=self.name),
                "message": self.env._(
                    "%(token)s (shown only now: copy it into the integration)",
                    token=token,
                ),
            },
        }

    @api.model
    def _authenticate(self, token):
        """The active key whose hash matches ``token``, or an empty
        recordset."""
        if not isinstance(token, str) or not token.startswith("oto_"):
            return self.browse()
        keys = (
            self.sudo()
            .with_context(active_test=True)
            .search([("prefix", "=", token[:PREFIX_LENGTH])])
        )
        digest = _digest(token)
        for key in keys:
            if key.key_hash and hmac.compare_digest(key.key_hash, digest):
                now = fields.Datetime.now()
                # At most once a minute: concurrent requests of one key
                # should not fight over its row.
                if not key.last_used or (now - key.last_used).total_seconds() > 60:
                    key.last_used = now
                return key
        return self.browse()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if any(self.mapped("last_used")):
            raise UserError(
                self.env._(
                    "A key that was used is archived (revoked), not deleted: "
                    "its opportunities keep their origin."
                )
            )
