# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .test_suggestions import NOW, TODAY, SuggestionsCommon


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestContacts(SuggestionsCommon):
    """Recording contacts, and their effects (exactly as the brand's rules)."""

    def _suggested(self, name="Maria Souza", phone="+5511987650001"):
        customer = self._customer(name, self.ana, phone)
        self._campaign(name, cooldown_days=0)
        self._generate()
        return customer, self._suggestions(partner_id=customer.id)

    def _contact(self, suggestion, **values):
        return self.env["oto.contact"].create(
            {
                "partner_id": suggestion.partner_id.id,
                "suggestion_id": suggestion.id,
                "seller_id": suggestion.seller_id.id,
                "company_id": self.company.id,
                **values,
            }
        )

    def test_wrong_number_stops_suggestions_until_a_manager_fixes_it(self):
        customer, suggestion = self._suggested()
        customer._oto_set_consent(["sms"], False, "whatsapp_keyword", "SAIR")
        self._contact(
            suggestion, reached="no", reason="number_invalid", channel="whatsapp"
        )
        self.assertEqual(suggestion.state, "done")
        self.assertEqual(suggestion.result, "negative")
        self.assertTrue(customer.oto_phone_invalid)
        self.assertTrue(customer.oto_optout_whatsapp and customer.oto_optout_call)
        ledger = customer.oto_consent_ids.filtered(
            lambda c: c.source == "seller_outcome"
        )
        self.assertEqual(set(ledger.mapped("channel")), {"whatsapp", "sms", "call"})
        self.assertFalse(any(ledger.mapped("granted")))
        self._generate(TODAY + timedelta(days=60))
        self.assertEqual(len(self._suggestions(partner_id=customer.id)), 1)
        # A seller cannot bring the customer back; a manager can.
        seller_user = new_test_user(
            self.env,
            "oto_contact_seller",
            groups="oto_crm.oto_crm_group_seller",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        with self.assertRaises(UserError):
            customer.with_user(seller_user).action_oto_phone_corrected()
        customer.action_oto_phone_corrected()
        self.assertFalse(customer.oto_phone_invalid)
        self.assertFalse(customer.oto_optout_whatsapp or customer.oto_optout_call)
        # The customer's own opt-out (SAIR) stays.
        self.assertTrue(customer.oto_optout_sms)
        self._generate(TODAY + timedelta(days=61))
        self.assertEqual(len(self._suggestions(partner_id=customer.id)), 2)

    def test_no_whatsapp_closes_whatsapp_only(self):
        """The number exists, it only has no WhatsApp: SMS and calls still
        reach the customer, who stays suggested in campaigns that use them
        (and no longer in those that only use WhatsApp)."""
        customer, suggestion = self._suggested()
        self._contact(suggestion, reached="no", reason="no_whatsapp")
        self.assertTrue(customer.oto_optout_whatsapp)
        self.assertFalse(customer.oto_optout_sms or customer.oto_optout_call)
        self.assertFalse(customer.oto_phone_invalid)
        ledger = customer.oto_consent_ids.filtered(
            lambda c: c.source == "seller_outcome"
        )
        self.assertEqual(ledger.mapped("channel"), ["whatsapp"])
        whatsapp_only = self.env["oto.campaign"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(whatsapp_only._channels(), ["whatsapp"])
        whatsapp_only.active = False
        self._campaign("Por SMS", channel_sms=True, channel_call=True)
        self._generate(TODAY + timedelta(days=1))
        (again,) = self._suggestions(partner_id=customer.id, state="assigned")
        self.assertEqual(again._channels(), ["sms", "call"])

    def test_too_recent_rests_the_customer_then_suggests_again(self):
        customer, suggestion = self._suggested()
        self._contact(suggestion, reached="no", reason="too_recent")
        self.assertEqual(customer.oto_quarantine_until, TODAY + timedelta(days=10))
        self.assertEqual(suggestion.result, "neutral")
        self._generate(TODAY + timedelta(days=9))
        self.assertEqual(len(self._suggestions(partner_id=customer.id)), 1)
        self._generate(TODAY + timedelta(days=10))
        self.assertEqual(len(self._suggestions(partner_id=customer.id)), 2)

    def test_reached_customer_rests_out_of_other_campaigns(self):
        customer, suggestion = self._suggested()
        self._contact(
            suggestion, reached="yes", result="positive", notes="Gostou do vestido"
        )
        self.assertEqual(suggestion.result, "positive")
        self.assertEqual(customer.oto_quarantine_until, TODAY + timedelta(days=10))
        self.assertEqual(customer.oto_last_contact, NOW)
        self._campaign("Outra campanha", sequence=99)
        self._generate(TODAY + timedelta(days=1))
        self.assertEqual(len(self._suggestions(partner_id=customer.id)), 1)

    def test_not_reached_needs_a_reason(self):
        _customer, suggestion = self._suggested()
        with self.assertRaisesRegex(ValidationError, "Tell why"):
            self._contact(suggestion, reached="no")
        self.assertEqual(suggestion.state, "assigned")

    def test_follow_up_becomes_an_activity_and_consent_is_recorded(self):
        # A seller of the shared device has no login: the store's manager
        # follows up, told for whom (never the device's login, everyone's).
        manager = new_test_user(
            self.env, "follow_up_manager", groups="oto_crm.oto_crm_group_manager"
        )
        self.ana.store_id.manager_ids = [(4, manager.id)]
        customer, suggestion = self._suggested()
        contact = self._contact(
            suggestion,
            reached="yes",
            channel="whatsapp",
            followup_date=TODAY + timedelta(days=3),
            consent="revoked",
        )
        self.assertEqual(contact.activity_id.date_deadline, TODAY + timedelta(days=3))
        self.assertEqual(contact.activity_id.res_id, customer.id)
        self.assertEqual(contact.activity_id.user_id, manager)
        self.assertIn(self.ana.name, contact.activity_id.summary)
        self.assertTrue(customer.oto_optout_whatsapp)
        self.assertEqual(customer.oto_consent_ids[:1].source, "app")

    def test_contact_without_suggestion_creates_a_contact_suggestion(self):
        customer = self._customer("Sem sugestão", self.ana)
        contact = self.env["oto.contact"].create(
            {
                "partner_id": customer.id,
                "seller_id": self.ana.id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(contact.suggestion_id.type, "contact")
        self.assertEqual(contact.suggestion_id.state, "done")

    def test_smart_frequency_learns_and_explains(self):
        self.company.write(
            {
                "oto_quarantine_mode": "smart",
                "oto_interval_min": 5,
                "oto_interval_max": 60,
            }
        )
        customer, suggestion = self._suggested()
        self.env["oto.wallet.customer"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "last_purchase": NOW - timedelta(days=3),
                "order_count": 12,
                "amount": 1200,
            }
        )
        self._contact(suggestion, reached="yes")
        # 12 purchases in 360 days: every 30 days; answered once: 24.
        self.assertEqual(customer.oto_contact_interval, 24)
        self.assertEqual(customer.oto_quarantine_until, TODAY + timedelta(days=24))
        self.assertIn("30", customer.oto_contact_interval_explanation)
        with freeze_time(NOW + timedelta(days=30)):
            self.env["oto.contact"].create(
                {
                    "partner_id": customer.id,
                    "seller_id": self.ana.id,
                    "company_id": self.company.id,
                    "reached": "no",
                    "reason": "no_answer",
                }
            )
        # One answered, one not: 30 * 0.8 * 1.25 = 30.
        self.assertEqual(customer.oto_contact_interval, 30)

    def test_consent_goes_through_the_ledger(self):
        customer = self._customer("Maria", self.ana)
        customer.oto_optout_email = True
        entry = customer.oto_consent_ids
        self.assertEqual(
            (entry.channel, entry.granted, entry.source), ("email", False, "manager")
        )
        customer.oto_optout_email = True  # unchanged: no new entry
        self.assertEqual(len(customer.oto_consent_ids), 1)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            entry.reason = "outra"
        self.assertEqual(entry.date, NOW)
        self.assertEqual(date.today(), TODAY)
        self.assertIsInstance(entry.date, datetime)
