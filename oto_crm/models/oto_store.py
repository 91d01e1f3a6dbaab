# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.phone import BR_AREA_CODES

# Who manages a store and how it signs in: a brand admin's call.
ADMIN_FIELDS = {"manager_ids", "user_id", "code", "kind", "company_id", "active"}


class OtoStore(models.Model):
    _name = "oto.store"
    _description = "Store"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique code of the store in the company (used in reports "
        "and exports).",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    kind = fields.Selection(
        [("own", "Own store"), ("franchise", "Franchise")],
        required=True,
        default="own",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    color = fields.Integer()
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char(index=True)
    state_id = fields.Many2one(
        "res.country.state",
        domain="[('country_id', '=?', country_id)]",
        index=True,
    )
    country_id = fields.Many2one(
        "res.country",
        default=lambda self: self.env.ref("base.br", raise_if_not_found=False),
    )
    phone = fields.Char()
    email = fields.Char()
    area_codes = fields.Char(
        string="Area codes (DDD)",
        help="Phone area codes this store serves, separated by commas, e.g. "
        "'11, 12, 13'. Customers without purchases are placed in the store "
        "that covers their phone's area code.",
    )
    manager_ids = fields.Many2many(
        "res.users",
        "oto_store_manager_rel",
        "store_id",
        "user_id",
        string="Managers",
        domain="[('share', '=', False)]",
        help="Store managers: they manage this store's sellers and see its results.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Shared login",
        domain="[('share', '=', False)]",
        help="Login shared by the store's sellers on the store's device; each "
        "seller then identifies with a personal PIN.",
    )
    daily_limit = fields.Integer(
        string="Daily suggestion limit",
        help="Suggestions per seller and day at this store; 0 uses the brand's.",
    )
    seller_ids = fields.One2many("oto.seller", "store_id", string="Sellers")
    customer_ids = fields.One2many("res.partner", "oto_store_id", string="Customers")
    seller_count = fields.Integer(compute="_compute_counts")
    customer_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "Another store of this company already uses this code.",
        ),
        (
            "daily_limit_positive",
            "CHECK(daily_limit >= 0)",
            "The daily suggestion limit cannot be negative (0 uses the brand's).",
        ),
    ]

    @api.depends("seller_ids", "customer_ids")
    def _compute_counts(self):
        sellers = dict(
            self.env["oto.seller"]._read_group(
                [("store_id", "in", self.ids)], ["store_id"], ["__count"]
            )
        )
        customers = dict(
            self.env["res.partner"]._read_group(
                [("oto_store_id", "in", self.ids)], ["oto_store_id"], ["__count"]
            )
        )
        for store in self:
            store.seller_count = sellers.get(store, 0)
            store.customer_count = customers.get(store, 0)

    @api.constrains("code")
    def _check_code(self):
        for store in self:
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}", store.code or ""):
                raise ValidationError(
                    self.env._(
                        "Store code '%(code)s' is not valid: use 1 to 20 letters, "
                        "digits, '-' or '_', starting with a letter or digit.",
                        code=store.code,
                    )
                )

    @api.constrains("area_codes")
    def _check_area_codes(self):
        for store in self:
            for code in store._get_area_codes(strict=True):
                if code not in BR_AREA_CODES:
                    raise ValidationError(
                        self.env._(
                            "%(code)s is not a Brazilian area code (DDD) in use.",
                            code=code,
                        )
                    )

    def _check_code_available(self, wanted):
        """Refuse store codes already taken in their company, before the
        database does. ``wanted``: list of (code, company id, store id or False).
        """
        seen = set()
        for code, company_id, store_id in wanted:
            if not code:
                continue
            taken = (code, company_id) in seen or self.sudo().with_context(
                active_test=False
            ).search_count(
                [
                    ("code", "=", code),
                    ("company_id", "=", company_id),
                    ("id", "!=", store_id),
                ],
                limit=1,
            )
            seen.add((code, company_id))
            if taken:
                raise ValidationError(
                    self.env._(
                        "Another store of this company already uses the code %(code)s.",
                        code=code,
                    )
                )

    def _check_protected_write(self, vals):
        """A store manager tunes their store (address, area codes, limit);
        who manages it, its shared login, code, kind, company and whether it
        is open are a brand admin's call."""
        if self.env.su:
            return
        changed = [
            name
            for name in ADMIN_FIELDS & set(vals)
            # Many2many commands: any of them is a change.
            if self._fields[name].type == "many2many"
            or any(store._oto_value(name) != (vals[name] or False) for store in self)
        ]
        if changed and not self.env["oto.access"]._scope().admin:
            raise AccessError(
                self.env._(
                    "Only a brand admin changes a store's %(fields)s.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in sorted(changed)
                    ),
                )
            )

    def _oto_value(self, name):
        value = self[name]
        return value.id if isinstance(value, models.BaseModel) else value

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("code"):
                vals["code"] = vals["code"].strip().upper()
        self._check_code_available(
            [
                (v.get("code"), v.get("company_id") or self.env.company.id, False)
                for v in vals_list
            ]
        )
        stores = super().create(vals_list)
        self.env["oto.access"]._forget()
        return stores

    def write(self, vals):
        if vals.get("code"):
            vals["code"] = vals["code"].strip().upper()
        self._check_protected_write(vals)
        if "code" in vals or "company_id" in vals:
            self._check_code_available(
                [
                    (
                        vals.get("code", store.code),
                        vals.get("company_id", store.company_id.id),
                        store.id,
                    )
                    for store in self
                ]
            )
        if vals.get("active") is False:
            busy = self.filtered(lambda s: s.active and s.seller_ids)
            if busy:
                raise UserError(
                    self.env._(
                        "Store %(store)s still has active sellers. Inactivate "
                        "them or move them to another store first, so their "
                        "customers are redistributed.",
                        store=busy[0].display_name,
                    )
                )
        result = super().write(vals)
        if {"manager_ids", "user_id", "active", "company_id"} & set(vals):
            self.env["oto.access"]._forget()
        return result

    @api.depends("name", "code")
    def _compute_display_name(self):
        for store in self:
            store.display_name = (
                f"[{store.code}] {store.name}" if store.code else store.name
            )

    def _get_area_codes(self, strict=False):
        """Return the store's area codes as ints.

        With ``strict``, an entry that is not a number raises ``ValidationError``;
        otherwise it is ignored.
        """
        self.ensure_one()
        codes = []
        for part in re.split(r"[,;\s]+", self.area_codes or ""):
            if not part:
                continue
            if not part.isdigit():
                if strict:
                    raise ValidationError(
                        self.env._(
                            "Area codes must be numbers separated by commas, "
                            "e.g. '11, 12'; '%(part)s' is not.",
                            part=part,
                        )
                    )
                continue
            codes.append(int(part))
        return codes

    def action_refresh_wallets(self):
        """Run the wallet engine now for this store's customers."""
        self.ensure_one()
        scope = self.env["oto.access"]._scope()
        if not scope.admin and self.id not in scope.store_ids:
            raise UserError(self.env._("Only this store's managers run its wallets."))
        run = self.env["oto.wallet.engine"]._action_wallet_refresh(
            self.company_id, store=self
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(store)s: %(processed)s customer(s) checked, %(moved)s moved to "
                    "their preferred seller, %(placed)s placed, %(unplaced)s without "
                    "a free seller.",
                    store=self.name,
                    processed=run.processed,
                    moved=run.moved,
                    placed=run.placed,
                    unplaced=run.unplaced,
                ),
            },
        }

    def action_view_sellers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oto_crm.oto_seller_action"
        )
        action["domain"] = [("store_id", "=", self.id)]
        action["context"] = {"default_store_id": self.id}
        return action

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oto_crm.res_partner_action_oto_customers"
        )
        action["domain"] = [("oto_store_id", "=", self.id)]
        return action
