# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .test_suggestions import NOW, TODAY, SuggestionsCommon


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestPhoneApp(SuggestionsCommon):
    """What the seller's and the manager's phone do, as those users: the
    outcome in one tap, contacts started from the wallet, past days, the
    team's days off, and every way a save can go wrong."""

    @classmethod
    def _user(cls, login, group="seller"):
        return new_test_user(
            cls.env,
            login,
            groups=f"oto_crm.oto_crm_group_{group}",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls._user("oto_phone_ana")
        cls.ana.user_id = cls.user
        cls.bia_user = cls._user("oto_phone_bia")
        cls.bia.user_id = cls.bia_user
        cls.manager = cls._user("oto_phone_manager", "manager")
        cls.store.manager_ids = [Command.link(cls.manager.id)]
        cls.dress, cls.bag = cls.env["product.product"].create(
            [{"name": "Vestido Midi"}, {"name": "Bolsa Caramelo"}]
        )

    def _as(self, record, user=None):
        return record.with_user(user or self.user).with_context(
            allowed_company_ids=[self.company.id]
        )

    def _suggested(self, name="Cecília Machado", phone="+5511987650001"):
        customer = self._customer(name, self.ana, phone)
        self._campaign("Nova coleção", domain=f"[('name', '=', '{name}')]")
        self._generate()
        suggestion = self._suggestions(partner_id=customer.id)
        self.env["oto.recommendation"].create(
            [
                {
                    "suggestion_id": suggestion.id,
                    "product_id": product.id,
                    "kind": "brand",
                    "sequence": sequence,
                }
                for sequence, product in enumerate((self.dress, self.bag))
            ]
        )
        return customer, suggestion

    def _card(self, suggestion, user=None):
        day = self._as(self.env["oto.suggestion"], user).get_seller_day()
        for group in day["groups"]:
            for card in group["suggestions"]:
                if card["id"] == suggestion.id:
                    return card
        return None

    # ------------------------------------------------------------ outcome

    def test_outcome_in_one_tap_with_an_earlier_contact_by_another_seller(self):
        """The issue's case: a customer Bia contacted before (now in Ana's
        wallet) used to fail with an access error on Ana's save."""
        customer, suggestion = self._suggested()
        self.env["oto.contact"].create(
            {
                "partner_id": customer.id,
                "seller_id": self.bia.id,
                "company_id": self.company.id,
                "date": NOW - timedelta(days=40),
                "reached": "no",
                "reason": "no_answer",
            }
        )
        card = self._card(suggestion)
        self.assertEqual(
            [p["id"] for p in card["products"]], [self.dress.id, self.bag.id]
        )
        self._as(suggestion).action_send("whatsapp", card["message"])
        answer = self._as(suggestion).oto_record_outcome(
            {
                "key": "a1b2c3d4e5f60718",
                "channel": "whatsapp",
                "reached": "yes",
                "result": "positive",
            }
        )
        self.assertFalse(answer["already"])
        self.assertIn("Cecília Machado", answer["message"])
        contact = suggestion.contact_ids
        self.assertEqual(len(contact), 1)
        self.assertEqual(contact.seller_id, self.ana)
        self.assertEqual(contact.result, "positive")
        # What the seller was asked to offer, unless they said otherwise.
        self.assertEqual(contact.product_ids, self.dress | self.bag)
        self.assertEqual(contact.message_sent, suggestion.message)
        self.assertEqual(suggestion.state, "done")
        self.assertEqual(customer.oto_quarantine_until, TODAY + timedelta(days=10))
        worked = self._card(suggestion)
        self.assertFalse(worked["open"])
        self.assertEqual(worked["outcome"], "Positive")

    def test_the_seller_changes_the_products_and_adds_details(self):
        customer, suggestion = self._suggested()
        self._as(suggestion).oto_record_outcome(
            {
                "key": "details-0001",
                "channel": "call",
                "reached": "yes",
                "result": "neutral",
                "product_ids": [self.bag.id],
                "notes": "Vem sábado",
                "followup_date": str(TODAY + timedelta(days=3)),
                "consent": "granted",
            }
        )
        contact = suggestion.contact_ids
        self.assertEqual(contact.product_ids, self.bag)
        self.assertEqual(contact.notes, "Vem sábado")
        self.assertEqual(contact.channel, "call")
        self.assertFalse(contact.message_sent)
        self.assertEqual(contact.activity_id.date_deadline, TODAY + timedelta(days=3))
        self.assertEqual(customer.oto_consent_ids[:1].channel, "call")

    def test_not_reached_reasons_and_bad_values_are_refused(self):
        customer, suggestion = self._suggested()
        bad = [
            ({"reached": "maybe"}, "Tell whether you reached"),
            ({"reached": "no"}, "Tell why the customer was not reached"),
            ({"reached": "yes", "result": "great"}, "Unknown contact result"),
            ({"reached": "yes", "channel": "fax"}, "Unknown contact channel"),
            (
                {"reached": "yes", "followup_date": str(TODAY - timedelta(days=1))},
                "cannot be in the past",
            ),
            ({"reached": "yes", "followup_date": "tomorrow"}, "not a date"),
            ({"reached": "yes", "product_ids": "all"}, "products offered"),
            ({"reached": "yes", "key": "no spaces allowed"}, "invalid key"),
        ]
        for values, message in bad:
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(UserError, message),
            ):
                self._as(suggestion).oto_record_outcome(values)
        self.assertFalse(suggestion.contact_ids)
        self.assertEqual(suggestion.state, "assigned")
        self._as(suggestion).oto_record_outcome(
            {"key": "reason-0001", "reached": "no", "reason": "number_invalid"}
        )
        self.assertEqual(suggestion.result, "negative")
        self.assertTrue(customer.oto_phone_invalid)

    def test_a_double_tap_or_a_lost_answer_records_once(self):
        _customer, suggestion = self._suggested()
        values = {"key": "double-tap-0001", "reached": "yes", "result": "positive"}
        first = self._as(suggestion).oto_record_outcome(values)
        # The same save again (second tap, or a retry after the connection
        # dropped before the answer): the contact already recorded.
        again = self._as(suggestion).oto_record_outcome(values)
        self.assertTrue(again["already"])
        self.assertEqual(again["contact_id"], first["contact_id"])
        self.assertEqual(len(suggestion.contact_ids), 1)
        # Another save (another phone, a new tap after reopening the app):
        # refused, nothing recorded twice.
        with self.assertRaisesRegex(UserError, "already recorded"):
            self._as(suggestion).oto_record_outcome(
                {"key": "double-tap-0002", "reached": "yes", "result": "neutral"}
            )
        self.assertEqual(len(suggestion.contact_ids), 1)
        self.assertEqual(suggestion.result, "positive")

    def test_reassigned_while_the_seller_is_on_it(self):
        _customer, suggestion = self._suggested()
        self._card(suggestion)
        # The manager gives the customer's suggestion to Bia meanwhile.
        self._as(suggestion, self.manager).write({"seller_id": self.bia.id})
        with self.assertRaisesRegex(AccessError, "no longer in your list"):
            self._as(suggestion).action_send("whatsapp")
        with self.assertRaisesRegex(AccessError, "no longer in your list"):
            self._as(suggestion).oto_record_outcome(
                {"key": "moved-0001", "reached": "yes", "result": "positive"}
            )
        self.assertFalse(suggestion.contact_ids)
        self.assertEqual(suggestion.state, "assigned")
        self.assertIsNone(self._card(suggestion))

    def test_expired_while_the_seller_is_on_it(self):
        _customer, suggestion = self._suggested()
        self._card(suggestion)
        suggestion.state = "expired"
        with self.assertRaisesRegex(UserError, "expired while you were on it"):
            self._as(suggestion).action_send("whatsapp")
        # The contact happened before: it is recorded, not lost.
        self._as(suggestion).oto_record_outcome(
            {"key": "expired-0001", "reached": "yes", "result": "neutral"}
        )
        self.assertEqual(suggestion.state, "done")
        self.assertEqual(len(suggestion.contact_ids), 1)

    def test_removed_while_the_seller_is_on_it(self):
        _customer, suggestion = self._suggested()
        suggestion_id = suggestion.id
        suggestion.unlink()
        with self.assertRaisesRegex(UserError, "was removed while you were on it"):
            self._as(self.env["oto.suggestion"].browse(suggestion_id)).action_send(
                "whatsapp"
            )

    def test_opted_out_between_the_list_and_the_tap(self):
        customer, suggestion = self._suggested()
        self.assertEqual(self._card(suggestion)["channels"], ["whatsapp"])
        customer._oto_set_consent(["whatsapp"], False, "whatsapp_keyword", "SAIR")
        with self.assertRaisesRegex(UserError, "cannot be contacted by WhatsApp"):
            self._as(suggestion).action_send("whatsapp", "Oi!")
        self.assertEqual(suggestion.state, "assigned")
        self.assertFalse(suggestion.message_custom)
        with self.assertRaisesRegex(UserError, "cannot be contacted by WhatsApp"):
            self._as(customer).oto_start_contact("whatsapp")
        self.assertEqual(
            self._as(customer).oto_get_profile()["channels"], ["sms", "call"]
        )

    # ------------------------------------------------ spontaneous contacts

    def test_phones_as_read_in_the_brand_s_country(self):
        """The wallet, the profile's header and the day's cards show a
        Brazilian brand's customers' phones as Brazilians read them, and a
        foreign customer's with its country code; searched any way."""
        self.company.country_id = self.env.ref("base.br")
        local = self._customer("Lia Prado", self.ana, "+5512978171525")
        foreign = self._customer("Joan Smith", self.ana, "+14155552671")
        Partner = self._as(self.env["res.partner"])
        shown = {
            c["name"]: c["phone"] for c in Partner.oto_search_wallet("")["customers"]
        }
        self.assertEqual(shown["Lia Prado"], "(12) 97817-1525")
        self.assertEqual(shown["Joan Smith"], "+1 415-555-2671")
        self.assertEqual(
            self._as(local).oto_get_profile()["phone_display"], "(12) 97817-1525"
        )
        self.assertEqual(
            self._as(foreign).oto_get_profile()["phone_display"], "+1 415-555-2671"
        )
        # The number the app dials is still the whole one.
        self.assertEqual(self._as(local).oto_get_profile()["phone"], "+5512978171525")
        for typed in ("(12) 97817-1525", "12978171525", "97817-1525"):
            self.assertEqual(
                [c["id"] for c in Partner.oto_search_wallet(typed)["customers"]],
                [local.id],
                typed,
            )

    def test_contact_started_from_the_wallet_counts_like_the_others(self):
        maria = self._customer("Maria Souza", self.ana, "+5511987650011")
        self._customer("Joana Dias", self.ana, "+5511987650012")
        self._customer("Cliente da Bia", self.bia, "+5511987650013")
        Partner = self._as(self.env["res.partner"])
        page = Partner.oto_search_wallet("")
        self.assertEqual(
            [c["name"] for c in page["customers"]], ["Joana Dias", "Maria Souza"]
        )
        self.assertEqual(page["total"], 2)
        self.assertEqual(
            [c["id"] for c in Partner.oto_search_wallet("maria")["customers"]],
            [maria.id],
        )
        self.assertEqual(
            [
                c["id"]
                for c in Partner.oto_search_wallet("(11) 98765-0011")["customers"]
            ],
            [maria.id],
        )
        self.assertFalse(Partner.oto_search_wallet("Cliente da Bia")["customers"])
        page = Partner.oto_search_wallet("", limit=1)
        self.assertTrue(page["more"])
        profile = self._as(maria).oto_get_profile()
        self.assertTrue(profile["mine"])
        self.assertEqual(profile["channels"], ["whatsapp", "sms", "call"])
        self.assertFalse(profile["open_suggestion_id"])
        self._as(maria).oto_start_contact("whatsapp")
        answer = self._as(maria).oto_record_contact(
            {
                "key": "spontaneous-0001",
                "channel": "whatsapp",
                "reached": "yes",
                "result": "positive",
                "message": "Oi Maria, chegou o seu número!",
                "product_ids": [self.dress.id],
            }
        )
        contact = self.env["oto.contact"].browse(answer["contact_id"])
        self.assertEqual(contact.seller_id, self.ana)
        self.assertEqual(contact.message_sent, "Oi Maria, chegou o seu número!")
        # Its suggestion of type "contact", done: in the day, the results,
        # the attribution.
        self.assertEqual(contact.suggestion_id.type, "contact")
        self.assertEqual(contact.suggestion_id.state, "done")
        self.assertEqual(contact.suggestion_id.seller_id, self.ana)
        self.assertEqual(maria.oto_quarantine_until, TODAY + timedelta(days=10))
        (group,) = self._as(self.env["oto.suggestion"]).get_seller_day()["groups"]
        self.assertEqual((group["name"], group["done"]), ("Contact", 1))
        again = self._as(maria).oto_record_contact(
            {"key": "spontaneous-0001", "reached": "yes", "result": "positive"}
        )
        self.assertTrue(again["already"])
        self.assertEqual(len(maria.oto_contact_ids), 1)
        # A purchase two days later is a sale from this contact.
        order = self.env["sale.order"].create(
            {
                "partner_id": maria.id,
                "company_id": self.company.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.dress.id,
                            "price_unit": 300,
                            "tax_id": False,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = NOW + timedelta(days=2)
        with freeze_time(NOW + timedelta(days=3)):
            results = self._as(self.env["oto.result.day"]).get_results("30d")
            kpis = {k["key"]: k["value"] for k in results["kpis"]}
            self.assertEqual(kpis["sales"], 1)
            self.assertEqual(kpis["revenue"], 300)
            # Reached, and converted; not a suggestion the brand offered.
            self.assertEqual(kpis["conversion"], 100)
            self.assertEqual(kpis["offered"], 0)
        sale = self.env["oto.attribution"].search([("partner_id", "=", maria.id)])
        self.assertEqual(sale.contact_id, contact)

    def test_contact_from_the_wallet_works_the_open_suggestion(self):
        customer, suggestion = self._suggested()
        profile = self._as(customer).oto_get_profile()
        self.assertEqual(profile["open_suggestion_id"], suggestion.id)
        self._as(customer).oto_record_contact(
            {"key": "open-sugg-0001", "reached": "yes", "result": "neutral"}
        )
        self.assertEqual(suggestion.state, "done")
        self.assertEqual(suggestion.contact_ids.product_ids, self.dress | self.bag)
        self.assertEqual(
            self.env["oto.suggestion"].search_count(
                [("partner_id", "=", customer.id), ("type", "=", "contact")]
            ),
            0,
        )

    def test_contact_with_a_customer_of_another_wallet_is_refused(self):
        other = self._customer("Cliente da Bia", self.bia, "+5511987650013")
        profile = self._as(other, self.bia_user).oto_get_profile()
        self.assertTrue(profile["mine"])
        # Moved to Ana's wallet while Bia had the profile open.
        other.oto_seller_id = self.ana
        with self.assertRaisesRegex(AccessError, "no longer in your wallet"):
            self._as(other, self.bia_user).oto_record_contact(
                {"key": "other-wallet-01", "reached": "yes", "result": "positive"}
            )
        with self.assertRaisesRegex(AccessError, "no longer in your wallet"):
            self._as(other, self.bia_user).oto_start_contact("whatsapp")
        self.assertFalse(other.oto_contact_ids)
        nobody = self._user("oto_phone_nobody")
        self.assertEqual(
            self._as(self.env["res.partner"], nobody).oto_search_wallet(""),
            {"customers": [], "more": False, "total": 0},
        )
        with self.assertRaisesRegex(UserError, "Only a seller records"):
            self._as(other, nobody).oto_record_contact(
                {"key": "nobody-0001", "reached": "yes"}
            )

    # ------------------------------------------------------------ me

    def test_past_days_with_their_outcomes(self):
        customer, suggestion = self._suggested()
        self._as(suggestion).oto_record_outcome(
            {"key": "past-0001", "reached": "no", "reason": "too_recent"}
        )
        with freeze_time(NOW + timedelta(days=2)):
            Suggestion = self._as(self.env["oto.suggestion"])
            today = Suggestion.get_seller_day()
            self.assertFalse(today["past"])
            self.assertFalse(today["groups"])
            past = Suggestion.get_seller_day(day=str(TODAY))
            self.assertTrue(past["past"])
            self.assertEqual(past["date"], str(TODAY))
            (group,) = past["groups"]
            (card,) = group["suggestions"]
            self.assertEqual(card["partner_id"], customer.id)
            self.assertFalse(card["open"])
            self.assertEqual(card["outcome"], "Last message too recent")
            self.assertFalse(
                Suggestion.get_seller_day(day=str(TODAY - timedelta(1)))["groups"]
            )
            with self.assertRaisesRegex(UserError, "not made yet"):
                Suggestion.get_seller_day(day=str(TODAY + timedelta(days=3)))
            # The past days offered: those that had suggestions (not today).
            self.assertEqual(
                Suggestion.get_seller_past_days(),
                [{"day": str(TODAY), "offered": 1, "done": 1}],
            )
        self.assertEqual(
            self._as(self.env["oto.suggestion"]).get_seller_past_days(), []
        )

    def test_my_code_and_results_as_the_seller(self):
        self.company.oto_online_store_url = "https://loja.example.com/?vendedor={code}"
        me = self._as(self.ana).read(["code", "seller_link", "seller_qr"])[0]
        self.assertEqual(me["code"], "ANA")
        self.assertEqual(me["seller_link"], "https://loja.example.com/?vendedor=ANA")
        self.assertTrue(me["seller_qr"])
        results = self._as(self.env["oto.result.day"]).get_results(
            "30d", seller_id=self.ana.id
        )
        self.assertEqual(results["currency_id"], self.company.currency_id.id)
        self.assertEqual([r["seller_id"] for r in results["ranking"]], [self.ana.id])
        with self.assertRaises(AccessError):
            self._as(self.env["oto.result.day"]).get_results(
                "30d", seller_id=self.bia.id
            )

    # ------------------------------------------------------------ manager

    def test_manager_home_team_and_days_off(self):
        Seller = self._as(self.env["oto.seller"], self.manager)
        day = self._as(self.env["oto.suggestion"], self.manager).get_seller_day()
        self.assertFalse(day["seller"])
        self.assertTrue(day["is_manager"])
        self.assertEqual(day["currency_id"], self.company.currency_id.id)
        team = {m["name"]: m for m in Seller.get_team()}
        self.assertEqual(set(team), {"Ana Lima", "Bia Reis"})
        self.assertTrue(team["Ana Lima"]["has_login"])
        self.assertEqual(team["Ana Lima"]["days_off"], [])
        DayOff = self._as(self.env["oto.seller.dayoff"], self.manager)
        DayOff.create(
            {
                "seller_id": self.bia.id,
                "date_from": TODAY + timedelta(days=2),
                "date_to": TODAY + timedelta(days=3),
                "note": "Consulta",
            }
        )
        DayOff.create({"seller_id": self.ana.id, "date_from": TODAY, "date_to": TODAY})
        team = {m["name"]: m for m in Seller.get_team()}
        self.assertTrue(team["Ana Lima"]["off_today"])
        self.assertFalse(team["Bia Reis"]["off_today"])
        self.assertEqual(
            [(d["date_from"], d["note"]) for d in team["Bia Reis"]["days_off"]],
            [(str(TODAY + timedelta(days=2)), "Consulta")],
        )
        with self.assertRaisesRegex(ValidationError, "already has a day off"):
            DayOff.create(
                {
                    "seller_id": self.bia.id,
                    "date_from": TODAY + timedelta(days=3),
                    "date_to": TODAY + timedelta(days=5),
                }
            )
        # Another store's seller is not the manager's.
        with self.assertRaises(AccessError):
            DayOff.create(
                {"seller_id": self.caio.id, "date_from": TODAY, "date_to": TODAY}
            )
        self.assertNotIn("Caio Melo", {m["name"] for m in Seller.get_team()})
        with self.assertRaisesRegex(AccessError, "Only store managers"):
            self._as(self.env["oto.seller"]).get_team()

    def test_admin_team_of_one_store(self):
        admin = self._user("oto_phone_admin", "admin")
        Seller = self._as(self.env["oto.seller"], admin)
        self.assertEqual(
            {m["name"] for m in Seller.get_team()},
            {"Ana Lima", "Bia Reis", "Caio Melo"},
        )
        self.assertEqual(
            [m["name"] for m in Seller.get_team(store_id=self.other_store.id)],
            ["Caio Melo"],
        )

    # ------------------------------------------------------------ locale

    def test_sentences_use_the_readers_language(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["oto.seller.dayoff"].create(
            {"seller_id": self.bia.id, "date_from": TODAY, "date_to": TODAY}
        )
        with self.assertRaisesRegex(ValidationError, "23/11/2026"):
            self.env["oto.seller.dayoff"].with_context(lang="pt_BR").create(
                {"seller_id": self.bia.id, "date_from": TODAY, "date_to": TODAY}
            )


@tagged("post_install", "-at_install", "oto_crm")
class TestHomeAction(HttpCase):
    """Sellers, store devices and managers land on the Oto app; a user who
    chose a home action keeps it; users without an Oto role see Odoo as
    before."""

    def _home(self, login):
        self.authenticate(login, login)
        return self.make_jsonrpc_request("/web/session/get_session_info")[
            "home_action_id"
        ]

    def test_home_action(self):
        my_day = self.env.ref("oto_crm.oto_crm_action_my_day").id
        new_test_user(
            self.env, "oto_home_seller", groups="oto_crm.oto_crm_group_seller"
        )
        new_test_user(
            self.env, "oto_home_manager", groups="oto_crm.oto_crm_group_manager"
        )
        chose = new_test_user(
            self.env, "oto_home_chose", groups="oto_crm.oto_crm_group_seller"
        )
        chose.action_id = self.env.ref("base.action_res_users").id
        new_test_user(self.env, "oto_home_plain", groups="base.group_user")
        # The ERP's administrator, a brand admin since the install: Odoo's
        # home, unless they choose one.
        new_test_user(
            self.env,
            "oto_home_system",
            groups="base.group_system,oto_crm.oto_crm_group_admin",
        )
        self.assertFalse(self._home("oto_home_system"))
        self.assertEqual(self._home("oto_home_seller"), my_day)
        self.assertEqual(self._home("oto_home_manager"), my_day)
        self.assertEqual(self._home("oto_home_chose"), chose.action_id.id)
        self.assertFalse(self._home("oto_home_plain"))

    def test_no_odoobot_onboarding_for_retail_staff(self):
        """Sellers, managers and the store device open the web client without
        OdooBot's onboarding chat; people who administer keep Odoo's."""
        if "odoobot_state" not in self.env["res.users"]._fields:
            self.skipTest("OdooBot is not installed.")
        seller = new_test_user(
            self.env, "oto_bot_seller", groups="oto_crm.oto_crm_group_seller"
        )
        manager = new_test_user(
            self.env, "oto_bot_manager", groups="oto_crm.oto_crm_group_manager"
        )
        plain = new_test_user(self.env, "oto_bot_plain", groups="base.group_user")
        for user in (seller, manager, plain):
            self.authenticate(user.login, user.login)
            self.assertEqual(self.url_open("/odoo").status_code, 200)
        self.assertEqual(seller.odoobot_state, "disabled")
        self.assertEqual(manager.odoobot_state, "disabled")
        self.assertNotIn(plain.odoobot_state, (False, "not_initialized", "disabled"))
