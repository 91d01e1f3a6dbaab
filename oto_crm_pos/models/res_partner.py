# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.oto_crm.models.oto_consent import CHANNELS, PHONE_CHANNELS

CHATTER_FIELDS = ("message_ids", "website_message_ids", "message_attachment_count")


def _names_chatter(domain):
    """Whether a search domain reads the customers' chatter."""
    return any(
        isinstance(leaf, list | tuple)
        and leaf
        and isinstance(leaf[0], str)
        and leaf[0].split(".", 1)[0] in CHATTER_FIELDS
        for leaf in domain or ()
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    oto_pos_badges = fields.Json(
        string="Oto badges",
        compute="_compute_oto_pos_badges",
        help="What the cashier sees of the customer in the POS: RFV segment, "
        "wallet seller and consent per channel.",
    )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        # Customers found by the words of their chatter: for a cashier, only
        # those whose chatter they read (else the search tells what a note
        # says, one guess at a time).
        if not self.env.su and _names_chatter(domain):
            kept = self._oto_cashier_chatter_domain()
            if kept:
                domain = [*domain, *kept] if domain else kept
        return super()._search(
            domain, offset=offset, limit=limit, order=order, **kwargs
        )

    @api.model
    def _oto_cashier_kept_out(self):
        """Whether the user is a cashier kept from the chatter and files of
        customers in wallets they do not work: an Oto seller at the counter,
        or a cashier (nothing more) of a company whose stores sell at its
        points of sale. Everyone else (a point of sale without Oto, a
        cashier who also sells, invoices or manages the points of sale)
        reads them as Odoo lets them."""
        user = self.env.user
        if self.env.su or not user._has_group("point_of_sale.group_pos_user"):
            return False
        if self.env["oto.access"]._scope().admin:
            return False
        if user._has_group("oto_crm.oto_crm_group_seller"):
            return True
        if any(
            user._has_group(group)
            for group in (
                "point_of_sale.group_pos_manager",
                "sales_team.group_sale_salesman",
                "account.group_account_invoice",
            )
        ):
            return False
        return bool(
            self.env["pos.config"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("oto_store_id", "!=", False),
                    ("company_id", "in", user.company_ids.ids),
                ],
                limit=1,
            )
        )

    @api.model
    def _oto_cashier_chatter_domain(self):
        """The customers whose chatter a cashier reads, as a domain (empty
        when the user is no cashier or reads every chatter)."""
        if not self._oto_cashier_kept_out():
            return []
        # The customers outside any wallet, or in the wallets worked.
        return [("oto_worked", "=", True)]

    @api.model
    def _oto_messages_kept_from_cashier(self, partner_ids):
        """The customers, among ``partner_ids``, whose notes and messages a
        cashier does not read: a cashier reads any customer to sell to, not
        the chatter of customers in wallets they do not work."""
        if not self._oto_cashier_kept_out():
            return set()
        scope = self.env["oto.access"]._scope()
        return set(
            self.sudo()
            .browse(list(partner_ids))
            .filtered(
                lambda p: (
                    (p.oto_seller_id or p.oto_store_id)
                    and p.oto_seller_id.id not in scope.seller_ids
                    and p.oto_store_id.id not in scope.store_ids
                )
            )
            .ids
        )

    @api.model
    def _get_mail_message_access(self, res_ids, operation, model_name=None):
        # Kept from a cashier: reading asks for the right to change the
        # customer (their own wallet's, as a seller).
        check = super()._get_mail_message_access(res_ids, operation, model_name)
        if (
            check == "read"
            and (model_name or self._name) == "res.partner"
            and self._oto_messages_kept_from_cashier(res_ids)
        ):
            return "write"
        return check

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields_ = super()._load_pos_data_fields(config_id)
        # A point of sale of no Oto store is Odoo's as it was: no badges.
        if self.env["pos.config"].browse(config_id).oto_store_id:
            fields_ = [*fields_, "oto_pos_badges"]
        return fields_

    @api.depends_context("company")
    @api.depends(
        "oto_seller_id",
        "oto_optout_whatsapp",
        "oto_optout_sms",
        "oto_optout_call",
        "oto_optout_email",
    )
    def _compute_oto_pos_badges(self):
        partners = self.sudo()
        granted = partners._oto_granted_channels()
        for partner, shown in zip(self, partners, strict=True):
            segment = shown.oto_rfv_segment_id
            seller = shown.oto_seller_id
            consent = {}
            for channel, _label in CHANNELS:
                if shown[f"oto_optout_{channel}"]:
                    consent[channel] = "refused"
                elif (shown._origin.id, channel) in granted:
                    consent[channel] = "granted"
                else:
                    consent[channel] = "unknown"
            partner.oto_pos_badges = {
                "segment": segment.name or False,
                "tone": segment.tone or False,
                "seller_id": seller.id if seller.active else False,
                "seller": seller.name if seller.active else False,
                "consent": consent,
            }

    def _oto_granted_channels(self):
        """(customer, channel) whose latest ledger entry is a grant."""
        ids = [pid for pid in self._origin.ids if pid]
        if not ids:
            return set()
        self.env["oto.consent"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id, channel FROM (
                    SELECT DISTINCT ON (partner_id, channel)
                           partner_id, channel, granted
                      FROM oto_consent
                     WHERE partner_id = ANY(%s)
                  ORDER BY partner_id, channel, date DESC, id DESC) latest
                 WHERE granted
                """,
                ids,
            )
        )
        return {(pid, channel) for pid, channel in rows}

    def oto_pos_record_consent(self, config_id, choices, text_shown, seller_id=False):
        """Consent given at the counter: ``choices`` maps a channel to True
        (opt-in) or False (opt-out); each lands in the consent ledger with
        source POS, the text shown, the cashier and the assisting seller."""
        self.ensure_one()
        if not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(
                self.env._("Only Point of Sale users record consent at the counter.")
            )
        self.check_access("read")
        config = self.env["pos.config"].browse(config_id).exists()
        if not config:
            raise UserError(self.env._("This point of sale no longer exists."))
        known = dict(CHANNELS)
        unknown = [channel for channel in choices if channel not in known]
        if unknown or not choices:
            raise UserError(
                self.env._("Choose at least one channel: WhatsApp, SMS, call or email.")
            )
        text = (text_shown or "").strip()
        if not text:
            raise UserError(
                self.env._(
                    "The consent text shown to the customer is required: it is the "
                    "proof of their choice."
                )
            )
        phone_granted = [c for c in choices if c in PHONE_CHANNELS and choices[c]]
        if phone_granted and not self.oto_phone_e164:
            raise UserError(
                self.env._(
                    "%(customer)s has no valid phone number: save one before "
                    "recording consent for WhatsApp, SMS or calls.",
                    customer=self.name,
                )
            )
        if choices.get("email") and not self.email:
            raise UserError(
                self.env._(
                    "%(customer)s has no email address: save one before recording "
                    "consent for emails.",
                    customer=self.name,
                )
            )
        seller = self.env["oto.seller"].sudo().browse(seller_id).exists()
        where = {
            "company_id": config.company_id.id,
            "pos_config_id": config.id,
            "oto_seller_id": seller.id,
        }
        for granted in (True, False):
            channels = [c for c, given in choices.items() if bool(given) == granted]
            self._oto_set_consent(
                channels, granted, "pos", config.name, text, extra=where
            )
        self.invalidate_recordset(["oto_pos_badges"])
        return self.oto_pos_badges
