# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every event reaches its number's account; nothing signed is lost; the
same callbacks, twice and in any order, end in the same state."""

import json
import os
import uuid
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.oto_whatsapp_message import OtoWhatsappMessage
from ..tools.fake_graph import (
    build_inbound_payload,
    build_phone_quality_payload,
    build_status_payload,
    build_template_quality_payload,
    build_template_status_payload,
)
from .common import SECRET, WhatsappCommon

LOGGERS = (
    "odoo.addons.oto_crm_whatsapp.controllers.main",
    "odoo.addons.oto_crm_whatsapp.models.oto_whatsapp_webhook",
    "odoo.addons.oto_crm_whatsapp.models.oto_whatsapp_account",
)
SECOND_NUMBER = "100200300402"
CORPUS_PATH = os.path.join(os.path.dirname(__file__), "meta_webhook_corpus.json")


class RoutingCommon(WhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A second number of the same Meta app: the same secret signs both.
        cls.second = cls.env["oto.whatsapp.account"].create(
            {
                "name": "Aurora Ipanema",
                "phone_number_id": SECOND_NUMBER,
                "business_account_id": cls.graph.waba_id,
                "access_token": "EAAG-second",
                "app_secret": SECRET,
            }
        )

    def _out(self, partner, account=None, **values):
        return self.env["oto.whatsapp.message"].create(
            {
                "account_id": (account or self.account).id,
                "partner_id": partner.id,
                "phone": partner.oto_phone_e164,
                "body": "Oi Maria! A coleção chegou.",
                "state": "sent",
                "meta_id": f"wamid.{uuid.uuid4().hex}",
                **values,
            }
        )

    def _post(self, payload):
        with mute_logger(*LOGGERS):
            return self._hook("post_payload", payload)

    def _kept(self, **domain):
        return self.env["oto.whatsapp.event"].search(
            [(key, "=", value) for key, value in domain.items()]
        )


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWebhookRouting(RoutingCommon):
    def test_each_number_of_a_shared_app_gets_its_events(self):
        first = self._out(self.maria)
        second = self._out(self.joana, account=self.second)
        payload = build_status_payload(
            self.account.phone_number_id, first.meta_id, "read", "5511987654321"
        )
        other = build_status_payload(
            SECOND_NUMBER, second.meta_id, "delivered", "5511977771111"
        )
        payload["entry"].append(other["entry"][0])
        inbound = build_inbound_payload(SECOND_NUMBER, "5511977771111", "SAIR")
        payload["entry"].append(inbound["entry"][0])
        self.assertEqual(self._post(payload), 200)
        self.assertEqual(first.state, "read")
        self.assertEqual(second.state, "delivered")
        # The second number's opt-out and reply land on its account.
        received = self.env["oto.whatsapp.message"].search(
            [("direction", "=", "in"), ("partner_id", "=", self.joana.id)]
        )
        self.assertEqual(received.account_id, self.second)
        self.assertTrue(self.joana.oto_optout_whatsapp)

    def test_one_account_never_decides_about_another(self):
        """A message id known on one number does not silence another
        number's message (its replay check is its own); a reaction shows
        the text of the customer's own conversation only."""
        known = self._out(self.joana, account=self.second, body="Só da Joana")
        payload = build_inbound_payload(
            self.account.phone_number_id,
            "5511987654321",
            "Oi, tem no M?",
            message_id=known.meta_id,
        )
        self.assertEqual(self._post(payload), 200)
        received = self.env["oto.whatsapp.message"].search(
            [("direction", "=", "in"), ("partner_id", "=", self.maria.id)]
        )
        self.assertEqual(received.account_id, self.account)
        self.assertEqual(received.body, "Oi, tem no M?")
        # The same delivery again: a replay on this account, kept once.
        self.assertEqual(self._post(payload), 200)
        self.assertEqual(
            self.env["oto.whatsapp.message"].search_count(
                [("direction", "=", "in"), ("partner_id", "=", self.maria.id)]
            ),
            1,
        )
        # Maria reacts to the id of Joana's message: nothing of it shown.
        reaction = build_inbound_payload(
            self.account.phone_number_id, "5511987654321", ""
        )
        message = reaction["entry"][0]["changes"][0]["value"]["messages"][0]
        message.pop("text")
        message["type"] = "reaction"
        message["reaction"] = {"message_id": known.meta_id, "emoji": "\U0001f44d"}
        self.assertEqual(self._post(reaction), 200)
        bodies = " ".join(self.maria.message_ids.mapped("body"))
        self.assertIn("\U0001f44d", bodies)
        self.assertNotIn("Só da Joana", bodies)

    def test_an_event_that_fails_is_kept_and_the_others_applied(self):
        first, second = self._out(self.maria), self._out(self.joana)
        number = self.account.phone_number_id
        payload = build_status_payload(number, first.meta_id, "read", "5511987654321")
        other = build_status_payload(number, second.meta_id, "read", "5511977771111")
        value = payload["entry"][0]["changes"][0]["value"]
        value["statuses"] += other["entry"][0]["changes"][0]["value"]["statuses"]
        original = OtoWhatsappMessage._apply_status

        def failing(message, event):
            if message == first:
                raise RuntimeError("a broken status")
            return original(message, event)

        with patch.object(OtoWhatsappMessage, "_apply_status", failing):
            self.assertEqual(self._post(payload), 200)
        self.assertEqual((first.state, second.state), ("sent", "read"))
        [kept] = self._kept(state="failed")
        self.assertIn("a broken status", kept.error)
        self.assertEqual(kept.meta_message_id, first.meta_id)
        # Fixed, it applies.
        kept.action_apply_again()
        self.assertEqual((kept.state, first.state), ("applied", "read"))

    def test_an_unknown_number_is_kept_and_applied_once_its_account_exists(self):
        third = "100200300403"
        message_id = f"wamid.{uuid.uuid4().hex}"
        payload = build_inbound_payload(
            third, "5511966662222", "Oi, é da loja?", message_id=message_id
        )
        self.assertEqual(self._post(payload), 200)
        kept = self._kept(phone_number_id=third)
        self.assertEqual((kept.kind, kept.state), ("message", "unroutable"))
        self.assertFalse(kept.account_id)
        self.assertIn("Oi, é da loja?", kept.payload)
        account = self.env["oto.whatsapp.account"].create(
            {
                "name": "Aurora Savassi",
                "phone_number_id": third,
                "business_account_id": self.graph.waba_id,
                "app_secret": SECRET,
            }
        )
        kept.action_apply_again()
        self.assertEqual(kept.state, "applied")
        received = self.env["oto.whatsapp.message"].search(
            [("meta_id", "=", message_id)]
        )
        self.assertEqual(
            (received.account_id, received.partner_id), (account, self.optout)
        )

    def test_a_signed_delivery_is_never_refused_and_nothing_in_it_lost(self):
        message = self._out(self.maria)
        good = build_status_payload(
            self.account.phone_number_id, message.meta_id, "delivered", "5511987654321"
        )
        value = good["entry"][0]["changes"][0]["value"]
        # WhatsApp Web's interactive without its object, a username-only
        # sender, and an item Meta never documented.
        value["messages"] = [
            {
                "from": "5511987654321",
                "id": "wamid.WEB1",
                "timestamp": "1739321024",
                "type": "interactive",
            },
            {
                "from_user_id": "BR.1502576394655843",
                "id": "wamid.USR1",
                "timestamp": "1739321024",
                "type": "text",
                "text": {"body": "Oi"},
            },
            {"id": "wamid.BAD1", "type": "text"},
        ]
        value["contacts"] = [
            {
                "profile": {"name": "Bia", "username": "bia.moda"},
                "user_id": "BR.1502576394655843",
            }
        ]
        self.assertEqual(self._post(good), 200)
        self.assertEqual(message.state, "delivered")
        web = self.env["oto.whatsapp.message"].search([("meta_id", "=", "wamid.WEB1")])
        self.assertEqual((web.partner_id, web.kind), (self.maria, "interactive"))
        bia = self.env["oto.whatsapp.message"].search([("meta_id", "=", "wamid.USR1")])
        self.assertEqual(bia.partner_id.name, "Bia")
        self.assertEqual(bia.partner_id.oto_whatsapp_user_id, "BR.1502576394655843")
        self.assertFalse(bia.partner_id.mobile)
        [kept] = self._kept(state="unparseable")
        self.assertIn("messages[2]", kept.path)
        self.assertEqual(json.loads(kept.payload), {"id": "wamid.BAD1", "type": "text"})
        self.assertEqual(kept.account_id, self.account)
        # Bia writes again: found by her user ID, no second customer.
        again = build_inbound_payload(self.account.phone_number_id, "1", "De novo")
        again_value = again["entry"][0]["changes"][0]["value"]
        again_value["messages"][0].pop("from")
        again_value["messages"][0]["from_user_id"] = "BR.1502576394655843"
        again_value["contacts"] = [
            {"profile": {"name": "Bia"}, "user_id": "BR.1502576394655843"}
        ]
        self._post(again)
        self.assertEqual(
            self.env["oto.whatsapp.message"]
            .search([("sender_user_id", "=", "BR.1502576394655843")])
            .partner_id,
            bia.partner_id,
        )

    def test_a_forged_delivery_is_refused_and_nothing_kept(self):
        body = json.dumps(
            build_inbound_payload(self.account.phone_number_id, "5511987654321", "x")
        ).encode()
        with mute_logger(*LOGGERS):
            status = self._hook("post_raw", body, signature="sha256=" + "0" * 64)
        self.assertEqual(status, 403)
        self.assertFalse(self.env["oto.whatsapp.event"].search_count([]))
        self.assertFalse(
            self.env["oto.whatsapp.message"].search_count([("direction", "=", "in")])
        )

    def test_template_events_apply_in_the_order_meta_issued_them(self):
        template = self._approved()
        template.meta_id = "594425479261596"

        def event(kind, time):
            return build_template_status_payload(
                self.graph.waba_id,
                "nova_colecao",
                "pt_BR",
                kind,
                template_id="594425479261596",
                time=time,
            )

        self._post(event("PAUSED", 1000))
        self.assertEqual(template.status, "paused")
        self._post(event("REINSTATED", 2000))
        self.assertEqual(template.status, "approved")
        # The pause again (a replay) or an older event: nothing changes.
        self._post(event("PAUSED", 1000))
        self._post(event("DISABLED", 1500))
        self.assertEqual(template.status, "approved")
        self.assertEqual(template.meta_status_time, 2000)
        quality = build_template_quality_payload(
            self.graph.waba_id,
            "nova_colecao",
            "pt_BR",
            "RED",
            template_id="594425479261596",
            time=3000,
        )
        self._post(quality)
        older = build_template_quality_payload(
            self.graph.waba_id,
            "nova_colecao",
            "pt_BR",
            "GREEN",
            template_id="594425479261596",
            time=2500,
        )
        self._post(older)
        self.assertEqual(template.quality, "red")

    def test_number_quality_shows_on_the_account(self):
        self.account.display_phone = "+55 11 4000-0000"
        flagged = build_phone_quality_payload(
            self.graph.waba_id, "551140000000", "FLAGGED", "TIER_1K", time=1000
        )
        self.assertEqual(self._post(flagged), 200)
        self.assertIn("flagged", self.account.quality_event)
        self.assertEqual(self.account.messaging_limit, "TIER_1K")
        self.assertIn("flagged", self.account.message_ids[0].body)
        self.assertFalse(self.second.quality_event)
        older = build_phone_quality_payload(
            self.graph.waba_id, "551140000000", "UPGRADE", "TIER_10K", time=900
        )
        self._post(older)
        self.assertEqual(self.account.messaging_limit, "TIER_1K")

    def test_the_service_window_is_per_number_and_customer(self):
        self._hook("post_inbound", "5511987654321", "Oi")
        self.assertTrue(self.maria._oto_whatsapp_window_open(self.account))
        self.assertFalse(self.maria._oto_whatsapp_window_open(self.second))
        self.assertFalse(self.joana._oto_whatsapp_window_open(self.account))

    def test_a_changed_number_is_proposed_for_a_person_to_confirm(self):
        payload = build_inbound_payload(
            self.account.phone_number_id, "5511987654321", "x"
        )
        payload["entry"][0]["changes"][0]["value"]["messages"][0].update(
            type="system",
            system={
                "body": "User Maria changed from 5511987654321 to 5511912345678",
                "wa_id": "5511912345678",
                "type": "user_changed_number",
            },
        )
        payload["entry"][0]["changes"][0]["value"]["messages"][0].pop("text")
        self._post(payload)
        self.assertEqual(self.maria.oto_whatsapp_new_number, "+5511912345678")
        # Not changed behind anyone's back.
        self.assertEqual(self.maria.oto_phone_e164, "+5511987654321")
        activity = self.maria.activity_ids
        self.assertEqual(activity.user_id, self.seller_user)
        self.assertIn("+5511912345678", activity.summary)
        self.maria.with_user(self.seller_user).action_oto_whatsapp_use_new_number()
        self.assertEqual(self.maria.oto_phone_e164, "+5511912345678")
        self.assertFalse(self.maria.oto_whatsapp_new_number)

    def test_a_long_text_is_shortened_on_the_chatter_and_attached_whole(self):
        text = "Oi! " * 250_000
        status, message_id = self._hook("post_inbound", "5511987654321", text)
        self.assertEqual(status, 200)
        received = self.env["oto.whatsapp.message"].search(
            [("meta_id", "=", message_id)]
        )
        self.assertEqual(len(received.body), 4096)
        note = self.maria.message_ids.filtered(lambda m: "whole text" in (m.body or ""))
        self.assertLess(len(note.body), 3000)
        [attachment] = note.attachment_ids
        self.assertEqual(attachment.raw.decode(), text)


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWebhookCorpus(RoutingCommon):
    """Each payload of Meta's webhook reference, signed and posted: 200, and
    what it carries where it belongs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with open(CORPUS_PATH, encoding="utf-8") as fh:
            cls.corpus = json.load(fh)
        cls.doc_account = cls.env["oto.whatsapp.account"].create(
            {
                "name": "Meta's example number",
                "phone_number_id": cls.corpus["phone_number_id"],
                "business_account_id": cls.corpus["waba_id"],
                "display_phone": cls.corpus["display_phone_number"],
                "app_secret": SECRET,
            }
        )
        cls.sheena = cls.env["res.partner"].create(
            {
                "name": "Sheena Nelson",
                "mobile": "+55 11 98765-0101",
                "oto_seller_id": cls.seller.id,
            }
        )

    def _payload(self, entry):
        text = json.dumps(entry["payload"], ensure_ascii=False)
        return json.loads(text.replace("{LONG_TEXT}", "Oi! " * 250_000))

    def test_every_documented_shape(self):
        for entry in self.corpus["payloads"]:
            with self.subTest(entry["name"]):
                self.env.cr.execute("SAVEPOINT corpus")
                try:
                    self._check(entry)
                finally:
                    self.env.cr.execute("ROLLBACK TO SAVEPOINT corpus")
                    self.env.invalidate_all()

    def _check(self, entry):
        expect = entry["expect"]
        account = self.doc_account
        Message = self.env["oto.whatsapp.message"]
        out = Message.create(
            {
                "account_id": account.id,
                "partner_id": self.sheena.id,
                "phone": "+5511987650101",
                "body": "Oi Sheena, chegou a coleção!",
                "state": "sent",
                "meta_id": "wamid.OUT1",
            }
        )
        lost = Message.create(
            {
                "account_id": account.id,
                "partner_id": self.sheena.id,
                "phone": "+5511987650101",
                "body": "Oi",
                "state": "unknown",
                "callback_ref": "oto-corpus-lost",
            }
        )
        template = self.env["oto.whatsapp.template"].create(
            {
                "name": "nova_colecao",
                "account_id": account.id,
                "body": "Oi!",
                "status": "approved",
            }
        )
        partners_before = self.env["res.partner"].search([]).ids
        self.assertEqual(self._post(self._payload(entry)), 200)
        inbound = [e for e in expect["events"] if e["type"] == "InboundMessage"]
        if "message" in expect:
            item_id = self._first_message_id(entry)
            message = Message.search([("meta_id", "=", item_id)])
            self.assertTrue(message, item_id)
            for field, value in expect["message"].items():
                self.assertEqual(message[field], value, field)
        if "chatter" in expect:
            bodies = " ".join(
                (
                    self.sheena
                    | self.env["res.partner"].search(
                        [("id", "not in", partners_before)]
                    )
                ).message_ids.mapped("body")
            )
            self.assertIn(expect["chatter"], bodies.replace("&amp;", "&"))
        if "partner" in expect:
            for field, value in expect["partner"].items():
                self.assertEqual(self.sheena[field], value, field)
        if "new_partner" in expect:
            new = self.env["res.partner"].search([("id", "not in", partners_before)])
            for field, value in expect["new_partner"].items():
                self.assertEqual(new[field], value, field)
        if "status" in expect:
            self.assertEqual(out.state, expect["status"])
        if "status_by_callback" in expect:
            self.assertEqual(lost.state, expect["status_by_callback"])
            self.assertEqual(lost.meta_id, "wamid.LOST1")
        if "template" in expect:
            for field, value in expect["template"].items():
                self.assertEqual(template[field], value, field)
        if "account" in expect:
            self.assertEqual(
                account.messaging_limit, expect["account"]["messaging_limit"]
            )
            self.assertIn(
                expect["account"]["quality_event_contains"], account.quality_event
            )
        if "kept" in expect:
            kept = self._kept(**expect["kept"])
            self.assertTrue(kept, expect["kept"])
        if "kept_pending" in expect:
            self.assertEqual(len(self._kept(state="pending")), expect["kept_pending"])
        if inbound and "kept" not in expect:
            self.assertEqual(
                Message.search_count([("direction", "=", "in")]), len(inbound)
            )

    @staticmethod
    def _first_message_id(entry):
        value = entry["payload"]["entry"][0]["changes"][0]["value"]
        return value["messages"][0]["id"]


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWebhookOrder(RoutingCommon):
    """Each callback delivered twice and in any order ends in the state of
    each delivered once, in order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env["oto.whatsapp.template"].create(
            {
                "name": "nova_colecao",
                "account_id": cls.account.id,
                "body": "Oi!",
                "status": "approved",
                "meta_id": "594425479261596",
            }
        )
        cls.read_one = cls._sent_to(cls.maria, "wamid.ORDER1")
        cls.failed_one = cls._sent_to(cls.joana, "wamid.ORDER2")
        cls.lost_one = cls._sent_to(cls.no_city, False, state="unknown")
        waba, number = cls.graph.waba_id, cls.account.phone_number_id
        cls.account.display_phone = "+55 11 4000-0000"

        def status(message_id, status, recipient, **kwargs):
            return build_status_payload(
                number, message_id, status, recipient, waba_id=waba, **kwargs
            )

        cls.callbacks = [
            status("wamid.ORDER1", "sent", "5511987654321", timestamp=100),
            status("wamid.ORDER1", "delivered", "5511987654321", timestamp=101),
            status("wamid.ORDER1", "read", "5511987654321", timestamp=102),
            status("wamid.ORDER2", "sent", "5511977771111", timestamp=100),
            status(
                "wamid.ORDER2",
                "failed",
                "5511977771111",
                errors=[131026],
                timestamp=103,
            ),
            status(
                "wamid.ORDER3",
                "delivered",
                "5511955553333",
                timestamp=104,
                callback_data=cls.lost_one.callback_ref,
            ),
            build_inbound_payload(
                number,
                "5511987654321",
                "Adorei!",
                message_id="wamid.IN-ORDER",
                timestamp=105,
            ),
            build_template_status_payload(
                waba,
                "nova_colecao",
                "pt_BR",
                "PAUSED",
                template_id="594425479261596",
                time=1000,
            ),
            build_template_status_payload(
                waba,
                "nova_colecao",
                "pt_BR",
                "REINSTATED",
                template_id="594425479261596",
                time=2000,
            ),
            build_template_quality_payload(
                waba,
                "nova_colecao",
                "pt_BR",
                "YELLOW",
                template_id="594425479261596",
                time=1500,
            ),
            build_phone_quality_payload(
                waba, "551140000000", "FLAGGED", "TIER_1K", time=10
            ),
            build_phone_quality_payload(
                waba, "551140000000", "UNFLAGGED", "TIER_10K", time=20
            ),
        ]

    @classmethod
    def _sent_to(cls, partner, meta_id, state="sent"):
        return cls.env["oto.whatsapp.message"].create(
            {
                "account_id": cls.account.id,
                "partner_id": partner.id,
                "phone": partner.oto_phone_e164,
                "body": "Oi!",
                "state": state,
                "meta_id": meta_id,
            }
        )

    def _state(self):
        self.env.invalidate_all()
        messages = self.read_one | self.failed_one | self.lost_one
        return {
            "messages": [(m.state, m.meta_id, m.error_code) for m in messages],
            "received": self.env["oto.whatsapp.message"].search_count(
                [("direction", "=", "in")]
            ),
            "template": (self.template.status, self.template.quality),
            "account": (self.account.quality_event, self.account.messaging_limit),
            "joana": self.joana.oto_whatsapp_unavailable,
            "kept": self.env["oto.whatsapp.event"].search_count([]),
        }

    def _deliver(self, order):
        self.env.cr.execute("SAVEPOINT deliveries")
        try:
            for index in order:
                self.assertEqual(self._post(self.callbacks[index]), 200)
            return self._state()
        finally:
            self.env.cr.execute("ROLLBACK TO SAVEPOINT deliveries")
            self.env.invalidate_all()

    def test_in_order_once(self):
        state = self._deliver(range(len(self.callbacks)))
        self.assertEqual(
            state["messages"],
            [
                ("read", "wamid.ORDER1", 0),
                ("failed", "wamid.ORDER2", 131026),
                ("delivered", "wamid.ORDER3", 0),
            ],
        )
        self.assertEqual(state["template"], ("approved", "yellow"))
        self.assertEqual(state["received"], 1)
        self.assertTrue(state["joana"])
        self.assertEqual(state["kept"], 0)

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(order=st.permutations(list(range(12)) * 2))
    def test_twice_in_any_order(self, order):
        if not hasattr(self, "_reference"):
            type(self)._reference = self._deliver(range(len(self.callbacks)))
        self.assertEqual(self._deliver(order), self._reference)
