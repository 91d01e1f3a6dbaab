# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import threading
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from ..tools.text_generation import (
    SETTING_MESSAGES,
    ChatClient,
    ProviderHTTPError,
    ProviderTimeout,
)
from .test_suggestions import NOW, TODAY, SuggestionsCommon

OLD = datetime(2025, 1, 10)


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestRecommendations(SuggestionsCommon):
    """A small known purchase set: who bought what, when, and the exact
    products each customer should be offered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.dresses = Category.create({"name": "Vestidos"})
        cls.accessories = Category.create({"name": "Acessórios"})
        cls.shoes = Category.create({"name": "Calçados"})
        Product = cls.env["product.product"]

        def product(name, category, created=OLD, **values):
            record = Product.create(
                {"name": name, "categ_id": category.id, "list_price": 100, **values}
            )
            cls.env.flush_all()
            cls.env.cr.execute(
                "UPDATE product_product SET create_date = %s WHERE id = %s",
                [created, record.id],
            )
            return record

        cls.dress_a = product("Vestido Aurora", cls.dresses)
        cls.dress_new = product("Vestido Céu", cls.dresses, datetime(2026, 11, 10))
        cls.belt = product("Cinto Couro", cls.accessories)
        cls.bag = product("Bolsa Palha", cls.accessories)
        cls.earring = product("Brinco Sol", cls.accessories)
        cls.scarf = product("Lenço Antigo", cls.accessories, sale_ok=False)
        cls.sandal = product("Sandália Mar", cls.shoes)
        Product.invalidate_model(["create_date"])
        others = {
            "c1": [cls.dress_a, cls.belt, cls.scarf],
            "c2": [cls.dress_a, cls.belt, cls.bag],
            "c3": [cls.dress_a, cls.bag],
            "c4": [cls.dress_a, cls.belt],
        }
        for n, (name, products) in enumerate(others.items()):
            customer = cls._customer(cls, name, cls.ana, f"+55119800000{n}")
            cls._buy(cls, customer, datetime(2026, 9, 1), products)
        cls._buy(
            cls,
            cls._customer(cls, "c5", cls.ana, "+551198000009"),
            datetime(2026, 9, 2),
            [cls.sandal],
            quantity=6,
        )
        cls.maria = cls._customer(cls, "Maria Souza", cls.ana, "+5511987651111")
        cls.maria.write({"email": "maria@example.com", "vat": "123.456.789-09"})
        cls._buy(cls, cls.maria, datetime(2026, 6, 1), [cls.dress_a])
        cls._buy(cls, cls.maria, datetime(2026, 11, 1), [cls.earring])
        cls.joana = cls._customer(cls, "Joana Lima", cls.ana, "+5511987652222")
        cls._buy(cls, cls.joana, datetime(2026, 11, 10), [cls.belt])
        cls.pedro = cls._customer(cls, "Pedro Alves", cls.ana, "+5511987653333")
        # A cancelled order is not a purchase.
        cancelled = cls._buy(cls, cls.pedro, datetime(2026, 11, 5), [cls.bag])
        cancelled._action_cancel()
        cls.campaign = cls._campaign(
            cls,
            "Nova coleção",
            message="Oi {first_name}! Separei para você: {products}.",
        )

    def _buy(self, customer, when, products, quantity=1):
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "oto_seller_id": self.ana.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": 100,
                        }
                    )
                    for product in products
                ],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    def _suggest(self, customer):
        return self.env["oto.suggestion"].create(
            {
                "partner_id": customer.id,
                "seller_id": self.ana.id,
                "company_id": self.company.id,
                "campaign_id": self.campaign.id,
                "type": "segment",
                "date": TODAY,
            }
        )

    def _offers(self, suggestion):
        return [
            (rec.product_id, rec.kind)
            for rec in suggestion.recommendation_ids.sorted("sequence")
        ]

    def test_exact_products_and_order(self):
        maria, joana, pedro = (
            self._suggest(c) for c in (self.maria, self.joana, self.pedro)
        )
        Recommendation = self.env["oto.recommendation"]
        written = Recommendation._compute_for_suggestions(maria | joana | pedro, TODAY)
        self.assertEqual(written, 9)
        # Maria bought the Aurora dress (long ago) and earrings (recently):
        # the buyers of the dress also bought the belt (c1, c2, c4) and the
        # bag (c2, c3); then what is new in her categories.
        self.assertEqual(
            self._offers(maria),
            [
                (self.belt, "together"),
                (self.bag, "together"),
                (self.dress_new, "new"),
            ],
        )
        first = maria.recommendation_ids.sorted("sequence")[0]
        self.assertEqual(first.anchor_product_id, self.dress_a)
        self.assertEqual(first.score, 3)
        self.assertEqual(
            first.reason,
            "Customers who bought Vestido Aurora also bought Cinto Couro",
        )
        # Joana bought the belt ten days ago: never offered again, nor the
        # scarf that is no longer for sale; the best sellers of accessories.
        self.assertEqual(
            self._offers(joana),
            [
                (self.dress_a, "together"),
                (self.bag, "category"),
                (self.earring, "category"),
            ],
        )
        # Pedro has no purchase (his order was cancelled): the store's best
        # sellers.
        self.assertEqual(
            self._offers(pedro),
            [
                (self.sandal, "store"),
                (self.dress_a, "store"),
                (self.belt, "store"),
            ],
        )
        self.assertEqual(
            pedro.recommendation_ids[0].reason, "Best seller at Loja Centro"
        )
        # The message template's {products} placeholder.
        self.assertEqual(
            maria.message,
            "Oi Maria! Separei para você: Cinto Couro, Bolsa Palha, Vestido Céu.",
        )
        # Computing again replaces, never adds.
        Recommendation._compute_for_suggestions(maria, TODAY)
        self.assertEqual(len(maria.recommendation_ids), 3)
        self.assertEqual(
            self.env["oto.recommendation"].search_count(
                [("suggestion_id", "in", (maria | joana | pedro).ids)]
            ),
            9,
        )

    def test_opportunities_of_the_day_get_their_products_within_minutes(self):
        """An opportunity another system sends at 15:00 (Maria's abandoned
        cart, with its dress): the scheduled job is woken up, computes its
        products once, and the phone card shows the cart's product first,
        then the recommended ones, with the opportunity's type."""
        cron = self.env.ref("oto_crm.ir_cron_oto_new_opportunity_products")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        cart = self.env["oto.suggestion"].create(
            {
                "partner_id": self.maria.id,
                "seller_id": self.ana.id,
                "company_id": self.company.id,
                "type": "behavior",
                "origin_reason": "Carrinho abandonado",
                "product_ids": [Command.set(self.dress_new.ids)],
                "date": TODAY,
            }
        )
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.assertFalse(cart.products_computed)
        self.assertFalse(cart.recommendation_ids)
        # Worked or closed ones are not asked for; the job does the open ones.
        closed = self._suggest(self.joana)
        closed.state = "cancelled"
        self.env["oto.recommendation"]._cron_new_opportunities()
        self.assertTrue(cart.products_computed)
        self.assertFalse(closed.products_computed)
        self.assertEqual(
            [p for p, _kind in self._offers(cart)],
            [self.belt, self.bag, self.dress_new],
        )
        first = cart.recommendation_ids.sorted("sequence")[:1]
        # Once: the next run leaves them alone.
        self.assertFalse(
            self.env["oto.recommendation"]._compute_new_opportunities(self.company)
        )
        self.assertEqual(cart.recommendation_ids.sorted("sequence")[:1], first)
        card = cart._oto_card()
        self.assertEqual((card["type"], card["type_label"]), ("behavior", "Behavior"))
        self.assertEqual(
            [(p["id"], p["reason"]) for p in card["products"]],
            [
                # The cart's dress first (not repeated from the recommendations).
                (self.dress_new.id, "In the opportunity"),
                (self.belt.id, first.reason),
                (self.bag.id, cart.recommendation_ids.sorted("sequence")[1].reason),
            ],
        )
        self.assertIn("Carrinho abandonado", card["reason"])

    def test_nightly_batch_recommends_for_the_days_suggestions(self):
        self._generate()
        suggestions = self._suggestions(date=TODAY)
        self.assertIn(self.maria, suggestions.partner_id)
        maria = suggestions.filtered(lambda s: s.partner_id == self.maria)
        self.assertEqual(
            [p for p, _kind in self._offers(maria)],
            [self.belt, self.bag, self.dress_new],
        )
        self.assertTrue(all(s.recommendation_ids for s in suggestions))
        day = self.env["oto.suggestion"].get_seller_day(self.ana.id)
        shown = {
            s["id"]: s["products"] for g in day["groups"] for s in g["suggestions"]
        }
        self.assertEqual(
            [p["name"] for p in shown[maria.id]],
            ["Cinto Couro", "Bolsa Palha", "Vestido Céu"],
        )
        self.assertFalse(day["drafting"])

    def test_kept_stats_follow_new_late_and_cancelled_purchases(self):
        """The bought-together and best-seller counts are kept per day: a
        first night computes the window, the next ones only today and the
        days whose purchases were written since; days leaving the window
        go."""
        Recommendation = self.env["oto.recommendation"]
        Pair = self.env["oto.recommendation.pair"]
        Sale = self.env["oto.recommendation.sale"]
        first = TODAY - timedelta(days=89)

        def together(anchor, product):
            rows = Pair.search(
                [
                    ("company_id", "=", self.company.id),
                    ("anchor_product_id", "=", anchor.id),
                    ("product_id", "=", product.id),
                ]
            )
            return sum(rows.mapped("purchases"))

        self.assertEqual(
            Recommendation._refresh_product_stats(self.company, TODAY),
            [(first, TODAY)],
        )
        self.assertEqual(together(self.dress_a, self.belt), 3)
        self.assertEqual(together(self.belt, self.dress_a), 3)
        self.assertEqual(together(self.dress_a, self.bag), 2)
        mine = [("company_id", "=", self.company.id)]
        sandal = Sale.search([*mine, ("product_id", "=", self.sandal.id)])
        self.assertEqual((sandal.units, sandal.purchases), (6, 1))
        # Bought on 2 September 00:00 UTC: the brand's 1 September.
        self.assertEqual(sandal.day, date(2026, 9, 1))
        # Pedro's cancelled order (the bag, 5 November) is no sale.
        bag_later = [("product_id", "=", self.bag.id), ("day", ">", date(2026, 9, 1))]
        self.assertFalse(Sale.search_count([*mine, *bag_later]))
        # Nothing written since: today only.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET write_date = '2026-01-01' WHERE company_id = %s",
            [self.company.id],
        )
        self.assertEqual(
            Recommendation._refresh_product_stats(self.company, TODAY),
            [(TODAY, TODAY)],
        )
        # A purchase recorded late on a kept day, one cancelled.
        late = self._customer("c6", self.ana, "+551198000008")
        self._buy(late, datetime(2026, 10, 5, 15), [self.dress_a, self.belt])
        c2 = self.env["sale.order"].search([("partner_id.name", "=", "c2")])
        c2._action_cancel()
        self.assertEqual(
            Recommendation._refresh_product_stats(self.company, TODAY),
            [
                (date(2026, 8, 31), date(2026, 8, 31)),
                (date(2026, 10, 5), date(2026, 10, 5)),
                (TODAY, TODAY),
            ],
        )
        self.assertEqual(together(self.dress_a, self.belt), 3)
        self.assertEqual(together(self.dress_a, self.bag), 1)
        # The bag is no longer bought together often enough (twice) for
        # Maria: what is new and what sells in her categories come next.
        maria = self._suggest(self.maria)
        Recommendation._compute_for_suggestions(maria, TODAY)
        self.assertEqual(
            self._offers(maria),
            [
                (self.belt, "together"),
                (self.dress_new, "new"),
                (self.dress_a, "category"),
            ],
        )
        # A month later the days before 25 September have left the window;
        # the late purchase's day was written within the margin of the last
        # refresh, so it is looked at again.
        later = TODAY + timedelta(days=30)
        self.assertEqual(
            Recommendation._refresh_product_stats(self.company, later),
            [(date(2026, 10, 5), date(2026, 10, 5)), (TODAY, later)],
        )
        gone = [*mine, ("day", "<", date(2026, 9, 25))]
        self.assertFalse(Pair.search_count(gone))
        self.assertFalse(Sale.search_count(gone))
        self.assertTrue(Sale.search_count([*mine, ("day", "=", date(2026, 10, 5))]))
        self.assertEqual(together(self.dress_a, self.belt), 1)

    # ------------------------------------------------------------ drafting

    def _enable_drafting(self, **values):
        self.company.write(
            {
                "oto_draft_enabled": True,
                "oto_draft_base_url": "http://127.0.0.1:9/v1",
                "oto_draft_model": "brand-writer",
                "oto_draft_api_key": "sk-secret-123",
                "oto_draft_timeout": 3,
                **values,
            }
        )

    def test_draft_uses_the_provider_and_sends_no_personal_data(self):
        suggestion = self._suggest(self.maria)
        self.env["oto.recommendation"]._compute_for_suggestions(suggestion, TODAY)
        # Not configured: the template's message, no call.
        with patch.object(ChatClient, "complete") as complete:
            self.assertEqual(
                suggestion.oto_draft_message(),
                {"message": suggestion.message, "source": "template"},
            )
            complete.assert_not_called()
        self._enable_drafting()
        reply = "  “Oi Maria! O cinto de couro combina com seu vestido. Quer ver?”  "
        with patch.object(ChatClient, "complete", return_value=reply) as complete:
            draft = suggestion.oto_draft_message()
        self.assertEqual(draft["source"], "provider")
        self.assertEqual(
            draft["message"],
            "Oi Maria! O cinto de couro combina com seu vestido. Quer ver?",
        )
        prompt = json.dumps(complete.call_args.args[0], ensure_ascii=False)
        for product in ("Cinto Couro", "Bolsa Palha", "Vestido Céu", "Maria"):
            self.assertIn(product, prompt)
        for secret in (
            "Souza",
            "maria@example.com",
            "987651111",
            "98765-1111",
            "123.456.789-09",
            "12345678909",
            "sk-secret-123",
        ):
            self.assertNotIn(secret, prompt)
        # The last purchase summary: the earrings, on 1 November.
        self.assertIn("Brinco Sol", prompt)
        self.assertIn("2026-11-01", prompt)

    def test_draft_end_to_end_with_a_local_provider(self):
        """Over real HTTP: a local server speaking chat-completions."""
        received = []

        class Provider(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                received.append((self.path, self.headers.get("Authorization"), body))
                answer = json.dumps(
                    {
                        "choices": [
                            {
                                "message": {
                                    "role": "assistant",
                                    "content": "Oi Maria! Chegou o Vestido Céu.",
                                }
                            }
                        ]
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        suggestion = self._suggest(self.maria)
        self.env["oto.recommendation"]._compute_for_suggestions(suggestion, TODAY)
        self._enable_drafting(
            oto_draft_base_url=f"http://127.0.0.1:{server.server_port}/v1"
        )
        draft = suggestion.oto_draft_message()
        self.assertEqual(
            draft, {"message": "Oi Maria! Chegou o Vestido Céu.", "source": "provider"}
        )
        path, authorization, body = received[0]
        self.assertEqual(path, "/v1/chat/completions")
        self.assertEqual(authorization, "Bearer sk-secret-123")
        self.assertEqual(body["model"], "brand-writer")
        sent = json.dumps(body["messages"], ensure_ascii=False)
        self.assertIn("Vestido Céu", sent)
        self.assertNotIn("maria@example.com", sent)
        # The provider stops answering: the template, within the timeout.
        server.shutdown()
        server.server_close()
        self._enable_drafting(
            oto_draft_base_url=f"http://127.0.0.1:{server.server_port}/v1",
            oto_draft_timeout=0.5,
        )
        with self.assertLogs("odoo.addons.oto_crm.models.oto_suggestion_draft"):
            self.assertEqual(suggestion.oto_draft_message()["source"], "template")

    def test_draft_falls_back_to_the_template(self):
        suggestion = self._suggest(self.maria)
        self._enable_drafting()
        for error in (
            ProviderTimeout("timed out"),
            ProviderHTTPError("server error", status=500),
        ):
            with (
                self.subTest(error=type(error).__name__),
                patch.object(ChatClient, "complete", side_effect=error),
                self.assertLogs(
                    "odoo.addons.oto_crm.models.oto_suggestion_draft", "WARNING"
                ) as logs,
            ):
                draft = suggestion.oto_draft_message()
            self.assertEqual(
                draft, {"message": suggestion.message, "source": "template"}
            )
            self.assertNotIn("sk-secret-123", "\n".join(logs.output))
        with patch.object(ChatClient, "complete", return_value="   "):
            self.assertEqual(suggestion.oto_draft_message()["source"], "template")

    def test_the_text_sent_is_kept_on_the_contact(self):
        suggestion = self._suggest(self.maria)
        suggestion.action_send("whatsapp", "Oi Maria, texto revisado pela Ana.")
        contact = self.env["oto.contact"].create(
            {
                "suggestion_id": suggestion.id,
                "partner_id": self.maria.id,
                "seller_id": self.ana.id,
                "company_id": self.company.id,
                "channel": "whatsapp",
            }
        )
        self.assertEqual(contact.message_sent, "Oi Maria, texto revisado pela Ana.")

    def test_bad_provider_settings_are_refused(self):
        for values in (
            {"oto_draft_base_url": "ftp://llm.example.com"},
            {"oto_draft_base_url": "javascript:alert(1)"},
            {"oto_draft_model": "  "},
            {"oto_draft_timeout": -1},
            {"oto_draft_timeout": 0},
            {"oto_draft_max_chars": 10},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self._enable_drafting(**values)
        self._enable_drafting()
        self.assertTrue(self.company.oto_draft_enabled)
        self.assertEqual(
            set(self.company._oto_draft_setting_messages()), set(SETTING_MESSAGES)
        )
