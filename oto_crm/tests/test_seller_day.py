# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from urllib.parse import unquote

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .test_suggestions import NOW, TODAY, SuggestionsCommon


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestSellerDay(SuggestionsCommon):
    """What the seller's phone screen is served, and what it may do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "oto_day_ana",
            groups="oto_crm.oto_crm_group_seller",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.ana.user_id = cls.user

    def _day(self, **kwargs):
        return (
            self.env["oto.suggestion"]
            .with_user(self.user)
            .with_context(allowed_company_ids=[self.company.id])
            .get_seller_day(**kwargs)
        )

    def test_campaigns_in_order_with_counts_and_suggested_order(self):
        first = self._customer("Maria Souza", self.ana, "+5511987650001")
        second = self._customer("Joana Dias", self.ana, "+5511987650002")
        birthday = self._customer("Rita Alves", self.ana, "+5511987650003")
        self._customer("Cliente da Bia", self.bia, "+5511987650004")
        self._campaign(
            "Aniversário",
            sequence=20,
            domain="[('name', '=', 'Rita Alves')]",
            channel_sms=True,
            channel_call=True,
        )
        self._campaign(
            "Recompra",
            sequence=5,
            domain="[('name', 'in', ['Maria Souza', 'Joana Dias'])]",
        )
        self._generate()
        day = self._day()
        self.assertEqual(day["seller"]["name"], "Ana Lima")
        self.assertEqual(day["store"], "Loja Centro")
        self.assertEqual(day["results"]["sales"], 0)
        self.assertEqual(day["date"], str(TODAY))
        self.assertEqual(
            [g["name"] for g in day["groups"]], ["Recompra", "Aniversário"]
        )
        recompra, aniversario = day["groups"]
        self.assertEqual((recompra["open"], recompra["done"]), (2, 0))
        ranked = self.env["oto.suggestion"].search(
            [("partner_id", "in", (first + second).ids)], order="rank"
        )
        self.assertEqual(
            [s["partner_id"] for s in recompra["suggestions"]], ranked.partner_id.ids
        )
        card = aniversario["suggestions"][0]
        self.assertEqual(card["partner_id"], birthday.id)
        self.assertEqual(card["channels"], ["whatsapp", "sms", "call"])
        self.assertEqual(card["message"], "Oi Rita, aqui é Ana da Loja Centro!")
        self.assertEqual(card["phone"], "+5511987650003")
        # Another seller's customers are not in Ana's day.
        self.assertNotIn(
            "Cliente da Bia",
            [s["name"] for g in day["groups"] for s in g["suggestions"]],
        )

    def test_worked_today_counts_as_done_and_yesterdays_done_leave(self):
        customer = self._customer("Maria Souza", self.ana)
        old = self._customer("Joana Dias", self.ana, "+5511987650002")
        self._campaign("Recompra", domain="[('name', '=', 'Maria Souza')]")
        self._generate()
        self.env["oto.suggestion"].create(
            {
                "partner_id": old.id,
                "date": TODAY - timedelta(days=1),
                "state": "done",
                "type": "contact",
            }
        )
        suggestion = self._suggestions(partner_id=customer.id)
        self.env["oto.contact"].create(
            {
                "suggestion_id": suggestion.id,
                "partner_id": customer.id,
                "seller_id": self.ana.id,
                "reached": "yes",
                "result": "positive",
            }
        )
        (group,) = self._day()["groups"]
        self.assertEqual((group["open"], group["done"]), (0, 1))
        card = group["suggestions"][0]
        self.assertFalse(card["open"])
        self.assertEqual(card["channels"], [])
        self.assertEqual(card["result"], "Positive")

    def test_user_without_seller_and_manager_view_of_a_seller(self):
        nobody = new_test_user(
            self.env, "oto_day_nobody", groups="oto_crm.oto_crm_group_seller"
        )
        day = self.env["oto.suggestion"].with_user(nobody).get_seller_day()
        self.assertEqual(
            day,
            {
                "seller": False,
                "is_manager": False,
                "pin_required": False,
                "today": str(TODAY),
                "currency_id": nobody.company_id.currency_id.id,
                # No seller identified by PIN: no turn to follow on screen.
                "pin_seller_id": False,
                "pin_idle_seconds": 0,
            },
        )
        self._customer("Cliente da Bia", self.bia)
        self._campaign("Recompra")
        self._generate()
        with self.assertRaisesRegex(AccessError, "Only managers"):
            self._day(seller_id=self.bia.id)
        day = self.env["oto.suggestion"].get_seller_day(seller_id=self.bia.id)
        self.assertEqual(day["seller"]["name"], "Bia Reis")
        self.assertEqual(day["groups"][0]["suggestions"][0]["name"], "Cliente da Bia")

    def test_channels_follow_campaign_and_opt_outs(self):
        customer = self._customer("Maria Souza", self.ana, oto_optout_whatsapp=True)
        self._campaign("Recompra", channel_sms=True)
        self._generate()
        suggestion = self._suggestions(partner_id=customer.id)
        self.assertEqual(suggestion._channels(), ["sms"])
        self.assertFalse(suggestion.whatsapp_url)
        self.assertFalse(suggestion.call_url)
        self.assertTrue(suggestion.sms_url.startswith("sms:+5511987650000?body="))

    def test_send_keeps_the_edit_and_refuses_other_channels(self):
        customer = self._customer("Maria Souza", self.ana)
        self._campaign("Recompra")
        self._generate()
        suggestion = self._suggestions(partner_id=customer.id).with_user(self.user)
        with self.assertRaisesRegex(UserError, "cannot be contacted by SMS"):
            suggestion.action_send("sms", "Oi")
        self.assertEqual(suggestion.state, "assigned")
        self.assertFalse(suggestion.message_custom)
        suggestion.action_send("whatsapp", "Oi Maria, chegou a coleção!")
        self.assertEqual(suggestion.state, "in_progress")
        self.assertEqual(suggestion.message, "Oi Maria, chegou a coleção!")
        self.assertEqual(
            unquote(suggestion.whatsapp_url),
            "https://wa.me/5511987650000?text=Oi Maria, chegou a coleção!",
        )
        # The unchanged message is not copied into the suggestion.
        other = self._customer("Joana Dias", self.ana, "+5511987650002")
        manual = self.env["oto.suggestion"].create(
            {"partner_id": other.id, "message_custom": "Oi Joana"}
        )
        manual.with_user(self.user).action_send("call", manual.message)
        self.assertEqual(manual.message_custom, "Oi Joana")
        manual.state = "done"
        with self.assertRaisesRegex(UserError, "already recorded"):
            manual.with_user(self.user).action_send("call")

    def test_profile_purchases_contacts_and_notes(self):
        customer = self._customer("Maria Souza", self.ana, oto_optout_sms=True)
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "oto_seller_id": self.ana.id,
            }
        )
        order.action_confirm()
        self.env["oto.contact"].create(
            {
                "partner_id": customer.id,
                "seller_id": self.ana.id,
                "reached": "no",
                "reason": "no_answer",
                "notes": "Não atendeu",
            }
        )
        partner = customer.with_user(self.user).with_context(
            allowed_company_ids=[self.company.id]
        )
        with self.assertRaisesRegex(UserError, "Write the note first"):
            partner.oto_add_note("   ")
        partner.oto_add_note("Veste M, prefere azul")
        profile = partner.oto_get_profile()
        self.assertEqual(profile["name"], "Maria Souza")
        self.assertEqual(profile["seller"], "Ana Lima")
        self.assertEqual(profile["optouts"], ["SMS"])
        self.assertEqual(len(profile["purchases"]), 1)
        self.assertEqual(profile["purchases"][0]["store"], "Loja Centro")
        self.assertEqual(profile["purchases"][0]["seller"], "Ana Lima")
        self.assertEqual(profile["contacts"][0]["notes"], "Não atendeu")
        self.assertFalse(profile["contacts"][0]["reached"])
        self.assertEqual(profile["notes"][0]["body"], "Veste M, prefere azul")
        self.assertEqual(profile["notes"][0]["author"], self.user.partner_id.name)


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestManualSuggestions(SuggestionsCommon):
    def test_manual_goes_to_the_wallet_seller_with_message_deadline_priority(self):
        customer = self._customer("Maria Souza", self.ana)
        suggestion = self.env["oto.suggestion"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "message_custom": "Oi Maria, sua encomenda chegou!",
                "deadline": TODAY + timedelta(days=3),
                "priority": "2",
            }
        )
        self.assertEqual(suggestion.type, "manual")
        self.assertEqual(suggestion.seller_id, self.ana)
        self.assertEqual(suggestion.store_id, self.store)
        self.assertEqual(suggestion.state, "assigned")
        self.assertEqual(suggestion.message, "Oi Maria, sua encomenda chegou!")
        # The daily generation leaves her alone while it is open.
        self._campaign("Recompra")
        self._generate()
        self.assertEqual(self._suggestions(partner_id=customer.id), suggestion)
        # It expires after its deadline, unworked.
        self._generate(TODAY + timedelta(days=4))
        self.assertEqual(suggestion.state, "expired")

    def test_manual_bad_input_is_refused(self):
        customer = self._customer("Maria Souza", self.ana)
        orphan = self._customer("Sem Vendedor", False, "+5511987650009")
        Suggestion = self.env["oto.suggestion"]
        with (
            self.assertRaisesRegex(ValidationError, "Sem Vendedor has no seller"),
            self.env.cr.savepoint(),
        ):
            Suggestion.create({"partner_id": orphan.id, "company_id": self.company.id})
        with (
            self.assertRaisesRegex(ValidationError, "deadline cannot be before"),
            self.env.cr.savepoint(),
        ):
            Suggestion.create(
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "deadline": TODAY - timedelta(days=1),
                }
            )
        self._campaign("Recompra")
        self._generate()
        with (
            self.assertRaisesRegex(
                ValidationError,
                r"Maria Souza already has an open suggestion \(Recompra, Ana Lima\)",
            ),
            self.env.cr.savepoint(),
        ):
            Suggestion.create(
                {"partner_id": customer.id, "company_id": self.company.id}
            )
        self.assertEqual(Suggestion.search_count([("partner_id", "=", customer.id)]), 1)
