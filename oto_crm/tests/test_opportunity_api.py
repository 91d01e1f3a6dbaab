# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
import json
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.brand_time import brand_today
from ..tools.opportunity_api import MESSAGES
from .common import OtoCrmCommon

BASE = "/oto/api/v1"
URL = f"{BASE}/opportunities"


class OpportunityApiCommon(OtoCrmCommon, HttpCase):
    """A product and an API key of the company (acting as its brand admin)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Vestido Midi Linho", "default_code": "VEST-001", "sale_ok": True}
        )
        cls.key = cls.env["oto.api.key"].create(
            {
                "name": "Loja online",
                "company_id": cls.company.id,
                "user_id": cls.user_admin.id,
            }
        )
        cls.token = cls._generate(cls.key)
        cls.today = brand_today(cls.env)

    @classmethod
    def _generate(cls, key):
        action = key.action_generate()
        return action["params"]["message"].split(" ")[0]


@tagged("post_install", "-at_install", "oto_crm")
class TestOpportunityApi(OpportunityApiCommon):
    def _post(self, payload, token=None, raw=None, headers=None):
        headers = {"Content-Type": "application/json", **(headers or {})}
        if token is not False:
            headers["Authorization"] = f"Bearer {token or self.token}"
        body = raw if raw is not None else json.dumps(payload)
        with mute_logger("odoo.http", "odoo.addons.oto_crm.controllers.api"):
            return self.url_open(URL, data=body, headers=headers)

    def _get(self, path, token=None):
        with mute_logger("odoo.http", "odoo.addons.oto_crm.controllers.api"):
            return self.url_open(
                path, headers={"Authorization": f"Bearer {token or self.token}"}
            )

    def _payload(self, **overrides):
        payload = {
            "customer": {"name": "Maria Souza", "phone": "(21) 98765-1234"},
            "type": "behavior",
            "reason": "carrinho abandonado",
            "products": ["VEST-001"],
            "message": "Oi Maria! Seu vestido está esperando por você.",
            "deadline": str(self.today + timedelta(days=3)),
            "priority": "high",
        }
        payload.update(overrides)
        return payload

    def _counts(self):
        return (
            self.env["res.partner"].with_context(active_test=False).search_count([]),
            self.env["oto.suggestion"].search_count([]),
        )

    # ------------------------------------------------------------- auth

    def test_auth_missing_wrong_and_revoked_keys(self):
        before = self._counts()
        missing = self._post(self._payload(), token=False)
        self.assertEqual(missing.status_code, 401)
        self.assertEqual(missing.json()["error"]["code"], "unauthorized")
        self.assertEqual(missing.headers["WWW-Authenticate"], "Bearer")
        wrong = self._post(self._payload(), token=self.token[:-2] + "xx")
        self.assertEqual(wrong.status_code, 401)
        self.assertEqual(wrong.json()["error"]["code"], "unauthorized")
        revoked = self.env["oto.api.key"].create(
            {"name": "Antiga", "company_id": self.company.id}
        )
        revoked_token = self._generate(revoked)
        revoked.action_archive()
        self.assertEqual(
            self._post(self._payload(), token=revoked_token).status_code, 401
        )
        # A replaced key stops working at once.
        old = self._generate(revoked)
        revoked.action_unarchive()
        self._generate(revoked)
        self.assertEqual(self._post(self._payload(), token=old).status_code, 401)
        self.assertEqual(self._get(f"{URL}/1", token="oto_nope").status_code, 401)
        self.assertEqual(self._counts(), before)

    def test_key_is_shown_once_and_kept_hashed(self):
        self.assertTrue(self.token.startswith("oto_"))
        self.assertNotIn(self.token, self.key.sudo().key_hash)
        self.assertEqual(self.key.prefix, self.token[:8])
        self.assertEqual(self.env["oto.api.key"]._authenticate(self.token), self.key)
        # A brand admin manages keys but never reads their hash.
        with self.assertRaises(AccessError):
            self.key.with_user(self.user_admin).read(["key_hash"])
        with self.assertRaises(AccessError):
            self.key.with_user(self.user_manager_a).read(["name"])
        self.assertTrue(self.key.last_used)
        with self.assertRaises(UserError):
            self.key.unlink()

    def test_keys_stay_in_their_company_and_act_as_one_of_its_users(self):
        Key = self.env["oto.api.key"].with_user(self.user_admin)
        # Another company's admin neither sees nor uses the company's keys.
        franchise_keys = self.env["oto.api.key"].with_user(self.user_franchise)
        self.assertFalse(franchise_keys.search([("id", "=", self.key.id)]))
        with self.assertRaises(AccessError):
            self.key.with_user(self.user_franchise).read(["name"])
        with self.assertRaises(AccessError):
            self.key.with_user(self.user_franchise).action_generate()
        # A store manager does not make or replace keys.
        with self.assertRaises(AccessError):
            self.key.with_user(self.user_manager_a).action_generate()
        system = new_test_user(
            self.env,
            "oto_api_system_admin",
            groups="base.group_system,oto_crm.oto_crm_group_admin",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        outsider = new_test_user(
            self.env,
            "oto_api_not_oto_user",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        refused = [
            # for another company
            (self.other_company, self.user_admin),
            # acting as another company's user, the superuser, a system
            # administrator (the creator is not one), or a user outside Oto
            (self.company, self.user_franchise),
            (self.company, self.env.ref("base.user_root")),
            (self.company, system),
            (self.company, outsider),
        ]
        before = self.env["oto.api.key"].search_count([])
        for company, user in refused:
            with (
                self.subTest(company=company.name, user=user.login),
                self.assertRaises(AccessError),
            ):
                Key.create(
                    {"name": "Outra", "company_id": company.id, "user_id": user.id}
                )
        self.assertEqual(self.env["oto.api.key"].search_count([]), before)
        # Their own company, acting as themself or a colleague: accepted.
        key = Key.create({"name": "Marketing", "company_id": self.company.id})
        self.assertEqual(key.user_id, self.user_admin)
        key.user_id = self.user_manager_a
        with self.assertRaises(AccessError):
            key.with_user(self.user_admin).write({"user_id": self.user_franchise.id})
        with self.assertRaises(AccessError):
            key.with_user(self.user_admin).write({"company_id": self.other_company.id})
        # A system administrator may name another one.
        self.env["oto.api.key"].with_user(system).create(
            {"name": "ERP", "company_id": self.company.id, "user_id": system.id}
        )

    def test_another_companys_customer_and_opportunity_are_never_named(self):
        # A customer shared by the companies (no company), in the
        # franchise's wallet, with the franchise's open opportunity.
        shared = self.env["res.partner"].create(
            {
                "name": "Cliente Compartilhada",
                "mobile": "+5521987651234",
                "oto_seller_id": self.seller_franchise.id,
            }
        )
        theirs = self.env["oto.suggestion"].create(
            {
                "partner_id": shared.id,
                "seller_id": self.seller_franchise.id,
                "company_id": self.other_company.id,
                "type": "manual",
            }
        )
        # The company's integration sends the same phone: its own customer.
        response = self._post(self._payload())
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        self.assertNotEqual(body["customer"]["id"], shared.id)
        self.assertEqual(body["seller"]["id"], self.seller_b1.id)
        # The franchise's customer stays in its wallet, untouched.
        self.assertEqual(shared.oto_seller_id, self.seller_franchise)
        self.assertEqual(theirs.state, "assigned")
        # A conflict names only the company's own records.
        conflict = self._post(self._payload(idempotency_key="again"))
        self.assertEqual(conflict.status_code, 409)
        self.assertEqual(conflict.json()["opportunity"]["id"], body["id"])
        self.assertNotEqual(conflict.json()["opportunity"]["id"], theirs.id)
        for answer in (response, conflict):
            for secret in ("Compartilhada", self.seller_franchise.name):
                self.assertNotIn(secret, answer.text)

    # ------------------------------------------------------------ create

    def test_new_customer_is_created_and_placed_by_location(self):
        response = self._post(self._payload())
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        suggestion = self.env["oto.suggestion"].browse(body["id"])
        self.assertEqual(response.headers["Location"], f"{URL}/{suggestion.id}")
        partner = suggestion.partner_id
        self.assertEqual(partner.name, "Maria Souza")
        self.assertEqual(partner.oto_phone_e164, "+5521987651234")
        self.assertEqual(partner.company_id, self.company)
        # Area code 21: the Ipanema store, its only seller.
        self.assertEqual(suggestion.seller_id, self.seller_b1)
        self.assertEqual(partner.oto_seller_id, self.seller_b1)
        self.assertEqual(partner.oto_wallet_history_ids[-1:].reason, "api")
        self.assertEqual(suggestion.type, "behavior")
        self.assertEqual(suggestion.priority, "1")
        self.assertEqual(suggestion.product_ids, self.product)
        self.assertEqual(suggestion.create_uid, self.user_admin)
        self.assertEqual(
            body["seller"], {"id": self.seller_b1.id, "name": "Carla", "code": "B1"}
        )
        self.assertEqual(body["state"], "assigned")
        self.assertEqual(body["products"], ["VEST-001"])
        # It is in the seller's day, with its reason and message.
        day = self.env["oto.suggestion"].get_seller_day(self.seller_b1.id)
        shown = [s for g in day["groups"] for s in g["suggestions"]]
        self.assertEqual([s["id"] for s in shown], [suggestion.id])
        self.assertIn("carrinho abandonado", shown[0]["reason"])
        self.assertEqual(shown[0]["message"], self._payload()["message"])

    def test_existing_customer_found_by_phone_email_or_document(self):
        customer = self.customer_1
        customer.write(
            {
                "mobile": "+55 11 98888-7777",
                "vat": "123.456.789-09",
                "oto_seller_id": self.seller_a2.id,
            }
        )
        other = self.customer_2
        other.write({"email": "Ana.Paula@Example.com"})
        for identity, expected in (
            # Without the ninth digit, as old systems keep it.
            ({"phone": "11 8888-7777"}, customer),
            ({"document": "12345678909"}, customer),
            ({"email": "ana.paula@example.com", "name": "Ana"}, other),
        ):
            with self.subTest(identity=identity):
                before = self._counts()
                response = self._post(self._payload(customer=identity))
                self.assertEqual(response.status_code, 201, response.text)
                suggestion = self.env["oto.suggestion"].browse(response.json()["id"])
                self.assertEqual(suggestion.partner_id, expected)
                self.assertEqual(self._counts()[0], before[0])
                suggestion.state = "expired"
        # The wallet seller gets it; the found customer keeps their name.
        self.assertEqual(
            self.env["oto.suggestion"]
            .search([("partner_id", "=", customer.id)])
            .seller_id,
            self.seller_a2,
        )
        self.assertEqual(other.name, "Cliente Dois")
        # Missing contact data is completed, never overwritten.
        self._post(
            self._payload(
                customer={"phone": "11 98888-7777", "email": "um@example.com"}
            )
        )
        self.assertEqual(customer.email, "um@example.com")
        self.assertEqual(customer.mobile, "+55 11 98888-7777")

    def test_retry_with_idempotency_key_never_duplicates(self):
        payload = self._payload(idempotency_key="cart-42")
        first = self._post(payload)
        self.assertEqual(first.status_code, 201, first.text)
        before = self._counts()
        again = self._post(payload)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["id"], first.json()["id"])
        self.assertEqual(self._counts(), before)
        found = self._get(f"{URL}?idempotency_key=cart-42")
        self.assertEqual(found.json()["id"], first.json()["id"])
        self.assertEqual(self._get(f"{URL}?idempotency_key=nope").status_code, 404)
        # Another request for the customer while theirs is open: a conflict.
        conflict = self._post(self._payload(idempotency_key="cart-43"))
        self.assertEqual(conflict.status_code, 409)
        self.assertEqual(conflict.json()["error"]["code"], "open_opportunity")
        self.assertEqual(conflict.json()["opportunity"]["id"], first.json()["id"])
        self.assertEqual(self._counts(), before)

    def test_no_seller_with_room_puts_it_in_the_backlog(self):
        """Nobody can take the customer now: the opportunity waits in the
        backlog (not refused), a second request for the customer adds to it,
        and the day's assignment gives it to a seller once one is active."""
        sellers = self.env["oto.seller"].search([("company_id", "=", self.company.id)])
        sellers.write({"active": False})
        other = self.env["product.product"].create(
            {"name": "Bolsa Couro", "default_code": "BOLSA-01", "sale_ok": True}
        )
        partners, suggestions = self._counts()
        response = self._post(self._payload(idempotency_key="cart-1"))
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        self.assertEqual((body["state"], body["seller"]), ("backlog", None))
        again = self._post(
            self._payload(
                idempotency_key="cart-2",
                products=["BOLSA-01"],
                priority="urgent",
                reason="visitou a bolsa",
            )
        )
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["id"], body["id"])
        self.assertEqual(self._counts(), (partners + 1, suggestions + 1))
        waiting = self.env["oto.suggestion"].browse(body["id"])
        self.assertEqual(waiting.product_ids, self.product | other)
        self.assertEqual(waiting.priority, "2")
        self.assertEqual(waiting.origin_reason, "carrinho abandonado / visitou a bolsa")
        # Its retry changes nothing, and finds it by its own key.
        retry = self._post(
            self._payload(
                idempotency_key="cart-2",
                products=["BOLSA-01"],
                priority="urgent",
                reason="visitou a bolsa",
            )
        )
        self.assertEqual((retry.status_code, retry.json()["id"]), (200, body["id"]))
        waiting.invalidate_recordset()
        self.assertEqual(waiting.origin_reason, "carrinho abandonado / visitou a bolsa")
        found = self._get(f"{URL}?idempotency_key=cart-2")
        self.assertEqual(found.json()["id"], body["id"])
        # Another integration's request neither reads nor changes it.
        other_key = self.env["oto.api.key"].create(
            {
                "name": "Marketing",
                "company_id": self.company.id,
                "user_id": self.user_admin.id,
            }
        )
        foreign = self._post(
            self._payload(idempotency_key="mk-1", priority="normal", reason="outra"),
            token=self._generate(other_key),
        )
        self.assertEqual(foreign.status_code, 409, foreign.text)
        self.assertNotIn("carrinho", foreign.text)
        waiting.invalidate_recordset()
        self.assertEqual(waiting.priority, "2")
        self.assertNotIn("outra", waiting.origin_reason)
        # Not in anybody's day while it waits.
        self.assertFalse(
            self.env["oto.suggestion"]._oto_assign_backlog(self.company, self.today)
        )
        self.assertEqual(waiting.state, "backlog")
        self.seller_a1.active = True
        assigned = self.env["oto.suggestion"]._oto_assign_backlog(
            self.company, self.today
        )
        self.assertEqual(assigned, 1)
        self.assertEqual(
            (waiting.state, waiting.seller_id, waiting.partner_id.oto_seller_id),
            ("assigned", self.seller_a1, self.seller_a1),
        )
        self.assertEqual(self._get(f"{URL}/{waiting.id}").json()["state"], "assigned")

    def test_the_backlog_never_takes_a_customer_from_another_companys_wallet(self):
        """A shared customer waits in the brand's backlog; meanwhile the
        franchise's wallet takes them: the morning assignment cancels the
        opportunity and leaves the franchise's wallet as it is."""
        self.env["oto.seller"].search([("company_id", "=", self.company.id)]).write(
            {"active": False}
        )
        response = self._post(
            self._payload(customer={"name": "Rita Alves", "phone": "+5531987004455"})
        )
        self.assertEqual(response.status_code, 201, response.text)
        waiting = self.env["oto.suggestion"].browse(response.json()["id"])
        self.assertEqual(waiting.state, "backlog")
        customer = waiting.partner_id
        customer.company_id = False
        customer.oto_seller_id = self.seller_franchise
        self.seller_a1.active = True
        self.env["oto.suggestion"]._oto_assign_backlog(self.company, self.today)
        self.assertEqual(waiting.state, "cancelled")
        self.assertEqual(customer.oto_seller_id, self.seller_franchise)

    def test_an_opportunity_for_a_seller_on_a_day_off_waits_for_them(self):
        customer = self.env["res.partner"].create(
            {
                "name": "Helena Costa",
                "mobile": "+5511987001122",
                "company_id": self.company.id,
                "oto_seller_id": self.seller_a1.id,
            }
        )
        self.env["oto.seller.dayoff"].create(
            {
                "seller_id": self.seller_a1.id,
                "date_from": self.today,
                "date_to": self.today,
            }
        )
        response = self._post(
            self._payload(customer={"phone": "+5511987001122"}, idempotency_key="v1")
        )
        self.assertEqual(response.status_code, 201, response.text)
        waiting = self.env["oto.suggestion"].browse(response.json()["id"])
        self.assertEqual(
            (waiting.state, waiting.seller_id, waiting.partner_id),
            ("backlog", self.seller_a1, customer),
        )
        Suggestion = self.env["oto.suggestion"]
        # Not in her day while she is off.
        day = Suggestion.with_user(self.user_seller).get_seller_day()
        self.assertNotIn(
            waiting.id,
            [
                card["id"]
                for group in day.get("groups", [])
                for card in group["suggestions"]
            ],
        )
        self.assertEqual(Suggestion._oto_assign_backlog(self.company, self.today), 0)
        tomorrow = self.today + timedelta(days=1)
        self.assertEqual(Suggestion._oto_assign_backlog(self.company, tomorrow), 1)
        self.assertEqual(
            (waiting.state, waiting.seller_id, waiting.date),
            ("assigned", self.seller_a1, tomorrow),
        )
        # A manual suggestion made that day for another of her customers
        # waits as well.
        other = self.env["res.partner"].create(
            {
                "name": "Lucas Prado",
                "company_id": self.company.id,
                "oto_seller_id": self.seller_a1.id,
            }
        )
        manual = Suggestion.create(
            {
                "partner_id": other.id,
                "company_id": self.company.id,
                "type": "manual",
                "date": self.today,
            }
        )
        self.assertEqual(manual.state, "backlog")

    # -------------------------------------------------------- validation

    def test_validation_errors_name_fields_and_change_nothing(self):
        before = self._counts()
        cases = [
            ({k: v for k, v in self._payload().items() if k != "customer"}, "customer"),
            ({k: v for k, v in self._payload().items() if k != "type"}, "type"),
            ({k: v for k, v in self._payload().items() if k != "reason"}, "reason"),
            (self._payload(type="campaign"), "type"),
            (self._payload(priority=1), "priority"),
            (self._payload(deadline="amanhã"), "deadline"),
            (self._payload(deadline=str(self.today - timedelta(days=1))), "deadline"),
            (self._payload(customer={"cpf": "123"}), "customer.cpf"),
            (self._payload(customer={"document": "abc"}), "customer.document"),
            (self._payload(customer={"phone": 21987651234}), "customer.phone"),
            (self._payload(products=["NOPE-1"]), "products.0"),
            # Not found and no name: no half-made customer.
            (self._payload(customer={"email": "novo@example.com"}), "customer.name"),
        ]
        for payload, field in cases:
            with self.subTest(field=field):
                response = self._post(payload)
                self.assertEqual(response.status_code, 422, response.text)
                error = response.json()["error"]
                self.assertEqual(error["code"], "invalid")
                self.assertIn(field, error["fields"])
        self.assertEqual(self._counts(), before)

    def test_every_validator_message_is_translatable(self):
        table = self.env["oto.opportunity.api"]._field_messages()
        self.assertEqual(set(table), set(MESSAGES))

    def test_malformed_payloads_never_answer_500(self):
        before = self._counts()
        valid = self._payload()
        bad_values = [
            None,
            True,
            0,
            -1,
            1.5,
            "",
            " ",
            "x" * 3000,
            [],
            [None],
            {},
            {"a": 1},
            "2026-02-30",
            "\u0000",
            "DROP TABLE res_partner;",
            "<script>alert(1)</script>",
            1e308,
            {"$gt": ""},
            ["VEST-001", 1],
            "null",
        ]
        payloads = []
        for field, value in itertools.product(
            [*valid, "customer.name", "customer.email", "customer.phone"], bad_values
        ):
            payload = json.loads(json.dumps(valid))
            if field.startswith("customer."):
                payload["customer"] = {"email": "x@example.com"}
                payload["customer"][field.split(".")[1]] = value
            else:
                payload[field] = value
            payloads.append(json.dumps(payload))
        payloads += [json.dumps(value) for value in bad_values]
        payloads += [
            "",
            "{",
            "nul",
            "[1, 2",
            "{'type': 'behavior'}",
            "NaN",
            '{"customer": }',
            b"\xff\xfe{",
            '{"type": "behavior", "type": 1}',
            "9" * 5000,
            json.dumps({"customer": {"phone": "1" * 300}}),
            json.dumps(self._payload(products=["VEST-001"] * 21)),
            "x" * (70 * 1024),
        ]
        self.assertGreaterEqual(len(payloads), 200)
        statuses = []
        for raw in payloads:
            response = self._post(
                None, raw=raw if isinstance(raw, bytes) else raw.encode()
            )
            statuses.append(response.status_code)
            self.assertLess(response.status_code, 500, (raw[:80], response.text))
            body = response.json()
            if response.status_code >= 400:
                self.assertIn("code", body["error"])
            else:
                # (A bad value in an optional field that is valid after all,
                # such as a message "DROP TABLE res_partner;".)
                self.assertEqual(response.status_code, 201)
                self.env["oto.suggestion"].browse(body["id"]).state = "expired"
        self.assertTrue({400, 413, 422} <= set(statuses))
        # Each created opportunity answered 201; nothing else was written.
        created = statuses.count(201)
        after = self._counts()
        self.assertEqual(after[1] - before[1], created)
        self.assertLessEqual(after[0] - before[0], created)

    # -------------------------------------------------------------- read

    def test_read_status_and_result(self):
        created = self._post(self._payload()).json()
        suggestion = self.env["oto.suggestion"].browse(created["id"])
        self.env["oto.contact"].with_company(self.company).create(
            {
                "company_id": self.company.id,
                "suggestion_id": suggestion.id,
                "partner_id": suggestion.partner_id.id,
                "seller_id": suggestion.seller_id.id,
                "channel": "whatsapp",
                "result": "positive",
            }
        )
        body = self._get(f"{URL}/{suggestion.id}").json()
        self.assertEqual(body["state"], suggestion.state)
        self.assertEqual(body["state"], "done")
        self.assertEqual(body["result"], "positive")
        self.assertEqual(
            [(c["channel"], c["reached"], c["result"]) for c in body["contacts"]],
            [("whatsapp", "yes", "positive")],
        )
        self.assertEqual(body["sales"], {"count": 0, "amount": 0.0})
        # Another integration's key does not see it.
        other = self.env["oto.api.key"].create(
            {"name": "Marketing", "company_id": self.company.id}
        )
        other_token = self._generate(other)
        response = self._get(f"{URL}/{suggestion.id}", token=other_token)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"]["code"], "not_found")

    def test_results_by_type_for_this_key_only(self):
        """What the key's opportunities became, by type: an abandoned cart
        worked and bought from, a manual one still open; another key's and
        another period's are not in it; bad dates are named."""
        cart = self.env["oto.suggestion"].browse(
            self._post(self._payload()).json()["id"]
        )
        manual = self.env["oto.suggestion"].browse(
            self._post(
                self._payload(
                    type="manual",
                    customer={"name": "Joana Reis", "phone": "(21) 98765-4321"},
                )
            ).json()["id"]
        )
        self.env["oto.contact"].with_company(self.company).create(
            {
                "company_id": self.company.id,
                "suggestion_id": cart.id,
                "partner_id": cart.partner_id.id,
                "seller_id": cart.seller_id.id,
                "channel": "whatsapp",
                "result": "positive",
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": cart.partner_id.id,
                "company_id": self.company.id,
                "oto_seller_id": cart.seller_id.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 2,
                            "price_unit": 150,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        # Another key's opportunity, the same day.
        other = self.env["oto.api.key"].create(
            {"name": "Marketing", "company_id": self.company.id}
        )
        other_token = self._generate(other)
        self._post(
            self._payload(customer={"name": "Rita", "phone": "(21) 98765-0000"}),
            token=other_token,
        )
        response = self._get(f"{BASE}/results")
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["date_to"], str(self.today))
        self.assertEqual(body["date_from"], str(self.today - timedelta(days=29)))
        self.assertEqual(body["currency"], self.company.currency_id.name)
        types = {row["type"]: row for row in body["types"]}
        self.assertEqual(list(types), ["manual", "behavior"])
        self.assertEqual(
            {
                kind: (r["opportunities"], r["open"], r["done"], r["positive"])
                for kind, r in types.items()
            },
            {"manual": (1, 1, 0, 0), "behavior": (1, 0, 1, 1)},
        )
        self.assertEqual(types["behavior"]["sales"], {"count": 1, "amount": 300.0})
        self.assertEqual(types["manual"]["sales"], {"count": 0, "amount": 0.0})
        self.assertEqual(body["total"]["opportunities"], 2)
        self.assertEqual(body["total"]["sales"], {"count": 1, "amount": 300.0})
        self.assertFalse(manual.contact_ids)
        # The other key sees its one opportunity only.
        theirs = self._get(f"{BASE}/results", token=other_token).json()
        self.assertEqual(theirs["total"]["opportunities"], 1)
        self.assertEqual(theirs["total"]["sales"]["count"], 0)
        # A period before them: nothing.
        before = self.today - timedelta(days=40)
        empty = self._get(
            f"{BASE}/results?date_from={before}&date_to={before + timedelta(days=5)}"
        ).json()
        self.assertEqual((empty["types"], empty["total"]["opportunities"]), ([], 0))
        # Bad input, named.
        for query, field in (
            ("date_from=2026-13-01", "date_from"),
            ("date_to=yesterday", "date_to"),
            ("date_from=2026-11-01T00:00", "date_from"),
            (
                f"date_from={self.today}&date_to={self.today - timedelta(days=1)}",
                "date_from",
            ),
            (f"date_from={self.today - timedelta(days=400)}", "date_from"),
        ):
            response = self._get(f"{BASE}/results?{query}")
            self.assertEqual(response.status_code, 400, query)
            self.assertIn(field, response.json()["error"]["fields"], query)
        # Without a key: 401; another method: 405.
        with mute_logger("odoo.http", "odoo.addons.oto_crm.controllers.api"):
            self.assertEqual(self.url_open(f"{BASE}/results").status_code, 401)
            response = self.url_open(f"{BASE}/results", data="{}")
        self.assertEqual(response.status_code, 405)

    def test_openapi_document_is_served(self):
        response = self.url_open("/oto/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        spec = response.json()
        self.assertEqual(spec["openapi"], "3.0.3")
        self.assertTrue(spec["servers"][0]["url"].endswith("/oto/api/v1"))
        self.assertIn("/opportunities", spec["paths"])


@tagged("post_install", "-at_install", "oto_crm")
class TestPurchasesFeed(OpportunityApiCommon):
    """Purchases from another system in batches, each answered on its own,
    written as the onboarding import writes them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_1.ref = "CLI-001"
        cls.customer_2.ref = "CLI-002"
        # The franchise's customer with the same code: never this key's.
        cls.env["res.partner"].create(
            {"name": "Outra", "ref": "CLI-003", "company_id": cls.other_company.id}
        )

    def _send(self, payload, token=None, lang=None):
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token or self.token}",
        }
        if lang:
            headers["Accept-Language"] = lang
        with mute_logger("odoo.http", "odoo.addons.oto_crm.controllers.api"):
            return self.url_open(
                f"{BASE}/purchases", data=json.dumps(payload), headers=headers
            )

    def _purchase(self, **overrides):
        purchase = {
            "id": "ECOM-1001",
            "date": "2026-11-20T14:30:00-03:00",
            "customer": "CLI-001",
            "store": "T-SP1",
            "seller": "A1",
            "channel": "store",
            "lines": [
                {"product": "VEST-001", "quantity": 2, "unit_price": 199.9},
                {"product": "VEST-001", "quantity": 1, "unit_price": 99.5},
            ],
        }
        purchase.update(overrides)
        return purchase

    def _external(self, reference):
        return self.env["oto.external.purchase"].search(
            [("external_id", "=", reference), ("company_id", "=", self.company.id)]
        )

    def test_a_batch_each_answered_on_its_own(self):
        batch = {
            "purchases": [
                self._purchase(),
                # Online, no lines: its total.
                self._purchase(
                    id="ECOM-1002",
                    customer="CLI-002",
                    store=None,
                    seller=None,
                    channel="online",
                    total=350,
                    lines=[],
                    date="2026-11-21T10:00:00Z",
                ),
                # Another company's customer code: unknown here.
                self._purchase(id="ECOM-1003", customer="CLI-003"),
                # A line of an unknown shape, a bad date: the item alone.
                self._purchase(
                    id="ECOM-1004",
                    date="20/11/2026",
                    lines=[{"product": "VEST-001", "quantity": -1, "color": "azul"}],
                ),
            ]
        }
        response = self._send(batch)
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(
            (body["received"], body["accepted"], body["invalid"], body["created"]),
            (4, 2, 2, 2),
        )
        results = body["results"]
        self.assertEqual(
            [(r["index"], r["id"], r["status"]) for r in results],
            [
                (0, "ECOM-1001", "ok"),
                (1, "ECOM-1002", "ok"),
                (2, "ECOM-1003", "invalid"),
                (3, "ECOM-1004", "invalid"),
            ],
        )
        self.assertEqual(list(results[2]["errors"]), ["customer"])
        self.assertEqual(
            set(results[3]["errors"]),
            {"date", "lines.0.quantity", "lines.0.color"},
        )
        first = self._external("ECOM-1001")
        self.assertEqual(first.partner_id, self.customer_1)
        self.assertEqual(
            (first.store_id, first.seller_id), (self.store_a, self.seller_a1)
        )
        self.assertAlmostEqual(first.amount_total, 2 * 199.9 + 99.5)
        self.assertEqual(len(first.line_ids), 2)
        self.assertEqual(first.line_ids.product_id, self.product)
        # 14:30 in São Paulo is 17:30 UTC; 10:00 UTC stays 10:00 UTC.
        self.assertEqual(str(first.date_order), "2026-11-20 17:30:00")
        second = self._external("ECOM-1002")
        self.assertEqual((second.channel, second.amount_total), ("online", 350))
        self.assertEqual(str(second.date_order), "2026-11-21 10:00:00")
        self.assertFalse(self._external("ECOM-1003") | self._external("ECOM-1004"))
        # They count as the customer's purchases, like sale orders.
        self.assertIn(
            "ECOM-1001",
            self.env["oto.purchase"]
            .search([("partner_id", "=", self.customer_1.id)])
            .mapped("reference"),
        )
        # Sent again (a retry): nothing new; a changed total: updated.
        again = self._send(batch).json()
        self.assertEqual((again["created"], again["updated"]), (0, 0))
        self.assertEqual(again["unchanged"], 2)
        batch["purchases"][1]["total"] = 400
        changed = self._send(batch).json()
        self.assertEqual((changed["created"], changed["updated"]), (0, 1))
        self.assertEqual(self._external("ECOM-1002").amount_total, 400)
        self.assertEqual(
            self.env["oto.external.purchase"].search_count(
                [("external_id", "like", "ECOM-%")]
            ),
            2,
        )

    def test_bad_batches_are_refused_whole_in_the_callers_language(self):
        if not self.env["res.lang"]._lang_get("pt_BR"):
            self.env["res.lang"].sudo()._activate_lang("pt_BR")
            self.env["ir.module.module"].sudo().search(
                [("name", "=", "oto_crm")]
            )._update_translations("pt_BR")
        before = self.env["oto.external.purchase"].search_count([])
        for payload in (
            {},
            {"purchases": []},
            {"purchases": "x"},
            {"purchases": [self._purchase()], "other": 1},
            {"purchases": [self._purchase(id=f"P{n}") for n in range(1001)]},
        ):
            response = self._send(payload, lang="pt-BR")
            self.assertEqual(
                response.status_code,
                422,
                payload if len(str(payload)) < 300 else "1001",
            )
            self.assertEqual(
                response.json()["error"]["fields"]["purchases"],
                "informe uma lista de 1 a 1000 compras",
            )
        # The same purchase twice in one batch: the second is refused.
        body = self._send(
            {"purchases": [self._purchase(), self._purchase()]}, lang="pt-BR"
        ).json()
        self.assertEqual([r["status"] for r in body["results"]], ["ok", "invalid"])
        self.assertEqual(
            body["results"][1]["errors"]["id"], "a mesma compra duas vezes no lote"
        )
        self.assertEqual(self.env["oto.external.purchase"].search_count([]), before + 1)

    def test_only_a_brand_admins_key_feeds_purchases(self):
        seller_key = self.env["oto.api.key"].create(
            {
                "name": "Vendedor",
                "company_id": self.company.id,
                "user_id": self.user_seller.id,
            }
        )
        response = self._send(
            {"purchases": [self._purchase()]}, token=self._generate(seller_key)
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["error"]["code"], "forbidden")
        self.assertFalse(self._external("ECOM-1001"))
        # Without a key, nothing either.
        with mute_logger("odoo.http", "odoo.addons.oto_crm.controllers.api"):
            response = self.url_open(
                f"{BASE}/purchases",
                data=json.dumps({"purchases": [self._purchase()]}),
                headers={"Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self._external("ECOM-1001"))
