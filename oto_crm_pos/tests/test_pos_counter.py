# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import time
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.models.mail_mail import MailMail

from .common import PosCommon

# A 1x1 JPEG stands for the receipt image the POS renders.
TICKET = base64.b64encode(
    bytes.fromhex(
        "ffd8ffe000104a46494600010100000100010000ffdb00430008060607060508070707090908"
    )
).decode()


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestPosSeller(PosCommon):
    def test_pos_loads_the_active_sellers_of_its_store(self):
        self.config.open_ui()
        session = self.config.current_session_id
        self.assertIn("oto.seller", session._load_pos_data_models(self.config.id))
        data = {"pos.config": {"data": self.config.read(["oto_store_id"], load=False)}}
        domain = self.env["oto.seller"]._load_pos_data_domain(data)
        loaded = self.env["oto.seller"].search(domain)
        self.assertEqual(loaded, self.seller | self.seller_2)
        fields = self.env["res.partner"]._load_pos_data_fields(self.config.id)
        self.assertIn("oto_pos_badges", fields)
        # A point of sale of no Oto store is Odoo's as it was: no badges.
        self.config.oto_store_id = False
        fields = self.env["res.partner"]._load_pos_data_fields(self.config.id)
        self.assertNotIn("oto_pos_badges", fields)

    def test_synced_order_keeps_its_seller_and_becomes_a_purchase(self):
        customer = self.env["res.partner"].create({"name": "Lia Campos"})
        order = self._ui_order(self.seller_2, customer, qty=2)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.oto_seller_id, self.seller_2)
        self.assertEqual(order.oto_store_id, self.store)
        self.env.flush_all()
        purchase = self.env["oto.purchase"].search(
            [("source", "=", "pos"), ("res_id", "=", order.id)]
        )
        self.assertEqual(purchase.seller_id, self.seller_2)
        self.assertEqual(purchase.store_id, self.store)
        self.assertAlmostEqual(purchase.amount, 400.0)

    def test_refund_keeps_the_original_seller(self):
        customer = self.env["res.partner"].create({"name": "Lia Campos"})
        sale = self._ui_order(self.seller, customer)
        # The cashier has another seller chosen when the refund is made.
        refund = self._ui_order(
            self.seller_2, customer, qty=-1, refunded_line=sale.lines
        )
        self.assertEqual(refund.oto_seller_id, self.seller)
        # Back-office refund too.
        back_office = sale._refund()
        self.assertEqual(back_office.oto_seller_id, self.seller)

    def test_inactive_seller_cannot_be_chosen(self):
        order = self._order(self.seller)
        with self.assertRaisesRegex(ValidationError, "no longer active"):
            order.oto_seller_id = self.archived_seller

    def test_order_made_offline_syncs_with_a_seller_archived_meanwhile(self):
        order = self._ui_order(self.archived_seller)
        self.assertEqual(order.oto_seller_id, self.archived_seller)


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestPosReceipts(PosCommon):
    def _send(self, order, channel, destination):
        return order.oto_send_receipt(channel, destination, TICKET, None)

    def _mails_to(self, email):
        return self.env["mail.mail"].search([("email_to", "=", email)])

    def test_email_receipt_to_new_address_creates_the_customer(self):
        order = self._ui_order(self.seller)
        result = self._send(order, "email", "  Nova.Cliente@Example.com ")
        partner = order.partner_id
        self.assertTrue(result["created"])
        self.assertEqual(result["partner_id"], partner.id)
        self.assertEqual(partner.email, "nova.cliente@example.com")
        self.assertEqual(partner.oto_store_id, self.store)
        self.assertEqual(order.email, "nova.cliente@example.com")
        self.assertTrue(self._mails_to("nova.cliente@example.com"))
        # The next receipt to that address finds the same customer.
        again = self._ui_order(self.seller)
        result = self._send(again, "email", "nova.cliente@example.com")
        self.assertFalse(result["created"])
        self.assertEqual(again.partner_id, partner)

    def test_mail_server_down_queues_the_receipt_and_keeps_the_address(self):
        """A mail outage loses nothing the cashier captured: the address is
        saved on the customer, the receipt waits in Odoo's mail queue (not
        failed), and the cashier is told at once."""
        order = self._ui_order(self.seller)
        PosOrder = type(self.env["pos.order"])
        started = time.monotonic()
        with (
            patch.object(PosOrder, "_oto_mail_server_reachable", return_value=False),
            patch.object(MailMail, "send") as send,
        ):
            result = self._send(order, "email", "nova.cliente@example.com")
        self.assertLess(time.monotonic() - started, 2)
        send.assert_not_called()
        self.assertTrue(result["queued"])
        self.assertEqual(order.partner_id.email, "nova.cliente@example.com")
        self.assertEqual(order.email, "nova.cliente@example.com")
        (mail,) = self._mails_to("nova.cliente@example.com")
        self.assertEqual(mail.state, "outgoing")
        self.assertTrue(mail.attachment_ids)
        # Odoo's queue sends it once the server answers again.
        self.assertIn(mail, self.env["mail.mail"].search([("state", "=", "outgoing")]))
        # Sent at once when the server answers: not queued.
        again = self._ui_order(self.seller)
        with patch.object(MailMail, "send"):
            result = self._send(again, "email", "nova.cliente@example.com")
        self.assertFalse(result["queued"])

    def test_a_refused_email_is_an_error_not_a_silent_success(self):
        order = self._ui_order(self.seller)

        def refuse(mails, **kwargs):
            mails.write({"state": "exception", "failure_reason": "550 no such user"})

        with (
            patch.object(MailMail, "send", refuse),
            self.assertRaisesRegex(UserError, "550 no such user"),
        ):
            self._send(order, "email", "nova.cliente@example.com")
        self.assertFalse(order.partner_id)
        self.assertFalse(self._mails_to("nova.cliente@example.com"))

    def test_the_mail_server_probed_is_the_one_receipts_use(self):
        self.env["ir.mail_server"].create(
            {"name": "Loja", "smtp_host": "smtp.loja.example", "smtp_port": 587}
        )
        order = self._ui_order(self.seller)
        probe = "odoo.addons.oto_crm_pos.models.pos_order.reachable"
        with (
            patch("odoo.modules.module.current_test", None),
            patch(probe, return_value=False) as reachable,
        ):
            self.assertFalse(order._oto_mail_server_reachable())
        reachable.assert_called_once_with("smtp.loja.example", 587)

    def test_invalid_email_is_refused_and_nothing_saved(self):
        order = self._ui_order(self.seller)
        partners = self.env["res.partner"].search_count([])
        for typed in ("maria@", "não é email", ""):
            with self.assertRaisesRegex(UserError, "not a valid email"):
                self._send(order, "email", typed)
        self.assertFalse(order.partner_id)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_phone_capture_finds_customer_without_the_ninth_digit(self):
        known = self.env["res.partner"].create(
            {"name": "Joana Prado", "mobile": "(11) 8765-4321"}
        )
        order = self._ui_order(self.seller)
        partner, created = order._oto_capture_contact(
            phone=order._oto_check_phone("11 98765-4321")
        )
        self.assertFalse(created)
        self.assertEqual(partner, known)
        self.assertEqual(order.partner_id, known)
        self.assertEqual(order.mobile, "+5511987654321")

    def test_phone_capture_creates_a_customer_in_e164(self):
        order = self._ui_order(self.seller)
        partner, created = order._oto_capture_contact(
            phone=order._oto_check_phone("(21) 99876-5432")
        )
        self.assertTrue(created)
        self.assertEqual(partner.mobile, "+5521998765432")
        self.assertEqual(partner.oto_phone_e164, "+5521998765432")
        self.assertEqual(partner.name, "(21) 99876-5432")

    def test_invalid_phone_is_refused(self):
        order = self._ui_order(self.seller)
        for typed in ("123", "(11) 1234-567", "abc"):
            with self.assertRaisesRegex(UserError, "not a valid phone number"):
                order._oto_check_phone(typed)

    def test_customer_contact_on_file_is_kept_and_the_new_one_noted(self):
        customer = self.env["res.partner"].create(
            {"name": "Rita Luz", "email": "rita@example.com"}
        )
        order = self._ui_order(self.seller, customer)
        self._send(order, "email", "rita.trabalho@example.com")
        self.assertEqual(customer.email, "rita@example.com")
        self.assertEqual(order.email, "rita.trabalho@example.com")
        self.assertIn(
            "rita.trabalho@example.com",
            customer.message_ids[:1].body,
        )
        # A customer without email gets the one typed.
        bare = self.env["res.partner"].create({"name": "Sem Email"})
        order = self._ui_order(self.seller, bare)
        self._send(order, "email", "sem.email@example.com")
        self.assertEqual(bare.email, "sem.email@example.com")

    def test_channels_off_explain_what_to_do(self):
        order = self._ui_order(self.seller)
        with self.assertRaisesRegex(UserError, "SMS"):
            self._send(order, "sms", "11 98765-4321")
        with self.assertRaisesRegex(UserError, "WhatsApp"):
            self._send(order, "whatsapp", "11 98765-4321")
        with self.assertRaises(UserError):
            self._send(order, "pigeon", "x")
        self.assertFalse(order.partner_id)

    def test_contacts_typed_offline_reach_the_customer_when_the_order_syncs(self):
        order = self._ui_order(
            self.seller, email="offline@example.com", mobile="(31) 98888-7777"
        )
        partner = order.partner_id
        self.assertTrue(partner)
        self.assertEqual(partner.email, "offline@example.com")
        self.assertEqual(partner.oto_phone_e164, "+5531988887777")
        # The customer's own contacts, sent back with an order, change nothing.
        messages = partner.message_ids
        again = self._ui_order(
            self.seller, partner, email=partner.email, mobile=partner.mobile
        )
        self.assertEqual(again.partner_id, partner)
        self.assertEqual(partner.message_ids, messages)
        # A bad number typed offline never blocks the sale: it is noted.
        order = self._ui_order(self.seller, mobile="12")
        self.assertEqual(order.state, "paid")
        self.assertFalse(order.partner_id)
        self.assertIn("not a valid phone number", order.message_ids[:1].body)

    def test_a_customer_s_own_contacts_in_odoo_s_format_change_nothing(self):
        # Written as people write them; the order loaded back from the server
        # carries them in Odoo's format (the mobile in E.164).
        customer = self.env["res.partner"].create(
            {
                "name": "Cliente Americana",
                "mobile": "(415) 555-2671",
                "email": "Amy <AMY@Example.com>",
                "country_id": self.env.ref("base.us").id,
            }
        )
        order = self._ui_order(self.seller, customer)
        self.assertEqual(order.mobile, "+14155552671")
        messages = customer.message_ids
        again = self._ui_order(
            self.seller, customer, email="amy@example.com", mobile=order.mobile
        )
        self.assertEqual(customer.mobile, "(415) 555-2671")
        self.assertEqual(customer.email, "Amy <AMY@Example.com>")
        self.assertEqual(customer.message_ids, messages)
        self.assertFalse(again.message_ids.filtered(lambda m: "counter" in m.body))

    def test_a_point_of_sale_outside_oto_syncs_as_in_odoo(self):
        journal = self.env["account.journal"].create(
            {"name": "Caixa fora do Oto", "type": "cash", "code": "OTONO"}
        )
        cash = self.env["pos.payment.method"].create(
            {"name": "Dinheiro fora do Oto", "journal_id": journal.id}
        )
        self.config = self.env["pos.config"].create(
            {"name": "Caixa do depósito", "payment_method_ids": [(6, 0, cash.ids)]}
        )
        self.cash = cash
        customer = self.env["res.partner"].create(
            {"name": "Cliente do Depósito", "mobile": "4133334444"}
        )
        messages = customer.message_ids
        order = self._ui_order(None, customer, mobile="(11) 98765-0000", email="x")
        self.assertEqual(customer.mobile, "4133334444")
        self.assertFalse(customer.email)
        self.assertEqual(customer.message_ids, messages)
        self.assertFalse(order.message_ids.filtered(lambda m: "counter" in m.body))
        # Nobody typed anything new: no customer is made from an order either.
        bare = self._ui_order(None, mobile="(11) 98765-0001")
        self.assertFalse(bare.partner_id)


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestPosConsentAndBadges(PosCommon):
    def test_consent_at_the_counter_lands_in_the_ledger(self):
        customer = self.env["res.partner"].create(
            {"name": "Bia Costa", "mobile": "11 98765-1111", "email": "bia@example.com"}
        )
        text = self.config.oto_consent_text
        self.assertTrue(text)
        badges = customer.oto_pos_record_consent(
            self.config.id,
            {"whatsapp": True, "email": True, "sms": False},
            text,
            seller_id=self.seller.id,
        )
        entries = self.env["oto.consent"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(entries), 3)
        self.assertEqual(set(entries.mapped("source")), {"pos"})
        self.assertEqual(set(entries.mapped("text_shown")), {text})
        self.assertEqual(entries.oto_seller_id, self.seller)
        self.assertEqual(entries.pos_config_id, self.config)
        self.assertEqual(entries.user_id, self.env.user)
        self.assertTrue(customer.oto_optout_sms)
        self.assertFalse(customer.oto_optout_whatsapp)
        self.assertEqual(
            badges["consent"],
            {
                "whatsapp": "granted",
                "sms": "refused",
                "call": "unknown",
                "email": "granted",
            },
        )

    def test_consent_text_in_the_cashiers_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        english = self.config.with_context(lang="en_US")._oto_default_consent_text()
        portuguese = self.config.with_context(lang="pt_BR")._oto_default_consent_text()
        self.assertNotEqual(english, portuguese)
        self.assertTrue(portuguese.startswith("Aceito receber"))
        # A point of sale created now has the text in every language.
        config = self.env["pos.config"].create({"name": "Caixa 2"})
        self.assertEqual(config.with_context(lang="pt_BR").oto_consent_text, portuguese)
        # One whose default was kept in English only (made before the
        # language came): the counter shows it in the cashier's language.
        config.update_field_translations("oto_consent_text", {"pt_BR": english})
        self.assertEqual(config.with_context(lang="pt_BR").oto_consent_text, english)
        self.assertEqual(
            config.with_context(lang="pt_BR")._oto_consent_text(), portuguese
        )
        config._oto_translate_default_consent()
        self.assertEqual(config.with_context(lang="pt_BR").oto_consent_text, portuguese)
        # The brand's own wording is kept as it is.
        config.with_context(lang="pt_BR").oto_consent_text = "Aceito as ofertas."
        self.assertEqual(
            config.with_context(lang="pt_BR")._oto_consent_text(), "Aceito as ofertas."
        )
        # What the point of sale loads.
        self.config.open_ui()
        session = self.config.current_session_id
        data = session.with_context(lang="pt_BR").load_data(["pos.config"])
        self.assertEqual(data["pos.config"]["data"][0]["oto_consent_text"], portuguese)

    def test_consent_needs_text_channel_and_contact(self):
        customer = self.env["res.partner"].create({"name": "Sem Contato"})
        with self.assertRaisesRegex(UserError, "proof"):
            customer.oto_pos_record_consent(self.config.id, {"email": False}, " ")
        with self.assertRaisesRegex(UserError, "at least one channel"):
            customer.oto_pos_record_consent(self.config.id, {}, "Aceito")
        with self.assertRaisesRegex(UserError, "at least one channel"):
            customer.oto_pos_record_consent(self.config.id, {"fax": True}, "Aceito")
        with self.assertRaisesRegex(UserError, "no valid phone"):
            customer.oto_pos_record_consent(
                self.config.id, {"whatsapp": True}, "Aceito"
            )
        with self.assertRaisesRegex(UserError, "no email"):
            customer.oto_pos_record_consent(self.config.id, {"email": True}, "Aceito")
        # A refusal needs no contact.
        customer.oto_pos_record_consent(self.config.id, {"whatsapp": False}, "Aceito")
        self.assertTrue(customer.oto_optout_whatsapp)
        self.assertEqual(
            self.env["oto.consent"].search_count([("partner_id", "=", customer.id)]),
            1,
        )

    def test_only_pos_users_record_consent_at_the_counter(self):
        customer = self.env["res.partner"].create({"name": "Gil Reis"})
        outsider = self.env["res.users"].create(
            {"name": "Sem PDV", "login": "sem_pdv", "groups_id": [(6, 0, [])]}
        )
        with self.assertRaises(AccessError):
            customer.with_user(outsider).oto_pos_record_consent(
                self.config.id, {"whatsapp": False}, "Aceito"
            )
        self.assertFalse(customer.oto_consent_ids)

    def test_badges_show_segment_wallet_seller_and_consent(self):
        customer = self.env["res.partner"].create(
            {"name": "Cris Dias", "mobile": "11 97777-0000"}
        )
        self.assertEqual(customer.oto_pos_badges["seller"], False)
        self.assertEqual(set(customer.oto_pos_badges["consent"].values()), {"unknown"})
        self._order(self.seller, customer, total=500.0, state="paid")
        run = self.env["oto.wallet.engine"]._action_wallet_refresh(
            self.env.company, mode="full"
        )
        self.assertEqual(run.state, "done")
        customer.invalidate_recordset()
        badges = customer.oto_pos_badges
        self.assertEqual(badges["seller"], "Ana POS")
        self.assertEqual(badges["seller_id"], self.seller.id)
        self.assertEqual(badges["segment"], customer.oto_rfv_segment_id.name)
        self.assertTrue(badges["segment"])
        customer._oto_set_consent(["whatsapp"], False, "manager", "pediu")
        customer.invalidate_recordset()
        self.assertEqual(customer.oto_pos_badges["consent"]["whatsapp"], "refused")
