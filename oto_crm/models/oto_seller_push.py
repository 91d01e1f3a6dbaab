# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The morning notification "Your N customers for today", through Odoo's
web push (``mail``: the devices a browser subscribed, ``mail.push.device``;
the VAPID keys; the ``mail.push`` queue and its cron, which drops a device
whose subscription expired). Kept apart from ``oto_seller.py``: the phone
app's concern, not the seller's record."""

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.exceptions import UserError

from .brand_time import brand_timezone, brand_today
from .oto_suggestion import DAY_STATES

_logger = logging.getLogger(__name__)

# The notification's tag: the app's service worker opens the seller's day
# when it is tapped (static/src/service_worker.js); a newer one replaces
# the one of the day before.
PUSH_TAG = "oto-morning"


class OtoSeller(models.Model):
    _inherit = "oto.seller"

    morning_push = fields.Boolean(
        string="Morning notification",
        help="Every morning the seller's phone says how many customers wait "
        "for them today (personal logins, on the phones where they allowed "
        "notifications).",
    )
    morning_push_date = fields.Date(
        string="Morning notification sent on", readonly=True, copy=False
    )

    # ------------------------------------------------------------ phone

    @api.model
    def oto_set_morning_push(self, enabled):
        """The seller turns their morning notification on or off (from the
        app's Me tab). Personal logins only: a store's shared phone is
        not one seller's."""
        seller = self._get_current_seller()
        if not seller:
            raise UserError(self.env._("Your user is not linked to a seller."))
        if seller == self._get_acting_seller() or seller.user_id != self.env.user:
            raise UserError(
                self.env._(
                    "The morning notification is for your own phone: sign in "
                    "with your personal login to turn it on."
                )
            )
        seller.sudo().morning_push = bool(enabled)
        return {
            "morning_push": seller.morning_push,
            "devices": self.env["mail.push.device"]
            .sudo()
            .search_count([("partner_id", "=", self.env.user.partner_id.id)]),
        }

    # ------------------------------------------------------------- cron

    @api.model
    def _cron_morning_push(self):
        """Hourly: once the brand's morning hour has come, each seller who
        asked for it gets "Your N customers for today" once that day (not
        on a day off, not when nobody waits for them)."""
        now = datetime.now(ZoneInfo(brand_timezone(self.env)))
        today = brand_today(self.env)
        companies = (
            self.env["res.company"]
            .sudo()
            .search([])
            .filtered(lambda c: now.hour >= c.oto_morning_push_hour)
        )
        if not companies:
            return 0
        sellers = (
            self.sudo()
            .search(
                [
                    ("company_id", "in", companies.ids),
                    ("morning_push", "=", True),
                    ("user_id", "!=", False),
                    "|",
                    ("morning_push_date", "=", False),
                    ("morning_push_date", "<", today),
                ]
            )
            .filtered(lambda s: not s._oto_day_off(today))
        )
        return sellers._oto_send_morning_push(today)

    def _oto_day_off(self, day):
        """Whether the seller is on a day off on ``day``."""
        self.ensure_one()
        return bool(
            self.env["oto.seller.dayoff"]
            .sudo()
            .search_count(
                [
                    ("seller_id", "=", self.id),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                ],
                limit=1,
            )
        )

    def _oto_morning_counts(self):
        """``{seller id: customers waiting}``: the customers of their open
        suggestions (what their day shows to contact)."""
        groups = (
            self.env["oto.suggestion"]
            .sudo()
            ._read_group(
                [("seller_id", "in", self.ids), ("state", "in", DAY_STATES)],
                ["seller_id"],
                ["partner_id:count_distinct"],
            )
        )
        return {seller.id: count for seller, count in groups}

    def _oto_morning_payload(self, count):
        self.ensure_one()
        user = self.user_id
        env = self.with_context(lang=user.lang).env
        body = (
            env._("Your customer for today is waiting: open your day.")
            if count == 1
            else env._(
                "Your %(count)s customers for today are waiting: open your day.",
                count=count,
            )
        )
        return {
            "title": env._("Oto: your %(count)s customers for today", count=count)
            if count != 1
            else env._("Oto: your customer for today"),
            "options": {
                "body": body,
                "icon": "/oto_crm/static/img/oto-icon-192.png",
                "tag": PUSH_TAG,
                "renotify": True,
            },
        }

    def _oto_send_morning_push(self, today):
        """Queue the notification on each seller's subscribed devices (in
        Odoo's ``mail.push`` queue, sent by its cron, which drops expired
        subscriptions). Marked sent for the day first: a run that fails
        halfway never notifies a seller twice."""
        counts = self._oto_morning_counts()
        devices = (
            self.env["mail.push.device"]
            .sudo()
            .search([("partner_id", "in", self.user_id.partner_id.ids)])
        )
        by_partner = devices.grouped("partner_id")
        pushes = []
        notified = self.browse()
        for seller in self:
            count = counts.get(seller.id, 0)
            seller_devices = by_partner.get(seller.user_id.partner_id)
            if not count or not seller_devices:
                continue
            notified |= seller
            payload = json.dumps(seller._oto_morning_payload(count))
            pushes += [
                {"mail_push_device_id": device.id, "payload": payload}
                for device in seller_devices
            ]
        if not pushes:
            return 0
        notified.sudo().write({"morning_push_date": today})
        self.env["mail.push"].sudo().create(pushes)
        self.env.ref("mail.ir_cron_web_push_notification")._trigger()
        _logger.info(
            "Oto: morning notification queued for %s sellers (%s devices)",
            len(notified),
            len(pushes),
        )
        return len(notified)
