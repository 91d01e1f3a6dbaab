# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.phone import PhoneError, normalize_phone
from ..tools.seller_link import qr_png, seller_link

SELLER_CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,29}")


def _normalized_or_raw(phone):
    try:
        return normalize_phone(phone)
    except PhoneError:
        return phone


class OtoSeller(models.Model):
    _name = "oto.seller"
    _description = "Seller"
    _inherit = ["mail.thread"]
    _order = "store_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        string="Seller code",
        required=True,
        tracking=True,
        help="Unique in the company. Online orders that carry this code count "
        "for this seller.",
    )
    active = fields.Boolean(
        default=True,
        tracking=True,
        help="An inactive seller gets no suggestions and keeps no wallet.",
    )
    store_id = fields.Many2one(
        "oto.store",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company",
        related="store_id.company_id",
        store=True,
        index=True,
        precompute=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Personal login",
        domain="[('share', '=', False)]",
        index=True,
        tracking=True,
        help="The seller's own Odoo user, when the seller does not work on "
        "the store's shared login.",
    )
    email = fields.Char(help="Where a new PIN is sent.")
    phone = fields.Char(string="Mobile")
    color = fields.Integer()
    wallet_capacity = fields.Integer(
        default=0,
        help="Most customers this seller's wallet takes when customers are "
        "distributed automatically; 0 means no limit.",
    )
    daily_limit = fields.Integer(
        string="Daily suggestion limit",
        default=0,
        help="Overrides the store's and the brand's limit of suggestions per "
        "day for this seller; 0 uses theirs.",
    )
    customer_ids = fields.One2many("res.partner", "oto_seller_id", string="Wallet")
    customer_count = fields.Integer(compute="_compute_customer_count")
    dayoff_ids = fields.One2many("oto.seller.dayoff", "seller_id", string="Days off")
    seller_link = fields.Char(
        compute="_compute_seller_link",
        help="The online store's address with this seller's code: orders "
        "placed through it count for the seller.",
    )
    seller_qr = fields.Binary(
        string="QR code",
        compute="_compute_seller_qr",
        help="The seller's link as a QR code, to print or show on the phone.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "Another seller of this company already uses this seller code.",
        ),
        (
            "wallet_capacity_positive",
            "CHECK(wallet_capacity >= 0)",
            "The wallet capacity cannot be negative.",
        ),
        (
            "daily_limit_positive",
            "CHECK(daily_limit >= 0)",
            "The daily suggestion limit cannot be negative.",
        ),
    ]

    @api.depends("code", "company_id.oto_online_store_url")
    def _compute_seller_link(self):
        for seller in self:
            seller.seller_link = seller_link(
                seller.company_id.oto_online_store_url, seller.code
            )

    @api.depends("seller_link")
    def _compute_seller_qr(self):
        for seller in self:
            seller.seller_qr = (
                base64.b64encode(qr_png(seller.seller_link))
                if seller.seller_link
                else False
            )

    def _daily_limit(self):
        """The seller's limiter: their own, else the store's, else the brand's."""
        self.ensure_one()
        return (
            self.daily_limit
            or self.store_id.daily_limit
            or self.company_id.oto_daily_limit
        )

    @api.depends("customer_ids")
    def _compute_customer_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("oto_seller_id", "in", self.ids)], ["oto_seller_id"], ["__count"]
            )
        )
        for seller in self:
            seller.customer_count = counts.get(seller, 0)

    @api.depends("name", "code")
    def _compute_display_name(self):
        for seller in self:
            seller.display_name = (
                f"{seller.name} ({seller.code})" if seller.code else seller.name
            )

    @api.constrains("code")
    def _check_code(self):
        for seller in self:
            if not SELLER_CODE_RE.fullmatch(seller.code or ""):
                raise ValidationError(
                    self.env._(
                        "Seller code '%(code)s' is not valid: use 1 to 30 "
                        "letters, digits, '-' or '_'.",
                        code=seller.code,
                    )
                )

    @api.constrains("phone")
    def _check_phone(self):
        for seller in self.filtered("phone"):
            try:
                normalize_phone(seller.phone)
            except PhoneError as exc:
                raise ValidationError(
                    self.env._(
                        "The mobile number of %(seller)s is not valid: %(phone)s",
                        seller=seller.name,
                        phone=seller.phone,
                    )
                ) from exc

    @api.model
    def _prepare_seller_values(self, vals):
        vals = dict(vals)
        for field in ("wallet_capacity", "daily_limit"):
            if (vals.get(field) or 0) < 0:
                raise ValidationError(
                    self.env._(
                        "%(field)s cannot be negative (0 means no limit).",
                        field=self._fields[field].get_description(self.env)["string"],
                    )
                )
        if vals.get("code"):
            vals["code"] = vals["code"].strip().upper()
        if vals.get("phone"):
            # An invalid number is kept as typed: _check_phone explains it.
            vals["phone"] = _normalized_or_raw(vals["phone"])
        return vals

    def _check_code_available(self, wanted):
        """Refuse seller codes already taken in their company, with a clear
        message, before the database refuses them (its unique constraint stays
        as the guard against concurrent saves).

        ``wanted``: list of (code, company id, seller id or False).
        """
        seen = {}
        for code, company_id, seller_id in wanted:
            if not code:
                continue
            key = (code, company_id)
            if key in seen and seen[key] != seller_id:
                taken_by = False
            else:
                seen[key] = seller_id
                taken_by = (
                    self.sudo()
                    .with_context(active_test=False)
                    .search(
                        [
                            ("code", "=", code),
                            ("company_id", "=", company_id),
                            ("id", "!=", seller_id),
                        ],
                        limit=1,
                    )
                )
                if not taken_by:
                    continue
            raise ValidationError(
                self.env._(
                    "Seller code %(code)s is already used by %(seller)s in this "
                    "company: each seller needs their own code.",
                    code=code,
                    seller=taken_by.name
                    if taken_by
                    else self.env._("another new seller"),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._prepare_seller_values(v) for v in vals_list]
        stores = self.env["oto.store"].sudo()
        self._check_code_available(
            [
                (v.get("code"), stores.browse(v.get("store_id")).company_id.id, False)
                for v in vals_list
            ]
        )
        return super().create(vals_list)

    def write(self, vals):
        leaving = (
            self.filtered("active") if vals.get("active") is False else self.browse()
        )
        vals = self._prepare_seller_values(vals)
        if "code" in vals or "store_id" in vals:
            store = self.env["oto.store"].sudo().browse(vals.get("store_id"))
            self._check_code_available(
                [
                    (
                        vals.get("code", seller.code),
                        (store or seller.store_id).company_id.id,
                        seller.id,
                    )
                    for seller in self
                ]
            )
        result = super().write(vals)
        if leaving:
            leaving._redistribute_wallet()
        return result

    def _redistribute_wallet(self):
        """Move the wallets of these (now inactive) sellers, and say where
        they went on each seller's chatter. Returns {seller or False: count}."""
        summary = self.env["oto.wallet.engine"]._redistribute(self)
        if summary:
            sellers = self.env["oto.seller"].with_context(active_test=False)
            parts = [
                self.env._(
                    "%(count)s to %(seller)s",
                    count=count,
                    seller=sellers.browse(seller_id).name,
                )
                if seller_id
                else self.env._("%(count)s without a free seller", count=count)
                for seller_id, count in sorted(summary.items(), key=lambda kv: -kv[1])
            ]
            message = self.env._(
                "Wallet redistributed: %(parts)s.", parts=", ".join(parts)
            )
            for seller in self:
                seller.message_post(body=message)
        return summary

    def action_inactivate(self):
        """Inactivate the seller and show where the wallet went."""
        self.ensure_one()
        count = self.customer_count
        self.write({"active": False})
        message = self.env._(
            "%(seller)s is inactive; %(count)s customer(s) redistributed (see the "
            "seller's messages).",
            seller=self.name,
            count=count,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_wallet(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oto_crm.res_partner_action_oto_customers"
        )
        action["domain"] = [("oto_seller_id", "=", self.id)]
        action["context"] = {"default_oto_seller_id": self.id}
        return action

    @api.model
    def _get_current_seller(self):
        """The seller record of the current user, if any (personal login)."""
        return self.search([("user_id", "=", self.env.uid)], limit=1)
