# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The consent gate on every path that reaches a customer from WhatsApp and
the Point of Sale: whatever the customer's consent history, phone and
email, a customer who refused a channel is never reached on it (a receipt
by email excepted: refusing marketing emails is not refusing a receipt),
and one the rule allows is."""

import base64
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.oto_crm.tests.consent_states import (
    HISTORIES,
    apply_state,
    mass_email_reaches,
    refused,
    rolled_back,
)

from .common import PosWhatsappCommon

TICKET = base64.b64encode(b"<div>recibo</div>").decode()
_numbers = itertools.count(1)

STATES = st.fixed_dictionaries(
    {
        "history": HISTORIES,
        "phone": st.sampled_from(["valid", "none", "invalid"]),
        "email": st.booleans(),
        "blacklisted": st.booleans(),
        "archived": st.booleans(),
        "not_on_whatsapp": st.booleans(),
    }
)
PATHS = (
    "composer_single",
    "composer_mass",
    "queued_before",
    "pos_whatsapp_action",
    "pos_receipt_whatsapp",
    "pos_receipt_email",
    "pos_mass_email",
)


def expected(state, path):
    """The rule, from the gate's documentation, for each path."""
    out = refused(state["history"])
    if state["archived"]:
        return False
    whatsapp_ok = not out["whatsapp"] and not state["not_on_whatsapp"]
    if path in ("composer_single", "composer_mass", "pos_whatsapp_action"):
        return state["phone"] == "valid" and whatsapp_ok
    if path in ("queued_before", "pos_receipt_whatsapp"):
        # The message has its own number (typed at the counter for a
        # customer without one).
        return state["phone"] != "invalid" and whatsapp_ok
    if path == "pos_receipt_email":
        return True
    return state["email"] and not out["email"] and not state["blacklisted"]


@tagged("post_install", "-at_install", "oto_crm_pos_whatsapp")
class TestConsentOnEveryPath(PosWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config.open_ui()
        cls.companion = cls.env["res.partner"].create(
            {"name": "Companhia", "mobile": "+55 11 93333-0000", "city": "SP"}
        )

    def setUp(self):
        super().setUp()
        self.partner_template = self._approved()
        self.order_template = self._approved(
            name="oferta_loja",
            model_id=self.env.ref("point_of_sale.model_pos_order").id,
            phone_field="partner_id.mobile",
            allow_multi=True,
            body="Oi {{1}}! Obrigado pela compra.",
            variable_ids=[(0, 0, {"name": "1", "field_path": "partner_id.name"})],
        )
        self.receipt_template = self._approved(
            name="recibo_loja",
            category="utility",
            model_id=self.env.ref("point_of_sale.model_pos_order").id,
            phone_field="mobile",
            body="Obrigado pela compra {{1}}!",
            variable_ids=[(0, 0, {"name": "1", "field_path": "name"})],
        )
        self.config.write(
            {
                "oto_receipt_whatsapp": True,
                "oto_whatsapp_receipt_template_id": self.receipt_template.id,
            }
        )

    # ------------------------------------------------------------ helpers

    def _customer(self, state):
        number = next(_numbers)
        phone = f"+55119{number:08d}"
        values = {"name": f"Cliente {number}", "city": "São Paulo"}
        if state["phone"] != "none":
            values["mobile"] = phone
        if state["email"]:
            values["email"] = f"cliente{number}@example.com"
        customer = self.env["res.partner"].create(values)
        apply_state(customer, {**state, "archived": False})
        return customer, phone, f"cliente{number}@example.com"

    def _order(self, customer, email=None):
        order = self.env["pos.order"].create(
            {
                "session_id": self.config.current_session_id.id,
                "partner_id": customer.id,
                "amount_tax": 0.0,
                "amount_total": 100.0,
                "amount_paid": 100.0,
                "amount_return": 0.0,
                "state": "paid",
                "email": email or False,
            }
        )
        return order

    def _reached_by_whatsapp(self, phone):
        self._send_all()
        return phone.lstrip("+") in {m["to"] for m in self.graph.sent}

    def _compose(self, records, template):
        """Send ``template`` to ``records`` through the composer; False when
        it sends nothing."""
        action = self.env["oto.whatsapp.composer"]._open(records, template)
        composer = self.env["oto.whatsapp.composer"].browse(action["res_id"])
        try:
            composer.action_send()
        except UserError:
            return False
        return True

    def _reached(self, path, customer, phone, email):
        if path == "composer_single":
            self._compose(customer, self.partner_template)
            return self._reached_by_whatsapp(phone)
        if path == "composer_mass":
            self._compose(customer | self.companion, self.partner_template)
            return self._reached_by_whatsapp(phone)
        if path == "pos_whatsapp_action":
            self._compose(self._order(customer), self.order_template)
            return self._reached_by_whatsapp(phone)
        if path == "queued_before":
            return self._reached_by_whatsapp(phone)
        if path == "pos_receipt_whatsapp":
            try:
                self._order(customer).oto_send_receipt("whatsapp", phone, TICKET)
            except UserError:
                return False
            return self._reached_by_whatsapp(phone)
        if path == "pos_receipt_email":
            try:
                self._order(customer).oto_send_receipt(
                    "email", customer.email or email, TICKET
                )
            except UserError:
                return False
            return bool(
                self.env["mail.mail"].search_count(
                    [("email_to", "=", customer.email or email)]
                )
            )
        return mass_email_reaches(self._order(customer, customer.email))

    # --------------------------------------------------------------- test

    @settings(
        max_examples=50,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(state=STATES, path=st.sampled_from(PATHS))
    def test_no_refused_customer_is_reached_on_any_path(self, state, path):
        self.graph.reset()
        with rolled_back(self.env):
            if path == "queued_before":
                # Queued while they could be reached; their history, phone
                # and email change before the queue sends.
                customer, phone, email = self._customer(
                    {
                        **state,
                        "history": [],
                        "phone": "valid",
                        "archived": False,
                        "not_on_whatsapp": False,
                        "blacklisted": False,
                    }
                )
                self._compose(customer, self.partner_template)
                apply_state(customer, {**state, "blacklisted": False})
            else:
                customer, phone, email = self._customer(state)
                if state["archived"]:
                    customer.active = False
            reached = self._reached(path, customer, phone, email)
            out = refused(state["history"])
            if path != "pos_receipt_email":
                channel = "email" if path == "pos_mass_email" else "whatsapp"
                if out[channel]:
                    self.assertFalse(reached, f"{path} reached an opted-out customer")
            self.assertEqual(reached, expected(state, path), (path, state))
