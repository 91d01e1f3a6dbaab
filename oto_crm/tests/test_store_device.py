# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The store's shared device, through a real HTTP session: the store's
login, then a seller's (or a manager's) PIN, and the calls the phone screen
makes. Never through sudo."""

from odoo import http
from odoo.tests import tagged
from odoo.tools import mute_logger

from .access_world import PINS
from .test_access_matrix import AccessWorldCase, RpcRefused

ACCESS = "odoo.exceptions.AccessError"
# The seller whom the device's screen shows is no longer the one signed in.
ENDED = "odoo.addons.oto_crm.models.oto_access.OtoPinSessionEnded"


@tagged("post_install", "-at_install", "oto_crm")
class TestStoreDevice(AccessWorldCase):
    def setUp(self):
        super().setUp()
        self.sellers = self.w["sellers"]
        self.records = self.w["records"]
        # The world's contacts (two days ago) stay on the customers' files,
        # not on today's suggestions: these are still to work here.
        contacts = self.env["oto.contact"].concat(*self.records["oto.contact"].values())
        contacts.write({"suggestion_id": False})
        self.env["oto.suggestion"].concat(
            *self.records["oto.suggestion"].values()
        ).write({"state": "assigned"})
        self.authenticate("mx_store", "Acesso#Teste2026")

    def _pin(self, name):
        result = self.rpc(
            "oto.seller", "oto_pin_login", self.sellers[name].id, PINS[name]
        )
        self.assertTrue(result["ok"], result)
        return result

    def _day(self, **kwargs):
        return self.rpc("oto.suggestion", "get_seller_day", **kwargs)

    def _listed(self, day):
        return [
            s["name"] for group in day.get("groups", []) for s in group["suggestions"]
        ]

    def _refused(self, model, method, *args, error=ACCESS, **kwargs):
        with (
            mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"),
            self.assertRaises(RpcRefused) as caught,
        ):
            self.rpc(model, method, *args, **kwargs)
        self.assertEqual(caught.exception.name, error, str(caught.exception))
        return caught.exception

    def test_the_pin_seller_works_their_day(self):
        # Before the PIN: the store's people to choose from, nothing else.
        day = self._day(opening=True)
        self.assertFalse(day["seller"])
        self.assertTrue(day["pin_required"])
        # (Ana, Caio and Marcos sign in with their own logins, not here.)
        self.assertEqual(
            sorted(s["name"] for s in day["sellers"]), ["Bruno", "Mara", "Nina"]
        )
        self.assertEqual(
            [s["name"] for s in day["sellers"] if s["is_manager"]], ["Mara"]
        )
        self.assertEqual(self.rpc("oto.suggestion", "search_count", []), 0)
        self.assertEqual(
            self.rpc("res.partner", "search_count", [("name", "like", "Cliente de")]), 0
        )

        self._pin("bruno")
        # The PIN binds Bruno to this browser: the store login's session
        # cookie alone (copied before the PIN, or from another device)
        # identifies nobody.
        (pin_cookie,) = [c for c in self.opener.cookies if c.name == "oto_pin"]
        self.assertTrue(pin_cookie.value)
        self.opener.cookies.clear(pin_cookie.domain, pin_cookie.path, "oto_pin")
        self.assertFalse(self._day()["seller"])
        self.assertEqual(self.rpc("oto.suggestion", "search_count", []), 0)
        # (The same cookie back: the next PIN replaces it.)
        self.opener.cookies.set_cookie(pin_cookie)
        day = self._day()
        self.assertEqual(day["seller"]["name"], "Bruno")
        self.assertEqual(self._listed(day), ["Cliente de Bruno"])
        customer = self.records["res.partner"]["bruno"]
        profile = self.rpc("res.partner", "oto_get_profile", [customer.id])
        self.assertEqual(profile["name"], "Cliente de Bruno")
        self.assertEqual(profile["seller"], "Bruno")
        self.assertEqual(len(profile["purchases"]), 1)
        self.assertEqual([c["seller"] for c in profile["contacts"]], ["Bruno"])
        # The wallet, as the back office lists it: Bruno's.
        wallet = self.rpc(
            "res.partner",
            "search_read",
            [("oto_my_wallet", "=", True)],
            ["name"],
        )
        self.assertEqual([p["name"] for p in wallet], ["Cliente de Bruno"])
        # A colleague's customer is out of reach, through every call.
        colleague = self.records["res.partner"]["ana"]
        self._refused("res.partner", "oto_get_profile", [colleague.id])
        self._refused("res.partner", "read", [colleague.id], ["name"])
        self._refused("res.partner", "oto_add_note", [colleague.id], "Oi")
        self._refused(
            "oto.suggestion",
            "action_send",
            [self.records["oto.suggestion"]["ana"].id],
            "whatsapp",
        )

        # The outcome recorded on the device is Bruno's.
        suggestion = self.records["oto.suggestion"]["bruno"]
        self.rpc("oto.suggestion", "action_send", [suggestion.id], "whatsapp")
        contact_id = self.rpc(
            "oto.contact",
            "create",
            {
                "suggestion_id": suggestion.id,
                "partner_id": customer.id,
                "channel": "whatsapp",
                "reached": "yes",
                "result": "positive",
                "notes": "Vai passar na loja sábado",
            },
        )
        contact = self.env["oto.contact"].browse(contact_id)
        self.assertEqual(contact.seller_id, self.sellers["bruno"])
        self.assertEqual(suggestion.state, "done")
        day = self._day()
        done = [
            s
            for group in day["groups"]
            for s in group["suggestions"]
            if s["name"] == "Cliente de Bruno"
        ]
        self.assertEqual(
            [(s["open"], s["result"]) for s in done], [(False, "Positive")]
        )
        # A contact cannot be recorded in a colleague's name.
        self._refused(
            "oto.contact",
            "create",
            {
                "seller_id": self.sellers["ana"].id,
                "partner_id": colleague.id,
                "channel": "call",
                "reached": "yes",
            },
        )

        # Nor a colleague's suggestion closed through a contact of one's own.
        own_customer_contact = {
            "partner_id": customer.id,
            "seller_id": self.sellers["bruno"].id,
            "channel": "call",
            "reached": "no",
            "reason": "no_answer",
        }
        for name in ("ana", "carla"):
            self._refused(
                "oto.contact",
                "create",
                {
                    **own_customer_contact,
                    "suggestion_id": self.records["oto.suggestion"][name].id,
                },
            )
            self.assertEqual(self.records["oto.suggestion"][name].state, "assigned")
        # A note written on the device, with a follow-up: read through the
        # wallet, not by whoever holds the device next.
        self.rpc("res.partner", "oto_add_note", [customer.id], "Sigilo: presente")
        self.rpc(
            "oto.contact",
            "create",
            {**own_customer_contact, "followup_date": "2030-01-10", "notes": "Sigilo"},
        )

        # Nina takes the device: nothing of Bruno's is reachable any more.
        self.rpc("oto.seller", "oto_pin_logout")
        for model, domain in (
            ("mail.message", [("body", "ilike", "Sigilo")]),
            ("mail.activity", [("note", "ilike", "Sigilo")]),
            ("oto.consent", [("partner_id", "=", customer.id)]),
        ):
            with self.subTest(model=model):
                self.assertEqual(self.rpc(model, "search_count", domain), 0)
        self._pin("nina")
        day = self._day()
        self.assertEqual(self._listed(day), ["Cliente de Nina"])
        self._refused("res.partner", "oto_get_profile", [customer.id])
        self.assertEqual(
            self.rpc("oto.contact", "search_count", [("id", "=", contact_id)]), 0
        )
        self.assertEqual(
            self.rpc("oto.suggestion", "search_count", [("id", "=", suggestion.id)]),
            0,
        )
        # Idle longer than the brand allows: the PIN is asked again, and
        # Nina's customers are out of reach too.
        self.w["companies"]["A"].oto_pin_idle_minutes = 1
        stored = http.root.session_store.get(self.session.sid)
        stored["oto_seller_seen"] -= 120
        http.root.session_store.save(stored)
        self.assertFalse(self._day()["seller"])
        self._refused(
            "res.partner", "oto_get_profile", [self.records["res.partner"]["nina"].id]
        )
        self.assertEqual(self.rpc("oto.suggestion", "search_count", []), 0)

    def test_the_pin_manager_runs_the_store(self):
        bruno = self.sellers["bruno"]
        # Without a manager's PIN the device manages nothing.
        self._pin("bruno")
        self._refused("oto.seller", "get_team")
        self._refused("oto.seller", "oto_reset_pin", [bruno.id])
        self.rpc("oto.seller", "oto_pin_logout")

        result = self._pin("mara")
        self.assertTrue(result["seller"]["is_manager"])
        day = self._day()
        self.assertTrue(day["is_manager"])
        team = self.rpc("oto.seller", "get_team")
        self.assertEqual(
            sorted(s["name"] for s in team),
            ["Ana", "Bruno", "Caio", "Mara", "Marcos", "Nina"],
        )
        # Unlock and a new PIN, on the audit trail with Mara as the actor.
        bruno.sudo().write({"pin_locked": True, "pin_failures": 5})
        self.rpc("oto.seller", "action_unlock", [bruno.id])
        self.assertFalse(bruno.pin_locked)
        reset = self.rpc("oto.seller", "oto_reset_pin", [bruno.id])
        self.assertRegex(reset["pin"], r"^\d{6}$")
        audit = self.env["oto.audit"].search(
            [
                ("seller_id", "=", bruno.id),
                ("action", "in", ("pin_unlock", "pin_reset")),
            ]
        )
        self.assertEqual(set(audit.acting_seller_id.mapped("name")), {"Mara"})
        # A day off for a seller of the store; not for another store's.
        self.rpc(
            "oto.seller.dayoff",
            "create",
            {"seller_id": bruno.id, "date_from": "2030-01-02", "date_to": "2030-01-02"},
        )
        self._refused(
            "oto.seller.dayoff",
            "create",
            {
                "seller_id": self.sellers["carla"].id,
                "date_from": "2030-01-02",
                "date_to": "2030-01-02",
            },
        )
        # The store's day and results, not another store's.
        seen = self.rpc("oto.suggestion", "get_seller_day", seller_id=bruno.id)
        self.assertEqual(self._listed(seen), ["Cliente de Bruno"])
        self._refused(
            "oto.suggestion", "get_seller_day", seller_id=self.sellers["carla"].id
        )
        results = self.rpc("oto.result.day", "get_results", period="30d")
        self.assertEqual(
            sorted(r["name"] for r in results["ranking"]),
            ["Ana", "Bruno", "Caio", "Mara", "Marcos", "Nina"],
        )
        self.assertEqual([s["name"] for s in results["stores"]], ["Acesso Jardins"])
        self._refused("oto.seller", "action_unlock", [self.sellers["carla"].id])
        # A seller with a login of their own gets no PIN (nobody signs in as
        # them on the device).
        with (
            mute_logger("odoo.http"),
            self.assertRaisesRegex(RpcRefused, "own login"),
        ):
            self.rpc("oto.seller", "oto_reset_pin", [self.sellers["ana"].id])
        # A manager's PIN makes no brand admin: the seller's store, login,
        # code and role stay the brand's call.
        self._refused("oto.seller", "write", [bruno.id], {"is_manager": True})
        self._refused("oto.seller", "write", [bruno.id], {"code": "MX-X"})
        self._refused(
            "oto.seller", "write", [bruno.id], {"store_id": self.w["stores"]["S2"].id}
        )
        self._refused("oto.seller", "write", [bruno.id], {"pin_failures": 0})
        # Signed out, the device is back to the PIN screen and manages nothing.
        self.rpc("oto.seller", "oto_pin_logout")
        self._refused("oto.seller", "get_team")
        self._refused("oto.result.day", "get_results", period="30d")

    def test_the_screen_follows_the_sellers_turn(self):
        """The device's screen names the seller it shows in each call: once
        that seller's turn has ended (another PIN, sign-out, idle time), the
        call is refused as such (the screen goes back to the PIN) instead
        of answering with the next person's data or a misleading error."""
        self.w["companies"]["A"].oto_pin_idle_minutes = 5
        self._pin("bruno")
        bruno = self.sellers["bruno"]
        as_bruno = {"context": {"oto_pin_seller_id": bruno.id}}
        day = self._day(**as_bruno)
        self.assertEqual(day["pin_seller_id"], bruno.id)
        self.assertEqual(day["pin_idle_seconds"], 300)
        self.assertTrue(self.rpc("oto.seller", "oto_pin_touch", **as_bruno)["ok"])
        # Nina signs in (here, or Bruno's screen was left open meanwhile):
        # Bruno's screen gets no answer of Nina's, only "your turn ended".
        self._pin("nina")
        nina = self.sellers["nina"]
        for model, method, args in (
            ("oto.suggestion", "get_seller_day", []),
            ("oto.seller", "oto_pin_touch", []),
            (
                "oto.suggestion",
                "action_send",
                [[self.records["oto.suggestion"]["nina"].id], "whatsapp"],
            ),
            ("res.partner", "oto_search_wallet", []),
        ):
            with self.subTest(method=method):
                refused = self._refused(model, method, *args, error=ENDED, **as_bruno)
                self.assertIn("PIN", str(refused))
        self.assertEqual(self.records["oto.suggestion"]["nina"].state, "assigned")
        as_nina = {"context": {"oto_pin_seller_id": nina.id}}
        self.assertEqual(self._day(**as_nina)["seller"]["name"], "Nina")
        # Nina's screen kept alive by taps only (no other call): the idle
        # time counts from the last one.
        stored = http.root.session_store.get(self.session.sid)
        stored["oto_seller_seen"] -= 240
        http.root.session_store.save(stored)
        self.assertTrue(self.rpc("oto.seller", "oto_pin_touch", **as_nina)["ok"])
        stored = http.root.session_store.get(self.session.sid)
        stored["oto_seller_seen"] -= 240
        http.root.session_store.save(stored)
        self.assertEqual(self._day(**as_nina)["seller"]["name"], "Nina")
        # Idle longer than the brand allows: refused as ended, then the
        # device asks who is using it.
        stored = http.root.session_store.get(self.session.sid)
        stored["oto_seller_seen"] -= 301
        http.root.session_store.save(stored)
        self._refused("oto.seller", "oto_pin_touch", error=ENDED, **as_nina)
        day = self._day()
        self.assertFalse(day["seller"])
        self.assertFalse(day["pin_seller_id"])
        self.assertTrue(day["pin_required"])
        # Signed out: the same.
        self._pin("bruno")
        self.rpc("oto.seller", "oto_pin_logout")
        self._refused("oto.suggestion", "get_seller_day", error=ENDED, **as_bruno)

    def test_a_contact_kept_offline_is_sent_in_its_sellers_turn_only(self):
        """A contact Bruno recorded offline (its key kept on the phone) is
        refused as "turn ended" once Nina has the device, whatever the
        phone sends it as: nothing recorded for anyone; back in Bruno's turn
        it is recorded, once."""
        self._pin("bruno")
        bruno = self.sellers["bruno"]
        suggestion = self.records["oto.suggestion"]["bruno"]
        values = {
            "key": "bruno-offline-1",
            "channel": "call",
            "reached": "yes",
            "result": "positive",
        }
        self._pin("nina")
        with self.subTest("sent as Bruno's, in Nina's turn"):
            self._refused(
                "oto.suggestion",
                "oto_record_outcome",
                [suggestion.id],
                values,
                error=ENDED,
                context={"oto_pin_seller_id": bruno.id},
            )
        with self.subTest("sent as Nina's"):
            self._refused(
                "oto.suggestion",
                "oto_record_outcome",
                [suggestion.id],
                values,
                context={"oto_pin_seller_id": self.sellers["nina"].id},
            )
        self.assertFalse(suggestion.contact_ids)
        self._pin("bruno")
        for _attempt in range(2):
            self.rpc(
                "oto.suggestion",
                "oto_record_outcome",
                [suggestion.id],
                values,
                context={"oto_pin_seller_id": bruno.id},
            )
        self.assertEqual(len(suggestion.contact_ids), 1)
        self.assertEqual(suggestion.contact_ids.seller_id, bruno)
