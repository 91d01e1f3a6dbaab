# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup

from odoo import api, fields, models, modules, tools
from odoo.exceptions import RedirectWarning, UserError, ValidationError
from odoo.tools import email_normalize
from odoo.tools.sql import column_exists, create_column

from odoo.addons.oto_crm.tools.phone import (
    PhoneError,
    format_national,
    normalize_phone,
    phone_variants,
)
from odoo.addons.oto_crm.wizard.mail_compose_message import OTO_MARKETING

from ..tools.mail_probe import reachable

_logger = logging.getLogger(__name__)

PAID_STATES = ("paid", "done", "invoiced")
RECEIPT_ACTIONS = {
    "email": "action_send_receipt",
    "sms": "action_sent_message_on_sms",
    "whatsapp": "_oto_send_whatsapp_receipt",
}


class PosOrder(models.Model):
    _inherit = "pos.order"

    oto_seller_id = fields.Many2one(
        "oto.seller",
        string="Assisting seller",
        index="btree_not_null",
        check_company=True,
        help="The store seller who assisted the customer (not the cashier).",
    )
    # The point of sale's store, read through it (not stored: linking a point
    # of sale to a store rewrites none of its past orders).
    oto_store_id = fields.Many2one(
        "oto.store", string="Store", related="config_id.oto_store_id"
    )

    oto_refunded_amount = fields.Float(
        string="Refunded",
        digits=0,
        compute="_compute_oto_refunded_amount",
        store=True,
        help="What paid refunds gave back of this sale: the customer's "
        "purchases count the sale for what is left, and not at all once it "
        "is refunded in full.",
    )

    def _auto_init(self):
        # A new column filled in one statement for the orders with refunds,
        # not computed record by record over years of orders.
        if not column_exists(self.env.cr, "pos_order", "oto_refunded_amount"):
            create_column(self.env.cr, "pos_order", "oto_refunded_amount", "numeric")
            self.env.cr.execute(
                """
                UPDATE pos_order po SET oto_refunded_amount = r.amount
                  FROM (SELECT ol.order_id, -sum(rl.price_subtotal_incl) AS amount
                          FROM pos_order_line rl
                          JOIN pos_order_line ol ON ol.id = rl.refunded_orderline_id
                          JOIN pos_order ro ON ro.id = rl.order_id
                         WHERE ro.state IN ('paid', 'done', 'invoiced')
                         GROUP BY ol.order_id) r
                 WHERE po.id = r.order_id
                """
            )
        return super()._auto_init()

    @api.depends(
        "lines.refund_orderline_ids.price_subtotal_incl",
        "lines.refund_orderline_ids.order_id.state",
    )
    def _compute_oto_refunded_amount(self):
        for order in self:
            refunds = order.lines.refund_orderline_ids.filtered(
                lambda line: line.order_id.state in PAID_STATES
            )
            order.oto_refunded_amount = -sum(refunds.mapped("price_subtotal_incl"))

    @api.constrains("oto_seller_id", "config_id")
    def _check_oto_seller_store(self):
        for order in self.filtered("oto_seller_id"):
            store = order.config_id.oto_store_id
            if store and order.oto_seller_id.store_id != store:
                raise ValidationError(
                    self.env._(
                        "%(seller)s does not work at %(store)s, the store of this "
                        "point of sale.",
                        seller=order.oto_seller_id.name,
                        store=store.display_name,
                    )
                )

    @api.constrains("oto_seller_id")
    def _check_oto_seller_active(self):
        # An order made offline with a seller archived meanwhile still syncs:
        # the seller was active when chosen.
        if self.env.context.get("oto_pos_sync"):
            return
        for order in self.filtered("oto_seller_id"):
            if not order.oto_seller_id.active:
                raise ValidationError(
                    self.env._(
                        "%(seller)s is no longer active and cannot be chosen as "
                        "the assisting seller.",
                        seller=order.oto_seller_id.name,
                    )
                )

    # ------------------------------------------------------------ sync

    @api.model
    def _process_order(self, order, existing_order):
        refunded = self._get_refunded_orders(order)
        if refunded.oto_seller_id:
            # A refund is the original sale's seller's, whoever is chosen now.
            order["oto_seller_id"] = refunded.oto_seller_id.id
        self = self.with_context(oto_pos_sync=True)
        order_id = super()._process_order(order, existing_order)
        pos_order = self.browse(order_id)
        if not pos_order.config_id.oto_store_id:
            return order_id  # a point of sale outside Oto: Odoo's as it was
        typed = pos_order._oto_typed_contacts(order)
        if typed:
            pos_order._oto_capture_synced_contact(**typed)
        return order_id

    def _oto_typed_contacts(self, order):
        """The email and mobile of the synced ``order`` that were typed at
        the counter: those that are not its customer's own, compared
        normalised (an order loaded back from the server carries the
        customer's in Odoo's format, the mobile in E.164)."""
        self.ensure_one()
        partner = self.partner_id
        typed = {}
        email = order.get("email")
        if email and email != partner.email:
            normalized = email_normalize(email, strict=True)
            if not normalized or normalized != partner.email_normalized:
                typed["email"] = email
        mobile = order.get("mobile")
        if mobile and not self._oto_is_own_phone(mobile, partner):
            typed["mobile"] = mobile
        return typed

    def _oto_is_own_phone(self, number, partner):
        """Whether ``number`` is one of ``partner``'s, however written."""
        written = {partner.mobile, partner.phone} - {False, ""}
        # As Odoo writes it on the order (the customer's country's format).
        written |= {
            self._phone_format(number=raw, country=partner.country_id) or raw
            for raw in written
        }
        if number in written:
            return True
        known = set()
        for raw in (partner.oto_phone_e164, *written):
            try:
                known.update(phone_variants(normalize_phone(raw or "")))
            except PhoneError:
                continue
        try:
            return normalize_phone(number) in known
        except PhoneError:
            return False

    def _oto_capture_synced_contact(self, email=None, mobile=None):
        """Contacts typed at the counter while offline reach the customer
        when the order syncs; a bad one is noted on the order, never blocks
        the sale."""
        try:
            with self.env.cr.savepoint():
                self._oto_capture_contact(
                    email=self._oto_check_email(email) if email else None,
                    phone=self._oto_check_phone(mobile) if mobile else None,
                )
        except UserError as error:
            self.message_post(
                body=self.env._(
                    "Contact typed at the counter not saved: %(error)s",
                    error=error.args[0],
                )
            )

    # ------------------------------------------------------------ contacts

    @api.model
    def _oto_check_email(self, email):
        normalized = email_normalize((email or "").strip(), strict=True)
        if not normalized:
            raise UserError(
                self.env._(
                    "“%(email)s” is not a valid email address.", email=email or ""
                )
            )
        return normalized

    @api.model
    def _oto_check_phone(self, phone):
        try:
            return normalize_phone(phone or "")
        except PhoneError as error:
            raise UserError(
                self.env._(
                    "“%(phone)s” is not a valid phone number: type it with the "
                    "area code, for example (11) 98765-4321.",
                    phone=phone or "",
                )
            ) from error

    def _oto_capture_contact(self, email=None, phone=None):
        """Save the email or E.164 phone typed at the counter on the order's
        customer: found by that email or phone when the order has none,
        else created from it. A customer's different email or phone is kept
        and the new one noted on them. Returns (customer, created)."""
        self.ensure_one()
        values = {}
        if email:
            values["email"] = email
        if phone:
            values["mobile"] = phone
        partner = self.partner_id
        created = False
        if not partner:
            partner = self.env["res.partner"]._oto_find_customer(
                self.company_id, email=email, phone=phone
            )
        if not partner:
            partner = self._oto_new_customer(
                {"name": email or format_national(phone), **values}
            )
            created = True
        else:
            missing, other = {}, {}
            if email:
                if not partner.email:
                    missing["email"] = email
                elif partner.email_normalized != email:
                    other["email"] = email
            if phone:
                if not partner.oto_phone_e164:
                    missing["mobile"] = phone
                elif normalize_phone(partner.oto_phone_e164) != phone:
                    other["mobile"] = phone
            if missing:
                partner.sudo().write(missing)
            if other:
                partner.sudo().message_post(
                    body=Markup("%s")
                    % self.env._(
                        "At the counter (%(order)s) the customer gave %(contact)s; "
                        "the contact on file was kept.",
                        order=self.name,
                        contact=", ".join(other.values()),
                    )
                )
        order_values = {**values}
        if self.partner_id != partner:
            order_values["partner_id"] = partner.id
        self.write(order_values)
        return partner, created

    # ------------------------------------------------------------ receipts

    def oto_send_receipt(self, channel, destination, ticket_image, basic_image=None):
        """Send the receipt by email, SMS or WhatsApp from the receipt
        screen and keep the contact on the customer. Nothing is saved when
        the address is refused or the channel is off."""
        self.ensure_one()
        if channel not in RECEIPT_ACTIONS:
            raise UserError(self.env._("Unknown receipt channel: %s", channel))
        if channel not in self.config_id._oto_receipt_channels():
            raise UserError(self._oto_channel_off_message(channel))
        if channel == "email":
            contact = {"email": self._oto_check_email(destination)}
        else:
            contact = {"phone": self._oto_check_phone(destination)}
        # The contact is saved only if the receipt goes (or waits in the
        # mail queue): a refusal (the consent gate: customer opted out,
        # number not on WhatsApp; an address the mail server refuses) undoes
        # it.
        with self.env.cr.savepoint():
            partner, created = self._oto_capture_contact(**contact)
            self.env["oto.consent.gate"]._check(partner, channel, "transactional")
            sent = getattr(self, RECEIPT_ACTIONS[channel])(
                contact.get("email") or contact["phone"], ticket_image, basic_image
            )
        return {
            "partner_id": partner.id,
            "partner_name": partner.name,
            "created": created,
            # The mail server was down: the receipt waits in Odoo's mail
            # queue, sent when the server answers again.
            "queued": sent == "queued",
        }

    def action_send_receipt(self, email, ticket_image, basic_image):
        """The receipt by email, sent while the cashier waits. A mail server
        that does not answer (within seconds, not the mail library's
        minute) does not lose the address: the email waits in Odoo's mail
        queue ("queued" is returned) and leaves with the queue once the
        server is back. An address the server refuses is an error, not a
        silent success."""
        self.ensure_one()
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(self._prepare_mail_values(email, ticket_image, basic_image))
        )
        self.email = email
        if not self._oto_mail_server_reachable():
            return "queued"
        mail.send()
        if mail.exists() and mail.state == "exception":
            raise UserError(
                self.env._(
                    "The receipt could not be sent by email: %(reason)s",
                    reason=mail.failure_reason
                    or self.env._("the mail server refused it"),
                )
            )
        return "sent"

    def _oto_mail_server_reachable(self):
        """The outgoing mail server for receipts answers within a few
        seconds (never probed under test: no mail leaves a test)."""
        if modules.module.current_test:
            return True
        email_from = self.env.company.email or self.env.user.email_formatted
        server, _smtp_from = (
            self.env["ir.mail_server"].sudo()._find_mail_server(email_from)
        )
        if server:
            return reachable(server.smtp_host, server.smtp_port)
        return reachable(
            tools.config.get("smtp_server"), tools.config.get("smtp_port") or 25
        )

    def _oto_channel_off_message(self, channel):
        if channel == "sms":
            return self.env._(
                "Receipts by SMS are off at this point of sale: enable “SMS "
                "Enabled” in the Point of Sale settings."
            )
        if "oto.whatsapp.template" not in self.env:
            return self.env._(
                "Receipts by WhatsApp need the Oto CRM - WhatsApp app: install "
                "it, then choose a receipt template in the Point of Sale "
                "settings."
            )
        return self.env._(
            "Receipts by WhatsApp are off at this point of sale: enable them and "
            "choose an approved receipt template in the Point of Sale settings."
        )

    def _oto_send_whatsapp_receipt(self, phone, ticket_image, basic_image=None):
        # Sent by oto_crm_pos_whatsapp, through oto_crm_whatsapp's queue.
        raise UserError(self._oto_channel_off_message("whatsapp"))

    # ------------------------------------------------------------ marketing

    def action_send_mail(self):
        """Actions > Send email: the mass composer with a template for POS
        orders; says so (and opens the templates) when there is none."""
        templates = self.env["mail.template"].search(
            [("model", "=", "pos.order")], order="id"
        )
        if not templates:
            action = self.env.ref("mail.action_email_template_tree_all")
            raise RedirectWarning(
                self.env._(
                    "No email template applies to POS orders. Create one for the "
                    "model “Point of Sale Orders” (or save one from the composer) "
                    "to send marketing emails from orders."
                ),
                {
                    **action._get_action_dict(),
                    "context": {"default_model": "pos.order"},
                },
                self.env._("Configure templates"),
            )
        action = super().action_send_mail()
        # Oto's marketing from orders: one email per address, through the
        # consent gate (the composer's action_send_mail).
        action["context"] = {**action["context"], OTO_MARKETING: True}
        default = self.env.ref(
            "point_of_sale.pos_email_marketing_template", raise_if_not_found=False
        )
        if not default or default not in templates:
            action["context"]["default_template_id"] = templates[0].id
        return action

    def _oto_marketing_recipients(self):
        """The orders to email: those with an address, one per address (the
        latest), to the customers the consent gate allows; an address
        that belongs to no customer gets one, linked to an order without
        customer. Returns (order ids, skipped reasons with their counts)."""
        skipped = {}

        def skip(reason):
            skipped[reason] = skipped.get(reason, 0) + 1

        chosen, seen = [], set()
        for order in self.sorted(lambda o: (o.date_order, o.id), reverse=True):
            email = email_normalize(order.email or "", strict=True)
            if not email:
                skip(self.env._("without email"))
            elif email in seen:
                skip(self.env._("same address as a later order"))
            else:
                seen.add(email)
                chosen.append((order, email))
        customers = self._oto_customers_by_email(
            [
                (order, email)
                for order, email in chosen
                if order.partner_id.email_normalized != email
            ]
        )
        partners = {
            order: customers.get(order, order.partner_id) for order, _e in chosen
        }
        # The consent gate, for all the customers at once.
        refused = self.env["oto.consent.gate"]._refusals(
            self.env["res.partner"].union(*partners.values()), "email", "marketing"
        )
        kept = []
        for order, _email in chosen:
            reason = refused.get(partners[order])
            if reason:
                skip(reason)
                continue
            kept.append(order.id)
        return kept, skipped

    def _oto_customers_by_email(self, wanted):
        """For (order, normalized email) pairs, the customer of each address
        in the order's company, found in one search (the one in a wallet,
        then the oldest) or created; an order without a customer is linked
        to theirs. Returns {order: customer}."""
        Partner = self.env["res.partner"].sudo()
        if not wanted:
            return {}
        companies = {order.company_id.id for order, _email in wanted}
        found = Partner.search(
            [
                ("email_normalized", "in", list({email for _o, email in wanted})),
                ("company_id", "in", [*companies, False]),
                "|",
                ("oto_store_id", "=", False),
                ("oto_store_id.company_id", "in", list(companies)),
                ("parent_id", "=", False),
                ("partner_share", "!=", False),
            ],
            order="id",
        )
        best = {}
        for partner in found.sorted(lambda p: (not p.oto_seller_id.active, p.id)):
            for company in companies:
                if partner.company_id.id in (company, False):
                    best.setdefault((company, partner.email_normalized), partner)
        result = {}
        for order, email in wanted:
            key = (order.company_id.id, email)
            if key not in best:
                best[key] = order._oto_new_customer({"name": email, "email": email})
            partner = best[key]
            if not order.partner_id:
                # email and mobile written too: kept as typed, not recomputed.
                order.write(
                    {
                        "partner_id": partner.id,
                        "email": order.email,
                        "mobile": order.mobile,
                    }
                )
            result[order] = partner
        return result

    def _oto_new_customer(self, values):
        """A customer created at the counter or from this order's address,
        in the order's company and the store of its point of sale."""
        self.ensure_one()
        return (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "company_id": self.company_id.id,
                    "customer_rank": 1,
                    "oto_store_id": self.config_id.oto_store_id.id,
                    **values,
                }
            )
        )
