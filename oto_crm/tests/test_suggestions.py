# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta
from urllib.parse import unquote

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import SQL

from ..tools.suggestion_rules import in_holdout

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 11, 0)


class SuggestionsCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create(
            {
                "name": "Oto Suggestions Brand",
                "oto_daily_limit": 30,
                "oto_quarantine_mode": "fixed",
                "oto_quarantine_days": 10,
            }
        )
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )
        cls.engine = cls.env["oto.suggestion.engine"]
        cls.store = cls.env["oto.store"].create(
            {"name": "Loja Centro", "code": "C", "company_id": cls.company.id}
        )
        cls.other_store = cls.env["oto.store"].create(
            {"name": "Loja Norte", "code": "N", "company_id": cls.company.id}
        )
        Seller = cls.env["oto.seller"]
        cls.ana = Seller.create(
            {"name": "Ana Lima", "code": "ANA", "store_id": cls.store.id}
        )
        cls.bia = Seller.create(
            {"name": "Bia Reis", "code": "BIA", "store_id": cls.store.id}
        )
        cls.caio = Seller.create(
            {"name": "Caio Melo", "code": "CAIO", "store_id": cls.other_store.id}
        )
        cls.champions = cls.env["oto.rfv.segment"].create(
            {
                "name": "Campeões teste",
                "sequence": 1,
                "r_min": 4,
                "f_min": 4,
                "v_min": 4,
            }
        )

    def _customer(self, name, seller, phone="+5511987650000", **values):
        return self.env["res.partner"].create(
            {
                "name": name,
                "company_id": self.company.id,
                "customer_rank": 1,
                "mobile": phone,
                "oto_seller_id": seller.id if seller else False,
                **values,
            }
        )

    def _customers(self, count, seller, prefix="Cliente", **values):
        return self.env["res.partner"].concat(
            *(
                self._customer(
                    f"{prefix} {seller.code} {n}", seller, f"+55119876{n:05d}", **values
                )
                for n in range(count)
            )
        )

    def _campaign(self, name, **values):
        return self.env["oto.campaign"].create(
            {
                "name": name,
                "company_id": self.company.id,
                "audience": "domain",
                "domain": "[('customer_rank', '>', 0)]",
                "holdout_percent": 0,
                "message": "Oi {first_name}, aqui é {seller} da {store}!",
                **values,
            }
        )

    def _generate(self, day=TODAY):
        return self.engine._generate(self.company, today=day)

    def _suggestions(self, **domain):
        return self.env["oto.suggestion"].search(
            [("company_id", "=", self.company.id)]
            + [(key, "=", value) for key, value in domain.items()]
        )


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestSuggestions(SuggestionsCommon):
    # ------------------------------------------------------------ order

    def test_campaigns_in_priority_order_and_one_open_suggestion_per_customer(self):
        customer = self._customer("Maria Souza", self.ana)
        later = self._campaign("Novidades", sequence=20)
        first = self._campaign("Aniversário", sequence=5)
        summary = self._generate()
        self.assertEqual(summary[first], (1, 0))
        self.assertEqual(summary[later], (0, 0))
        suggestion = self._suggestions(partner_id=customer.id)
        self.assertEqual(suggestion.campaign_id, first)
        self.assertEqual(suggestion.seller_id, self.ana)
        self.assertEqual(suggestion.state, "assigned")
        self.assertEqual(suggestion.type, "segment")

    def test_rerun_the_same_day_creates_nothing(self):
        self._customers(5, self.ana)
        campaign = self._campaign("Recompra")
        self.assertEqual(self._generate()[campaign], (5, 0))
        self.assertEqual(self._generate()[campaign], (0, 0))
        self.assertEqual(len(self._suggestions()), 5)

    def test_list_is_ranked_by_score_and_explained(self):
        low, high = self._customers(2, self.ana)
        self.env["oto.wallet.customer"].create(
            [
                {
                    "partner_id": high.id,
                    "company_id": self.company.id,
                    "last_purchase": NOW - timedelta(days=40),
                    "order_count": 8,
                    "amount": 2000,
                    "r_score": 5,
                    "f_score": 5,
                    "v_score": 5,
                },
                {
                    "partner_id": low.id,
                    "company_id": self.company.id,
                    "last_purchase": NOW - timedelta(days=5),
                    "order_count": 1,
                    "amount": 90,
                    "r_score": 1,
                    "f_score": 1,
                    "v_score": 1,
                },
            ]
        )
        self._campaign("Recompra")
        self._generate()
        first, second = self._suggestions().sorted("rank")
        self.assertEqual((first.partner_id, second.partner_id), (high, low))
        self.assertEqual(first.score_rfv, 100.0)
        self.assertGreater(first.score, second.score)
        self.assertAlmostEqual(
            first.score,
            0.5 * first.score_rfv
            + 0.3 * first.score_cycle
            + 0.2 * first.score_response,
            places=0,
        )
        self.assertIn("40", first.reason)

    # ---------------------------------------------------------- limiter

    def test_limiter_brand_store_and_seller(self):
        self._customers(6, self.ana)
        self._customers(6, self.bia)
        self._customers(6, self.caio)
        self.company.oto_daily_limit = 4
        self.other_store.daily_limit = 2
        self.bia.daily_limit = 5
        self._campaign("Recompra")
        self._generate()
        counts = {
            s: len(self._suggestions(seller_id=s.id))
            for s in (self.ana, self.bia, self.caio)
        }
        self.assertEqual(counts, {self.ana: 4, self.bia: 5, self.caio: 2})

    def test_limiter_spans_campaigns_and_campaign_cap(self):
        self._customers(6, self.ana)
        self.company.oto_daily_limit = 5
        first = self._campaign("Primeira", sequence=1, daily_cap=2)
        second = self._campaign("Segunda", sequence=2)
        summary = self._generate()
        self.assertEqual(summary[first], (2, 0))
        self.assertEqual(summary[second], (3, 0))

    def test_limiter_of_zero_or_less_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "at least 1"):
            self.company.oto_daily_limit = 0
        with self.assertRaises(ValidationError):
            self.ana.daily_limit = -1

    # ------------------------------------------------- days off, sellers

    def test_seller_on_day_off_gets_nothing(self):
        self._customers(2, self.ana)
        self._customers(2, self.bia)
        self.env["oto.seller.dayoff"].create(
            {
                "seller_id": self.ana.id,
                "date_from": TODAY,
                "date_to": TODAY + timedelta(days=2),
            }
        )
        self._campaign("Recompra")
        self._generate()
        self.assertFalse(self._suggestions(seller_id=self.ana.id))
        self.assertEqual(len(self._suggestions(seller_id=self.bia.id)), 2)
        # The day after the days off, Ana's customers come back.
        self._generate(TODAY + timedelta(days=3))
        self.assertEqual(len(self._suggestions(seller_id=self.ana.id)), 2)

    def test_days_off_overlap_and_order_are_refused(self):
        Dayoff = self.env["oto.seller.dayoff"]
        Dayoff.create(
            {
                "seller_id": self.ana.id,
                "date_from": TODAY,
                "date_to": TODAY + timedelta(days=4),
            }
        )
        with self.assertRaisesRegex(ValidationError, "already has a day off"):
            Dayoff.create(
                {
                    "seller_id": self.ana.id,
                    "date_from": TODAY + timedelta(days=2),
                    "date_to": TODAY + timedelta(days=6),
                }
            )
        with self.assertRaisesRegex(ValidationError, "ends on or after"):
            Dayoff.create(
                {
                    "seller_id": self.bia.id,
                    "date_from": TODAY,
                    "date_to": TODAY - timedelta(days=1),
                }
            )
        # Another seller the same days is fine.
        Dayoff.create({"seller_id": self.bia.id, "date_from": TODAY, "date_to": TODAY})

    def test_inactive_seller_has_no_room(self):
        self.engine._prepare_room(self.company, TODAY)
        self.env.cr.execute("SELECT seller_id FROM oto_suggestion_room")
        self.assertEqual(
            {r[0] for r in self.env.cr.fetchall()},
            {self.ana.id, self.bia.id, self.caio.id},
        )
        self.env.cr.execute(
            "UPDATE oto_seller SET active = FALSE WHERE id = %s", [self.caio.id]
        )
        self.engine._prepare_room(self.company, TODAY)
        self.env.cr.execute("SELECT seller_id FROM oto_suggestion_room")
        self.assertNotIn(self.caio.id, {r[0] for r in self.env.cr.fetchall()})

    # ------------------------------------------ consent, phone, quarantine

    def test_opted_out_of_every_channel_invalid_phone_and_quarantine_are_skipped(self):
        whatsapp_only_out = self._customer(
            "Só WhatsApp fora", self.ana, "+5511987651111"
        )
        all_out = self._customer("Tudo fora", self.ana, "+5511987652222")
        invalid = self._customer("Número errado", self.ana, "+5511987653333")
        no_phone = self._customer("Sem telefone", self.ana, False)
        resting = self._customer("Em quarentena", self.ana, "+5511987654444")
        back = self._customer("Volta hoje", self.ana, "+5511987655555")
        whatsapp_only_out._oto_set_consent(["whatsapp"], False, "manager", "pediu")
        all_out._oto_set_consent(["whatsapp", "sms"], False, "manager", "pediu")
        invalid._oto_mark_phone_invalid("teste")
        resting.oto_quarantine_until = TODAY + timedelta(days=1)
        back.oto_quarantine_until = TODAY
        self._campaign("Recompra", channel_whatsapp=True, channel_sms=True)
        self._generate()
        suggested = self._suggestions().partner_id
        self.assertEqual(suggested, whatsapp_only_out | back)
        self.assertNotIn(no_phone, suggested)

    def test_cooldown_keeps_a_campaign_from_repeating(self):
        customer = self._customer("Maria", self.ana)
        campaign = self._campaign("Recompra", cooldown_days=30, validity_days=1)
        self._generate()
        self._suggestions(partner_id=customer.id).state = "done"
        self._generate(TODAY + timedelta(days=5))
        self.assertEqual(len(self._suggestions(campaign_id=campaign.id)), 1)
        self._generate(TODAY + timedelta(days=30))
        self.assertEqual(len(self._suggestions(campaign_id=campaign.id)), 2)

    def test_unworked_suggestions_expire(self):
        customer = self._customer("Maria", self.ana)
        self._campaign("Recompra", validity_days=2, cooldown_days=0)
        self._generate()
        suggestion = self._suggestions(partner_id=customer.id)
        self.assertEqual(suggestion.deadline, TODAY + timedelta(days=1))
        self._generate(TODAY + timedelta(days=1))
        self.assertEqual(suggestion.state, "assigned")
        self._generate(TODAY + timedelta(days=2))
        self.assertEqual(suggestion.state, "expired")
        # Expired, the customer can be suggested again.
        self.assertEqual(len(self._suggestions(partner_id=customer.id)), 2)

    # ----------------------------------------------------------- holdout

    def test_holdout_is_stable_recorded_and_agrees_with_python(self):
        customers = self._customers(40, self.ana)
        campaign = self._campaign(
            "Lift", holdout_percent=30, cooldown_days=0, validity_days=1
        )
        self.company.oto_daily_limit = 100
        suggested, held = self._generate()[campaign]
        expected = {c for c in customers if in_holdout(campaign.id, c.id, 30)}
        holdouts = self.env["oto.campaign.holdout"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(set(holdouts.partner_id), expected)
        self.assertEqual(held, len(expected))
        self.assertEqual(suggested, 40 - len(expected))
        self.assertTrue(0 < held < 40)
        # Days later, the held-out customers are still never suggested.
        self._suggestions().write({"state": "done"})
        self._generate(TODAY + timedelta(days=3))
        self.assertFalse(self._suggestions().partner_id & holdouts.partner_id)
        self.assertEqual(
            len(
                self.env["oto.campaign.holdout"].search(
                    [("campaign_id", "=", campaign.id)]
                )
            ),
            len(expected),
        )

    # ---------------------------------------------------------- audience

    def test_audiences(self):
        birthday = self._customer(
            "Aniversariante", self.ana, oto_birthdate=date(1990, 11, 28)
        )
        later_birthday = self._customer(
            "Depois", self.ana, oto_birthdate=date(1990, 12, 15)
        )
        lapsed = self._customer("Sumida", self.ana)
        recent = self._customer("Recente", self.ana)
        post_sale = self._customer("Pós-venda", self.ana)
        State = self.env["oto.wallet.customer"]
        for partner, days, count in (
            (lapsed, 90, 3),
            (recent, 10, 3),
            (post_sale, 7, 1),
        ):
            State.create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "last_purchase": NOW - timedelta(days=days),
                    "order_count": count,
                    "amount": 300,
                }
            )
        today = TODAY
        cases = {
            "birthday": ({"audience": "birthday", "audience_days": 7}, birthday),
            "no_purchase": ({"audience": "no_purchase", "audience_days": 60}, lapsed),
            "post_sale": ({"audience": "post_sale", "audience_days": 7}, post_sale),
        }
        for label, (values, expected) in cases.items():
            campaign = self._campaign(label, **values)
            self.env.cr.execute(
                SQL(
                    "SELECT p.id FROM res_partner p LEFT JOIN oto_wallet_customer c"
                    " ON c.partner_id = p.id AND c.company_id = %s"
                    " WHERE p.company_id = %s AND (%s)",
                    self.company.id,
                    self.company.id,
                    campaign._audience_sql(today),
                )
            )
            self.assertEqual(
                {r[0] for r in self.env.cr.fetchall()}, {expected.id}, label
            )
        self.assertNotIn(later_birthday, birthday)
        campaign = self._campaign("Novos", audience="new_customer", audience_days=30)
        self.assertIn(post_sale.id, campaign.action_preview_audience()["domain"][0][2])

    # ------------------------------------------------------ bad campaigns

    def test_bad_campaigns_are_refused(self):
        with (
            self.assertRaisesRegex(ValidationError, r"\{nome\}"),
            self.env.cr.savepoint(),
        ):
            self._campaign("Placeholder", message="Oi {nome}")
        with (
            self.assertRaisesRegex(ValidationError, "unbalanced brace"),
            self.env.cr.savepoint(),
        ):
            self._campaign("Chave", message="Oi {first_name")
        with (
            self.assertRaisesRegex(ValidationError, "RFV segment"),
            self.env.cr.savepoint(),
        ):
            self._campaign("Sem segmento", audience="segment")
        with (
            self.assertRaisesRegex(ValidationError, "not valid"),
            self.env.cr.savepoint(),
        ):
            self._campaign("Filtro", domain="[('no_such_field', '=', 1)]")
        with self.assertRaisesRegex(ValidationError, "empty"), self.env.cr.savepoint():
            self._campaign("Filtro vazio", domain="[]")
        with (
            self.assertRaisesRegex(ValidationError, "channel"),
            self.env.cr.savepoint(),
        ):
            self._campaign("Sem canal", channel_whatsapp=False)
        self.env.cr.execute(
            "SELECT count(*) FROM oto_campaign WHERE company_id = %s", [self.company.id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_preview_of_an_empty_audience_says_so(self):
        campaign = self._campaign(
            "Ninguém", audience="segment", segment_ids=self.champions.ids
        )
        with self.assertRaisesRegex(UserError, "No customer matches"):
            campaign.action_preview_audience()

    # ---------------------------------------------------------- messages

    def test_message_and_channel_links(self):
        self.company.oto_online_store_url = "https://loja.example.com/?vendedor={code}"
        customer = self._customer("Maria Souza", self.ana, "+5511987650001")
        self._campaign(
            "Recompra",
            message="Oi {first_name}! {seller} ({store}) {seller_link}",
            channel_sms=True,
            channel_call=True,
        )
        self._generate()
        suggestion = self._suggestions(partner_id=customer.id)
        expected = "Oi Maria! Ana (Loja Centro) https://loja.example.com/?vendedor=ANA"
        self.assertEqual(suggestion.message, expected)
        self.assertTrue(
            suggestion.whatsapp_url.startswith("https://wa.me/5511987650001?text=")
        )
        self.assertEqual(unquote(suggestion.whatsapp_url.split("text=")[1]), expected)
        self.assertEqual(suggestion.call_url, "tel:+5511987650001")
        suggestion.message_custom = "Oi Maria, tudo bem?"
        self.assertIn("Oi%20Maria%2C%20tudo%20bem%3F", suggestion.sms_url)
        with self.assertRaises(ValidationError):
            self.company.oto_online_store_url = "https://loja.example.com/"
