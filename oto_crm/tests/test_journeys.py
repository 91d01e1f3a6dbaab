# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The day of every login of the README, on the demo brand, on a phone.

Each test signs in as the README says (login, password), lands where that
person lands, does their daily work in the browser (tours in
``static/src/js/tours/oto_crm_journeys.js``) and checks what it left in the
database. They need the demo brand (demo data): without it they are skipped.

With ``OTO_SCREENSHOTS=<folder>`` in the environment the tours save the
README's pictures of each person's day there (``python3 -m
devtools.screenshots`` runs them so).
"""

import base64
import json
import os
import unittest
from contextlib import contextmanager
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from ..models.brand_time import brand_today
from .common import PhoneBrowserMixin

DEMO_PASSWORDS = {
    "admin": "admin",
    "marcos.lima": "Oto@demo2026",
    "ana.souza": "Oto@demo2026",
    "loja.sp01": "Oto@demo2026",
}
SHOT_PREFIX = "oto-screenshot:"
COMMAND_PREFIX = "oto-command:"


class JourneyCommon(PhoneBrowserMixin, HttpCase):
    """The demo brand's logins in pt_BR, and the tours' requests to the
    test: pictures for the README (``console.log("oto-screenshot:NAME")``)
    and, in ``browser_commands``, what only the browser's DevTools can do
    (``console.log("oto-command:NAME")``: cut the network, ask whether the
    app is installable...)."""

    # name: handler(test, browser, done): does the work, then done(answer).
    browser_commands = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            user.login: user
            for user in cls.env["res.users"].search(
                [("login", "in", list(DEMO_PASSWORDS))]
            )
        }
        cls.brand = cls.users.get("ana.souza", cls.env["res.users"]).company_id
        if len(cls.users) < len(DEMO_PASSWORDS) or not cls.brand:
            raise unittest.SkipTest("The journeys run on the demo brand (demo data).")
        # In Brazilian Portuguese, as ./oto demo installs it.
        if not cls.env["res.lang"]._lang_get("pt_BR"):
            cls.env["res.lang"]._activate_lang("pt_BR")
            cls.env["ir.module.module"].search(
                [("state", "=", "installed")]
            )._update_translations("pt_BR")
        for user in cls.users.values():
            user.lang = "pt_BR"
        cls.sellers = {
            seller.name: seller
            for seller in cls.env["oto.seller"].search(
                [("company_id", "=", cls.brand.id)]
            )
        }
        cls.today = brand_today(cls.env)

    def authenticate(self, user, password, browser=None):
        # The tours sign in with the README's passwords.
        return super().authenticate(
            user, DEMO_PASSWORDS.get(user, password), browser=browser
        )

    @contextmanager
    def _screenshots(self):
        """The tours ask for a picture with ``console.log("oto-screenshot:
        NAME")``; it is saved in $OTO_SCREENSHOTS (when set), then the page
        is told (``body[data-oto-shot=NAME]``) and the tour goes on. A
        command (``oto-command:NAME``) runs its handler, and the page is
        told with ``body[data-oto-command=NAME]`` (and the handler's answer
        in ``data-oto-answer``)."""
        folder = os.environ.get("OTO_SCREENSHOTS")
        original = ChromeBrowser._handle_console
        commands = self.browser_commands

        def handle_console(browser, *args_, args=None, **kwargs):
            # Chrome's console event: (type, args, stackTrace, ...)
            kind = args_[0] if args_ else kwargs.get("type")
            value = str((args and args[0].get("value")) or "")
            if kind == "log" and value.startswith(COMMAND_PREFIX):
                name = value[len(COMMAND_PREFIX) :]

                def done(answer=None):
                    data = json.dumps(json.dumps(answer))
                    mark = (
                        f"document.body.dataset.otoAnswer = {data};"
                        f"document.body.dataset.otoCommand = {json.dumps(name)};"
                    )
                    browser._websocket_send(
                        "Runtime.evaluate", params={"expression": mark}
                    )

                # Runs on the browser's receiving thread: the handlers send
                # DevTools commands without waiting for their answers.
                if name in commands:
                    commands[name](self, browser, done)
                else:  # NAME-ARGUMENT
                    key, argument = name.rsplit("-", 1)
                    commands[key](self, browser, done, argument)
                return None
            if kind != "log" or not value.startswith(SHOT_PREFIX):
                return original(browser, *args_, args=args, **kwargs)
            name = value[len(SHOT_PREFIX) :]

            def taken(future=None):
                if future is not None:
                    path = os.path.join(folder, f"{name}.png")
                    with open(path, "wb") as image:
                        image.write(base64.b64decode(future.result()["data"]))
                mark = f"document.body.dataset.otoShot = {json.dumps(name)}"
                browser._websocket_send("Runtime.evaluate", params={"expression": mark})

            if folder:
                browser._websocket_send(
                    "Page.captureScreenshot", with_future=True
                ).add_done_callback(taken)
            else:
                taken()

        with patch.object(ChromeBrowser, "_handle_console", handle_console):
            yield

    def _journey(self, tour, login):
        with self._screenshots():
            self.start_tour("/odoo", tour, login=login, timeout=180)

    def _contacts_today(self, seller):
        return self.env["oto.contact"].search(
            [
                ("seller_id", "=", seller.id),
                ("date", ">=", fields.Datetime.now().replace(hour=0, minute=0)),
            ]
        )

    def _open_suggestions(self, seller):
        return self.env["oto.suggestion"].search(
            [
                ("seller_id", "=", seller.id),
                ("state", "in", ("assigned", "in_progress")),
                ("campaign_id", "!=", False),
            ]
        )


@tagged("post_install", "-at_install", "oto_crm", "oto_tour")
class TestJourneys(JourneyCommon):
    def test_the_demo_brand_as_the_readme_says(self):
        """In reais, every README login on São Paulo time and in the brand's
        company; its point of sale sells the brand's products only."""
        self.assertEqual(self.brand.currency_id.name, "BRL")
        for user in self.users.values():
            self.assertEqual(user.tz, "America/Sao_Paulo", user.login)
            self.assertEqual(user.company_id, self.brand, user.login)
        self.assertEqual(self.brand.name, "Aurora Moda Ltda")
        # The brand's logo (login page, receipts), no public sign-up.
        self.assertFalse(self.brand.uses_default_logo)
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("auth_signup.invitation_scope"),
            "b2b",
        )
        login_page = self.url_open("/web/login").text
        self.assertNotIn("/web/signup", login_page)
        if "pos.config" not in self.env:
            return
        config = self.env["pos.config"].search(
            [("oto_store_id.company_id", "=", self.brand.id)]
        )
        self.assertEqual(config.mapped("name"), ["Aurora Jardins"])
        self.assertEqual(config.currency_id.name, "BRL")
        self.assertTrue(config.limit_categories)
        sold = self.env["product.product"].search(
            [
                ("available_in_pos", "=", True),
                ("pos_categ_ids", "in", config.iface_available_categ_ids.ids),
            ]
        )
        self.assertEqual(len(sold), 24)
        self.assertEqual(set(sold.categ_id.parent_id.mapped("name")), {"Aurora Moda"})

    def test_seller_journey(self):
        """Ana (her own login): her day in four taps, a customer of her
        wallet on her own initiative, her code, results and a past day."""
        ana = self.sellers["Ana Souza"]
        before = self._contacts_today(ana)
        suggested = self._open_suggestions(ana)
        self.assertTrue(suggested.recommendation_ids)
        self._journey("oto_crm_journey_seller", "ana.souza")
        contacts = self._contacts_today(ana) - before
        self.assertEqual(len(contacts), 2)
        worked, spontaneous = contacts.sorted("id")
        self.assertIn(worked.suggestion_id, suggested)
        self.assertEqual(worked.suggestion_id.state, "done")
        self.assertEqual((worked.reached, worked.result), ("yes", "positive"))
        self.assertEqual(worked.channel, "whatsapp")
        self.assertEqual(
            worked.product_ids, worked.suggestion_id.recommendation_ids.product_id
        )
        self.assertTrue(worked.message_sent)
        self.assertEqual(worked.partner_id.oto_quarantine_until > self.today, True)
        self.assertEqual(spontaneous.partner_id.oto_seller_id, ana)
        self.assertEqual(spontaneous.result, "neutral")
        self.assertIn(spontaneous.suggestion_id.type, ("contact", "segment"))

    def test_manager_journey(self):
        """Marcos (store manager): the store's sales from contacts, a locked
        seller unlocked, a new PIN, a day off from home, the ranking."""
        diego = self.sellers["Diego Santos"]
        diego.sudo().write({"pin_locked": True, "pin_failures": 5})
        self._journey("oto_crm_journey_manager", "marcos.lima")
        self.assertFalse(diego.pin_locked)
        bruno = self.sellers["Bruno Oliveira"]
        self.assertEqual(
            bruno.dayoff_ids.filtered(lambda d: d.note == "Consulta médica").mapped(
                "date_from"
            ),
            [self.today],
        )
        self.assertEqual(
            self.env["oto.audit"]
            .search(
                [
                    ("user_id", "=", self.users["marcos.lima"].id),
                    ("seller_id", "in", (diego | self.sellers["Camila Ferreira"]).ids),
                ],
                order="id",
            )
            .mapped("action"),
            ["pin_unlock", "pin_reset"],
        )

    def test_admin_journey(self):
        """The brand admin: every store's sales from contacts, then one
        store's team and ranking."""
        self._journey("oto_crm_journey_admin", "admin")

    def test_store_device_journey(self):
        """The store's shared device: Bruno picks his name, types his PIN,
        works his day in four taps, hands the device over."""
        bruno = self.sellers["Bruno Oliveira"]
        before = self._contacts_today(bruno)
        self.assertTrue(self._open_suggestions(bruno))
        self._journey("oto_crm_journey_store_device", "loja.sp01")
        (contact,) = self._contacts_today(bruno) - before
        self.assertEqual(contact.result, "positive")
        self.assertEqual(contact.suggestion_id.seller_id, bruno)
