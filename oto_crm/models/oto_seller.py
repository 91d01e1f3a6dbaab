# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re
import secrets
from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.phone import PhoneError, normalize_phone
from ..tools.seller_link import qr_png, seller_link
from .brand_time import brand_today

SELLER_CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,29}")
PIN_RE = re.compile(r"[0-9]{4,6}")
_DUMMY_HASH = []
# Kept by the PIN code itself, never written through the ORM.
PIN_FIELDS = {"pin_hash", "pin_failures", "pin_locked"}
# What makes a seller who they are in the brand: a brand admin's call.
ADMIN_FIELDS = {"store_id", "user_id", "code", "is_manager"}


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
    is_manager = fields.Boolean(
        string="Store manager",
        tracking=True,
        help="Signs in on the store's shared device with their PIN as the "
        "store's manager: the team (lock, unlock, new PINs, days off) and "
        "the store's results.",
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
    pin_hash = fields.Char(
        string="PIN hash", copy=False, groups="base.group_system", prefetch=False
    )
    pin_set = fields.Boolean(string="Has a PIN", compute="_compute_pin_set")
    # Who guesses PINs must not see how many tries are left.
    pin_failures = fields.Integer(
        string="Wrong PINs in a row",
        readonly=True,
        copy=False,
        groups="oto_crm.oto_crm_group_manager",
    )
    pin_locked = fields.Boolean(
        string="Locked",
        readonly=True,
        copy=False,
        tracking=True,
        help="Too many wrong PINs in a row: a store manager unlocks the seller "
        "or resets their PIN.",
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

    def _compute_pin_set(self):
        if not self.ids:
            self.pin_set = False
            return
        self.env.cr.execute(
            "SELECT id FROM oto_seller WHERE id = ANY(%s) AND pin_hash IS NOT NULL",
            [self.ids],
        )
        with_pin = {row[0] for row in self.env.cr.fetchall()}
        for seller in self:
            seller.pin_set = seller.id in with_pin

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
        sellers = super().create(vals_list)
        self.env["oto.access"]._forget()
        self.env["sale.order"].sudo()._oto_credit_salespeople(sellers)
        return sellers

    def _check_protected_write(self, vals):
        """The PIN state changes only through the PIN code; a seller's store,
        login, code and manager role only by a brand admin (a store manager
        activates, inactivates and tunes their sellers)."""
        if self.env.su:
            return
        if PIN_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "A seller's PIN and lock change only through Unlock and Reset PIN."
                )
            )
        changed = [
            name
            for name in ADMIN_FIELDS & set(vals)
            if any(seller._oto_value(name) != (vals[name] or False) for seller in self)
        ]
        if changed and not self.env["oto.access"]._scope().admin:
            raise AccessError(
                self.env._(
                    "Only a brand admin changes a seller's %(fields)s.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in sorted(changed)
                    ),
                )
            )

    def _oto_value(self, name):
        value = self[name]
        return value.id if isinstance(value, models.BaseModel) else value

    def write(self, vals):
        leaving = (
            self.filtered("active") if vals.get("active") is False else self.browse()
        )
        vals = self._prepare_seller_values(vals)
        self._check_protected_write(vals)
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
        returning = (
            self.filtered(lambda s: not s.active)
            if vals.get("active") is True
            else self.browse()
        )
        # A seller moved to another store leaves their wallet at the old one.
        moving = (
            self.filtered(lambda s: s.active and s.store_id.id != vals["store_id"])
            - leaving
            if vals.get("store_id")
            else self.browse()
        )
        result = super().write(vals)
        if {"user_id", "store_id", "active", "is_manager"} & set(vals):
            self.env["oto.access"]._forget()
        if leaving:
            summary = leaving._redistribute_wallet()
            moved = sum(summary.values()) if summary else 0
            for seller in leaving:
                self.env["oto.audit"]._log(
                    "seller_inactivated",
                    self.env._("%(count)s customer(s) redistributed", count=moved),
                    seller=seller,
                )
        if moving:
            summary = moving._redistribute_wallet()
            for seller in moving:
                self.env["oto.audit"]._log(
                    "seller_moved",
                    self.env._(
                        "Moved to %(store)s; %(count)s customer(s) redistributed",
                        store=seller.store_id.name,
                        count=sum(summary.values()) if summary else 0,
                    ),
                    seller=seller,
                )
        for seller in returning:
            self.env["oto.audit"]._log(
                "seller_activated", self.env._("Activated again"), seller=seller
            )
        if vals.get("user_id") or returning:
            self.env["sale.order"].sudo()._oto_credit_salespeople(self)
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

    @api.model
    def _oto_is_manager(self):
        """The current session manages stores: a store manager, a brand
        admin, or a manager identified by PIN on the store's device."""
        scope = self.env["oto.access"]._scope()
        return bool(scope.admin or scope.store_ids)

    @api.model
    def _oto_managed_stores(self):
        """The stores the current session manages: a brand admin every store
        of the company, a store manager (or the PIN manager) theirs."""
        scope = self.env["oto.access"]._scope()
        if not (scope.admin or scope.store_ids):
            return self.env["oto.store"]
        domain = [("company_id", "=", self.env.company.id)]
        if not scope.admin:
            domain.append(("id", "in", scope.store_ids))
        return self.env["oto.store"].sudo().search(domain).with_env(self.env)

    @api.model
    def get_team(self, store_id=False):
        """The store manager's sellers on the phone: wallet, PIN state,
        active or not, days off to come (a brand admin: every store's, or
        one store's). A manager identified by PIN on the store's device gets
        their store's."""
        if not self._oto_is_manager():
            raise AccessError(self.env._("Only store managers manage sellers."))
        stores = self._oto_managed_stores()
        if store_id:
            stores = stores.filtered(lambda s: s.id == store_id)
        sellers = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [("store_id", "in", stores.ids)], order="active desc, store_id, name"
            )
        )
        today = brand_today(self.env)
        days_off = (
            self.env["oto.seller.dayoff"]
            .sudo()
            .search(
                [("seller_id", "in", sellers.ids), ("date_to", ">=", today)],
                order="date_from, id",
            )
        )
        off = {}
        for dayoff in days_off:
            off.setdefault(dayoff.seller_id.id, []).append(
                {
                    "id": dayoff.id,
                    "date_from": fields.Date.to_string(dayoff.date_from),
                    "date_to": fields.Date.to_string(dayoff.date_to),
                    "note": dayoff.note or "",
                    "today": dayoff.date_from <= today,
                }
            )
        return [
            {
                "id": seller.id,
                "name": seller.name,
                "store": seller.store_id.name,
                "active": seller.active,
                "customers": seller.customer_count,
                "pin_set": seller.pin_set,
                # A seller with a login of their own needs no PIN.
                "has_login": bool(seller.user_id),
                "locked": seller.pin_locked,
                # Their own login locked by wrong passwords (action_unlock_login).
                "login_locked": seller.login_locked,
                "off_today": any(d["today"] for d in off.get(seller.id, [])),
                "days_off": off.get(seller.id, []),
            }
            for seller in sellers
        ]

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
        """The seller the current session acts as: on a store's shared login
        the seller who identified with their PIN (until the idle time), else
        the user's own seller record (personal login)."""
        scope = self.env["oto.access"]._scope()
        seller_id = scope.pin_seller_id or (scope.seller_ids or (0,))[0]
        return self.browse(seller_id) if seller_id else self.browse()

    # ----------------------------------------------------------------- PIN

    @api.model
    def _store_login_stores(self):
        """The stores whose shared login is the current user."""
        return self.env["oto.store"].sudo().search([("user_id", "=", self.env.uid)])

    @api.model
    def _get_acting_seller(self):
        """The seller identified by PIN in this session on a shared store
        login, while the idle time has not passed (empty otherwise)."""
        return self.browse(self.env["oto.access"]._scope().pin_seller_id or [])

    def _crypt(self):
        return self.env["res.users"]._crypt_context()

    @api.model
    def _check_pin_format(self, pin):
        if not isinstance(pin, str) or not PIN_RE.fullmatch(pin):
            raise UserError(self.env._("A PIN has 4 to 6 digits, numbers only."))

    def _set_pin(self, pin):
        self.ensure_one()
        self._check_pin_format(pin)
        self.flush_recordset(["pin_failures", "pin_locked"])
        self.env.cr.execute(
            "UPDATE oto_seller SET pin_hash = %s, pin_failures = 0, "
            "pin_locked = FALSE WHERE id = %s",
            [self._crypt().hash(pin), self.id],
        )
        self.invalidate_recordset(["pin_set", "pin_failures", "pin_locked"])

    def _dummy_hash(self):
        # Checked when there is no PIN to check, so that an unknown seller
        # takes as long as a wrong PIN.
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(self._crypt().hash(secrets.token_hex(8)))
        return _DUMMY_HASH[0]

    @api.model
    def oto_pin_login(self, seller_id, pin):
        """A seller identifies on the store's shared login. Returns
        ``{"ok": True}`` or ``{"ok": False, "error": ...}`` (not an
        exception: the wrong attempt counted must be kept). A wrong format
        is refused before anything is checked or counted."""
        stores = self._store_login_stores().filtered(
            lambda s: s.company_id.oto_login_mode == "store"
        )
        if not stores:
            raise AccessError(
                self.env._(
                    "Only a store's shared login identifies sellers by PIN (and "
                    "only when the brand's sellers sign in that way)."
                )
            )
        self._check_pin_format(pin)
        seller = self.sudo().search(
            [("id", "=", seller_id or 0), ("store_id", "in", stores.ids)]
        )
        row = None
        if seller:
            seller.flush_recordset(["pin_failures", "pin_locked"])
            self.env.cr.execute(
                "SELECT pin_hash, pin_failures, pin_locked FROM oto_seller "
                "WHERE id = %s FOR UPDATE",
                [seller.id],
            )
            row = self.env.cr.fetchone()
        valid = self._crypt().verify(pin, (row and row[0]) or self._dummy_hash())
        if not seller or not seller.active or not row[0] or seller.user_id:
            return {
                "ok": False,
                "error": self.env._("This seller cannot sign in here with a PIN."),
            }
        if row[2]:
            return {
                "ok": False,
                "locked": True,
                "error": self.env._(
                    "%(seller)s is locked after too many wrong PINs: ask your "
                    "store manager to unlock you.",
                    seller=seller.name,
                ),
            }
        if not valid:
            return seller._pin_failed(row[1] + 1)
        self.env.cr.execute(
            "UPDATE oto_seller SET pin_failures = 0 WHERE id = %s", [seller.id]
        )
        seller.invalidate_recordset(["pin_failures"])
        self.env["oto.access"]._sign_in(seller)
        return {
            "ok": True,
            "seller": {
                "id": seller.id,
                "name": seller.name,
                "is_manager": seller.is_manager,
            },
        }

    def _pin_failed(self, failures):
        self.ensure_one()
        limit = self.company_id.oto_pin_max_attempts
        locked = failures >= limit
        self.env.cr.execute(
            "UPDATE oto_seller SET pin_failures = %s, pin_locked = %s WHERE id = %s",
            [failures, locked, self.id],
        )
        self.invalidate_recordset(["pin_failures", "pin_locked"])
        if locked:
            self.env["oto.audit"]._log(
                "pin_locked",
                self.env._("%(count)s wrong PINs in a row", count=failures),
                seller=self,
            )
            return {
                "ok": False,
                "locked": True,
                "error": self.env._(
                    "Wrong PIN. %(seller)s is now locked: ask your store manager "
                    "to unlock you.",
                    seller=self.name,
                ),
            }
        return {
            "ok": False,
            "error": self.env._(
                "Wrong PIN. %(left)s attempt(s) left before the seller is locked.",
                left=limit - failures,
            ),
        }

    @api.model
    def _pin_screen(self):
        """What the shared store device shows before a seller identifies:
        the store's active sellers (and whether each can sign in)."""
        stores = self._store_login_stores().filtered(
            lambda s: s.company_id.oto_login_mode == "store"
        )
        if not stores:
            return {"pin_required": False}
        # Sellers with a login of their own sign in with it, not here.
        sellers = self.sudo().search(
            [("store_id", "in", stores.ids), ("user_id", "=", False)], order="name"
        )
        return {
            "pin_required": True,
            "store": ", ".join(stores.mapped("name")),
            "sellers": [
                {
                    "id": seller.id,
                    "name": seller.name,
                    "locked": seller.pin_locked,
                    "pin_set": seller.pin_set,
                    "is_manager": seller.is_manager,
                }
                for seller in sellers
            ],
        }

    @api.model
    def oto_pin_logout(self):
        """The acting seller leaves the shared device (switch seller)."""
        self.env["oto.access"]._sign_out()
        return True

    @api.model
    def oto_pin_touch(self):
        """The seller is using the device's screen (typing, reading) without
        calling the server otherwise: their turn goes on (the idle time
        counts from now). Refused once their turn has ended (the screen
        names them in its context)."""
        return {"ok": bool(self._get_acting_seller())}

    @api.model
    def _pin_turn(self):
        """What the device's screen needs to follow the seller's turn: who
        it is (none on other logins) and after how many seconds without use
        the PIN is asked again."""
        seller = self._get_acting_seller()
        if not seller:
            return {"pin_seller_id": False, "pin_idle_seconds": 0}
        minutes = seller.company_id.sudo().oto_pin_idle_minutes
        return {
            "pin_seller_id": seller.id,
            "pin_idle_seconds": self.env["oto.access"]._pin_idle_seconds(minutes),
        }

    def _check_manager_of(self):
        """Store managers act on their stores' sellers (also when identified
        by PIN on the store's device), brand admins on the company's."""
        scope = self.env["oto.access"]._scope()
        self.check_access("read")
        if not scope.admin and (
            not scope.store_ids
            or any(seller.store_id.id not in scope.store_ids for seller in self)
        ):
            raise AccessError(
                self.env._("Only the store's managers can do this for its sellers.")
            )

    def action_unlock(self):
        self.ensure_one()
        self._check_manager_of()
        if not self.pin_locked:
            raise UserError(self.env._("%(seller)s is not locked.", seller=self.name))
        self.sudo().write({"pin_locked": False, "pin_failures": 0})
        self.env["oto.audit"]._log(
            "pin_unlock", self.env._("Unlocked by the manager"), seller=self
        )
        return True

    def oto_reset_pin(self):
        """A new random PIN: emailed to the seller, and returned once to the
        manager (to show with a copy button and a WhatsApp share link).
        The seller is unlocked; the old PIN stops working."""
        self.ensure_one()
        self._check_manager_of()
        if self.user_id:
            raise UserError(
                self.env._(
                    "%(seller)s signs in with their own login, not a PIN: reset "
                    "their password instead.",
                    seller=self.name,
                )
            )
        if not self.active:
            raise UserError(
                self.env._(
                    "%(seller)s is inactive: activate the seller before giving "
                    "them a PIN.",
                    seller=self.name,
                )
            )
        pin = f"{secrets.randbelow(10**6):06d}"
        self.sudo()._set_pin(pin)
        emailed = bool(self.email)
        if emailed:
            self.env["mail.mail"].sudo().create(
                {
                    "subject": self.env._("Your new Oto PIN"),
                    "email_to": self.email,
                    "body_html": self.env._(
                        "<p>Hello %(seller)s,</p><p>your new PIN to sign in on "
                        "the store's device is <b>%(pin)s</b>.</p><p>If you did "
                        "not ask for it, tell your store manager.</p>",
                        seller=self.name,
                        pin=pin,
                    ),
                    "auto_delete": True,
                }
            )
        self.env["oto.audit"]._log(
            "pin_reset",
            self.env._("New PIN emailed")
            if emailed
            else self.env._("New PIN given by the manager (no email)"),
            seller=self,
        )
        text = self.env._("Your new Oto PIN: %(pin)s", pin=pin)
        phone = (self.phone or "").lstrip("+")
        return {
            "pin": pin,
            "emailed": emailed,
            "whatsapp_url": f"https://wa.me/{phone}?text={quote(text)}"
            if phone
            else f"https://wa.me/?text={quote(text)}",
        }

    def action_reset_pin(self):
        """The back office button: the new PIN in a notification, once."""
        result = self.oto_reset_pin()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "sticky": True,
                "title": self.env._("New PIN for %(seller)s", seller=self.name),
                "message": self.env._(
                    "%(pin)s (shown only now%(emailed)s)",
                    pin=result["pin"],
                    emailed=self.env._(", also sent by email")
                    if result["emailed"]
                    else "",
                ),
                "links": [
                    {
                        "label": self.env._("Share by WhatsApp"),
                        "url": result["whatsapp_url"],
                    }
                ],
            },
        }
