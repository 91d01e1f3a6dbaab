# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL

from ..models.oto_consent import PHONE_CHANNELS
from ..models.oto_opportunity_api import OpportunityApiError
from .consent_states import (
    CHANNELS,
    HISTORIES,
    apply_state,
    mass_email_reaches,
    refused,
    rolled_back,
)
from .test_suggestions import NOW, SuggestionsCommon

_numbers = itertools.count(1)


def expected_allowed(state, channel, purpose):
    """The gate's rule, written from its documentation: what the property
    test holds the code to."""
    if state["archived"]:
        return False
    if channel in PHONE_CHANNELS:
        return state["phone"] == "valid" and not state["optout"][channel]
    if not state["email"]:
        return False
    if purpose == "transactional":
        return True
    return not state["optout"]["email"] and not state["blacklisted"]


STATES = st.fixed_dictionaries(
    {
        "history": HISTORIES,
        "phone": st.sampled_from(["valid", "none", "invalid"]),
        "email": st.booleans(),
        "blacklisted": st.booleans(),
        "archived": st.booleans(),
    }
)


class GateCommon(SuggestionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gate = cls.env["oto.consent.gate"]
        cls.seller_user = new_test_user(
            cls.env,
            "gate_seller",
            groups="oto_crm.oto_crm_group_seller",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.ana.user_id = cls.seller_user

    def _state_customer(self, state):
        """A customer in ``state``: consent history, phone, email."""
        number = next(_numbers)
        values = {"mobile": False}
        if state["phone"] != "none":
            values["mobile"] = f"+55119{number:08d}"
        if state["email"]:
            values["email"] = f"cliente{number}@example.com"
        customer = self._customer(f"Cliente {number}", self.ana, **values)
        apply_state(customer, state)
        state["optout"] = refused(state["history"])
        return customer


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestConsentGate(GateCommon):
    def test_reasons_per_state_channel_and_purpose(self):
        maria = self._customer(
            "Maria", self.ana, "+5511987650001", email="maria@example.com"
        )
        no_phone = self._customer("Sem telefone", self.ana, False)
        invalid = self._customer("Errado", self.ana, "+5511987650002")
        invalid._oto_mark_phone_invalid("não existe")
        stopped = self._customer(
            "Parou", self.ana, "+5511987650003", email="parou@example.com"
        )
        stopped._oto_set_consent(["whatsapp", "email"], False, "manager", "pediu")
        back = self._customer("Voltou", self.ana, "+5511987650004")
        back._oto_set_consent(["sms"], False, "manager", "pediu")
        back._oto_set_consent(["sms"], True, "pos", "aceitou de novo")
        archived = self._customer("Arquivada", self.ana, "+5511987650005")
        archived.active = False
        customers = maria | no_phone | invalid | stopped | back | archived
        table = {
            ("whatsapp", "marketing"): {
                no_phone: "no valid phone number",
                invalid: "number marked invalid",
                stopped: "asked not to receive WhatsApp messages",
                archived: "archived",
            },
            ("sms", "marketing"): {
                no_phone: "no valid phone number",
                invalid: "number marked invalid",
                archived: "archived",
            },
            ("whatsapp", "transactional"): {
                no_phone: "no valid phone number",
                invalid: "number marked invalid",
                stopped: "asked not to receive WhatsApp messages",
                archived: "archived",
            },
            ("email", "marketing"): {
                no_phone: "no email address",
                invalid: "no email address",
                stopped: "refused marketing emails",
                back: "no email address",
                archived: "archived",
            },
            # A receipt by email is not a marketing email.
            ("email", "transactional"): {
                no_phone: "no email address",
                invalid: "no email address",
                back: "no email address",
                archived: "archived",
            },
        }
        for (channel, purpose), refusals in table.items():
            with self.subTest(channel=channel, purpose=purpose):
                self.assertEqual(
                    self.gate._refusals(customers, channel, purpose), refusals
                )
                self.assertEqual(
                    self.gate._allowed(customers, channel, purpose),
                    customers.filtered(lambda c, r=refusals: c not in r),
                )
        # Odoo's own email blacklist is a refusal of marketing emails.
        self.env["mail.blacklist"]._add("maria@example.com")
        self.assertEqual(
            self.gate._refusals(maria, "email", "marketing"),
            {maria: "on the email blacklist"},
        )
        self.assertFalse(self.gate._refusals(maria, "email", "transactional"))
        with self.assertRaisesRegex(
            UserError, "Parou cannot be contacted by WhatsApp: asked not to receive"
        ):
            self.gate._check(stopped, "whatsapp", "marketing")
        with self.assertRaises(ValueError):
            self.gate._refusals(maria, "fax", "marketing")

    def test_sql_and_python_forms_agree(self):
        customers = self.env["res.partner"]
        for state in (
            {"history": [("sms", False)], "phone": "valid", "email": True},
            {"history": [], "phone": "invalid", "email": False},
            {"history": [("email", False)], "phone": "none", "email": True},
        ):
            customers |= self._state_customer(
                {"blacklisted": False, "archived": False, **state}
            )
        self.env.flush_all()
        for channel in CHANNELS:
            for purpose in ("marketing", "transactional"):
                self.env.cr.execute(
                    SQL(
                        "SELECT p.id FROM res_partner p WHERE p.id = ANY(%s) AND %s",
                        customers.ids,
                        self.gate._allowed_sql("p", channel, purpose),
                    )
                )
                in_sql = {row[0] for row in self.env.cr.fetchall()}
                self.assertEqual(
                    in_sql, set(self.gate._allowed(customers, channel, purpose).ids)
                )


PATHS = ("seller_button", "lead_whatsapp", "mass_email", "api", "campaign")


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestConsentGateProperty(GateCommon):
    """Whatever a customer's consent history, phone and email, and whichever
    path tries to reach them, a customer the gate refuses is never
    contacted, and one it allows is."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.company"].browse(cls.company.id).oto_daily_limit = 1000
        cls.api_key = cls.env["oto.api.key"].create(
            {
                "name": "Loja online",
                "company_id": cls.company.id,
                "user_id": cls.env.user.id,
            }
        )

    def _contacted(self, path, customer, channel):
        """Whether ``path`` reached ``customer`` on ``channel``."""
        seller = self.seller_user
        if path == "seller_button":
            suggestion = self.env["oto.suggestion"].create(
                {"partner_id": customer.id, "type": "manual"}
            )
            try:
                suggestion.with_user(seller).action_send(channel, "Oi!")
            except UserError:
                return False
            return suggestion.state == "in_progress"
        if path == "lead_whatsapp":
            lead = self.env["crm.lead"].create(
                {"name": "Assunto", "partner_id": customer.id}
            )
            try:
                lead.action_oto_whatsapp()
            except UserError:
                return False
            return True
        if path == "mass_email":
            return mass_email_reaches(customer)
        if path == "api":
            clean = {
                "customer": {"email": customer.email, "name": customer.name},
                "type": "behavior",
                "reason": "carrinho abandonado",
                "products": [],
            }
            try:
                self.env["oto.opportunity.api"]._create(self.api_key, clean)
            except OpportunityApiError as exc:
                self.assertEqual(exc.code, "not_contactable")
                return False
            return True
        campaign = self._campaign(
            "Propriedade",
            channel_whatsapp=channel == "whatsapp",
            channel_sms=channel == "sms",
            channel_call=channel == "call",
        )
        self._generate()
        return bool(
            self.env["oto.suggestion"].search_count(
                [("partner_id", "=", customer.id), ("campaign_id", "=", campaign.id)]
            )
        )

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        state=STATES,
        path=st.sampled_from(PATHS),
        channel=st.sampled_from(PHONE_CHANNELS),
    )
    def test_no_refused_customer_is_ever_contacted(self, state, path, channel):
        if path == "lead_whatsapp":
            channel = "whatsapp"
        elif path == "mass_email":
            channel = "email"
        elif path == "api":
            # Found by email: an archived customer would be another one.
            state = {**state, "email": True, "archived": False}
        with rolled_back(self.env):
            customer = self._state_customer(state)
            contacted = self._contacted(path, customer, channel)
            if path == "api":
                # The seller may reach them on one phone channel at least,
                # or get a number (a customer without one is taken).
                allowed = state["phone"] == "none" or any(
                    expected_allowed(state, c, "marketing") for c in PHONE_CHANNELS
                )
            else:
                allowed = expected_allowed(state, channel, "marketing")
            if state["optout"].get(channel) and path != "api":
                self.assertFalse(contacted, f"{path} reached an opted-out customer")
            self.assertEqual(contacted, allowed, (path, channel, state))
