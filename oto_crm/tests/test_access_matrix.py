# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The README's "who sees what", walked as each role through a real HTTP
session (JSON-RPC, as the phone screen and the Point of Sale call the
server): the PIN seller and the PIN manager sign in on the store's shared
device with their PIN, never through sudo."""

import json
import logging
import os
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..tools.access_matrix import EXPECTED, MODELS, POS_ROLES, ROLE_OWNERS, SCOPES
from .access_world import PASSWORD, PINS, build_world

_logger = logging.getLogger(__name__)
OPS = ("read", "write", "create", "unlink")
LETTERS = {"read": "r", "write": "w", "create": "c", "unlink": "d"}
STORE_OF = {
    "ana": "S1",
    "bruno": "S1",
    "nina": "S1",
    "mara": "S1",
    "marcos": "S1",
    "caio": "S1",
    "carla": "S2",
    "diego": "F1",
}
LOGINS = {
    "seller": "mx_seller",
    "manager": "mx_manager",
    "admin": "mx_admin",
    "cashier": "mx_cashier",
    "cashier_seller": "mx_cashier_seller",
    "franchise": "mx_franchise",
    "portal": "mx_portal",
}
PIN_ROLES = {"seller_pin": "bruno", "manager_pin": "mara"}


class RpcRefused(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


class AccessWorldCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.with_pos = "pos.order" in cls.env
        cls.w = build_world(cls.env, with_pos=cls.with_pos)

    # ------------------------------------------------------------ sessions

    def sign_in(self, role):
        """A real session for the role: its login, or the store's shared
        device then the PIN of the seller or manager."""
        if role in PIN_ROLES:
            self.authenticate("mx_store", PASSWORD)
            name = PIN_ROLES[role]
            result = self.rpc(
                "oto.seller", "oto_pin_login", self.w["sellers"][name].id, PINS[name]
            )
            self.assertTrue(result["ok"], result)
        else:
            self.authenticate(LOGINS[role], PASSWORD)

    def rpc(self, model, method, *args, **kwargs):
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        if "error" in body:
            data = body["error"].get("data", {})
            raise RpcRefused(data.get("name", ""), data.get("message", ""))
        return body.get("result")


@tagged("post_install", "-at_install", "oto_crm", "oto_access_matrix")
class TestAccessMatrix(AccessWorldCase):
    def _record(self, model, owner):
        level = MODELS[model][1]
        records = self.w["records"][model]
        if level == "store":
            return records.get(STORE_OF[owner])
        if level == "company":
            return records.get("B" if owner == "diego" else "A")
        return records.get(owner)  # None: no such record here (n/a)

    def _fixture(self, model, role, index):
        owner = ROLE_OWNERS[role][index]
        if owner is None:
            return None
        level = MODELS[model][1]
        if level == "store" and index == 0:
            return None  # a store has no "own wallet"
        if level == "company" and SCOPES[index] in ("own", "other_store"):
            return None
        return self._record(model, owner)

    def _create_values(self, model, owner):
        """Values of a new record in the scope of ``owner`` (None: a model
        nobody creates records of, such as the SQL views)."""
        w = self.w
        seller = w["sellers"][owner]
        company = seller.company_id
        customer = w["records"]["res.partner"][owner]
        today = fields.Date.context_today(self.env.user)
        suggestion = w["records"]["oto.suggestion"][owner]
        values = {
            "oto.store": {
                "name": "Nova loja",
                "code": f"NEW-{owner.upper()}",
                "company_id": company.id,
            },
            "oto.seller": {
                "name": "Novo",
                "code": f"NEW-{owner.upper()}",
                "store_id": seller.store_id.id,
            },
            "oto.seller.dayoff": {
                "seller_id": seller.id,
                "date_from": fields.Date.to_string(today + timedelta(days=30)),
                "date_to": fields.Date.to_string(today + timedelta(days=30)),
            },
            "oto.campaign": {"name": "Nova campanha", "company_id": company.id},
            "oto.rfv.segment": {"name": "Novo segmento", "company_id": company.id},
            "oto.suggestion": {
                "seller_id": seller.id,
                "store_id": seller.store_id.id,
                "partner_id": customer.id,
                "company_id": company.id,
                "type": "manual",
            },
            "oto.recommendation": {
                "suggestion_id": suggestion.id,
                "product_id": w["product"].id,
                "kind": "store",
            },
            "oto.contact": {
                "seller_id": seller.id,
                "partner_id": customer.id,
                "company_id": company.id,
                "channel": "call",
                "reached": "no",
                "reason": "no_answer",
            },
            "oto.consent": {
                "partner_id": customer.id,
                "channel": "sms",
                "granted": True,
            },
            "oto.result.day": {
                "company_id": company.id,
                "seller_id": seller.id,
                "day": fields.Date.to_string(today - timedelta(days=40)),
            },
            "oto.wallet.history": {
                "partner_id": customer.id,
                "company_id": company.id,
                "new_seller_id": seller.id,
            },
            "oto.wallet.customer": {
                "partner_id": customer.id,
                "company_id": company.id,
            },
            "oto.wallet.pair": {
                "partner_id": customer.id,
                "store_id": seller.store_id.id,
                "company_id": company.id,
            },
            "oto.wallet.run": {
                "company_id": company.id,
                "store_id": seller.store_id.id,
                "mode": "store",
                "window_start": fields.Datetime.to_string(fields.Datetime.now()),
            },
            "oto.campaign.holdout": {
                "campaign_id": suggestion.campaign_id.id,
                "partner_id": customer.id,
                "company_id": company.id,
                "date": fields.Date.to_string(today - timedelta(days=50)),
            },
            "oto.audit": {
                "action": "pin_unlock",
                "description": "Forjado",
                "company_id": company.id,
                "seller_id": seller.id,
            },
            "oto.api.key": {"name": "Nova integração", "company_id": company.id},
            "res.partner": {
                "name": "Cliente novo",
                "company_id": company.id,
                "oto_seller_id": seller.id,
            },
            "mail.message": {
                "model": "res.partner",
                "res_id": customer.id,
                "body": "Nota nova",
                "message_type": "comment",
            },
            "sale.order": {"partner_id": customer.id, "company_id": company.id},
            "oto.recommendation.sale": {
                "company_id": company.id,
                "day": fields.Date.to_string(today),
                "store_id": seller.store_id.id,
                "product_id": w["product"].id,
            },
            "oto.recommendation.pair": {
                "company_id": company.id,
                "day": fields.Date.to_string(today),
                "anchor_product_id": w["product"].id,
                "product_id": w["product"].id,
            },
            "oto.whatsapp.account": {
                "name": "Outra conta",
                "company_id": company.id,
                "phone_number_id": f"99000{company.id}",
                "business_account_id": f"98000{company.id}",
                "access_token": "t",
                "app_secret": "s",
                "webhook_verify_token": "v",
            },
            "oto.whatsapp.template": {
                "name": "novo_modelo",
                "account_id": w["records"]
                .get("oto.whatsapp.account", {})
                .get("B" if owner == "diego" else "A", self.env["res.partner"])
                .id,
                "body": "Oi!",
            },
            "oto.whatsapp.message": {
                "account_id": w["records"]
                .get("oto.whatsapp.account", {})
                .get("B" if owner == "diego" else "A", self.env["res.partner"])
                .id,
                "partner_id": customer.id,
                "phone": customer.mobile,
                "body": "Mensagem forjada",
                "model": "res.users",
                "res_id": self.env.ref("base.user_admin").id,
            },
            "crm.lead": {
                "name": "Assunto novo",
                "partner_id": customer.id,
                "company_id": company.id,
            },
        }
        if model == "pos.order" and owner in w["records"].get("pos.order", {}):
            order = w["records"]["pos.order"][owner]
            values[model] = {
                "session_id": order.session_id.id,
                "company_id": company.id,
                "partner_id": customer.id,
                "amount_tax": 0.0,
                "amount_total": 0.0,
                "amount_paid": 0.0,
                "amount_return": 0.0,
            }
        return values.get(model)

    def _observe(self, role):
        """{model: (cells per scope)} as the role sees it over JSON-RPC."""
        observed = {}
        for model in MODELS:
            if model not in self.w["records"]:
                continue  # its add-on is not installed here
            cells = []
            for index in range(len(SCOPES)):
                record = self._fixture(model, role, index)
                if record is None:
                    cells.append(None)
                    continue
                allowed = ""
                for op in OPS:
                    if op == "create":
                        ok = self._try_create(model, ROLE_OWNERS[role][index])
                    else:
                        ok = self._try(model, op, record)
                    if op == "read":
                        found = self._count(model, record)
                        self.assertEqual(
                            bool(found),
                            ok,
                            f"{role}: {model} #{record.id} searchable={found} "
                            f"but check_access(read)={ok}",
                        )
                    allowed += LETTERS[op] if ok else ""
                cells.append(allowed or "-")
            observed[model] = tuple(cells)
        return observed

    def _count(self, model, record):
        try:
            return self.rpc(model, "search_count", [("id", "=", record.id)])
        except RpcRefused as exc:
            self.assertEqual(exc.name, "odoo.exceptions.AccessError", str(exc))
            return 0

    def _try(self, model, op, record):
        try:
            self.rpc(model, "check_access", [record.id], op)
        except RpcRefused as exc:
            self.assertIn(
                exc.name,
                ("odoo.exceptions.AccessError", "odoo.http.SessionExpiredException"),
                f"{model} {op}: {exc}",
            )
            return False
        return True

    def _try_create(self, model, owner):
        if MODELS[model][1] == "view":
            return False
        values = self._create_values(model, owner)
        try:
            created = self.rpc(model, "create", values)
        except RpcRefused as exc:
            self.assertEqual(
                exc.name,
                "odoo.exceptions.AccessError",
                f"creating {model} for {owner}: refused with {exc.name}: {exc}",
            )
            return False
        ids = created if isinstance(created, list) else [created]
        if model != "oto.consent":  # the ledger keeps its entries
            with mute_logger("odoo.models.unlink"):
                self.env[model].sudo().browse(ids).unlink()
        return True

    def test_who_sees_what(self):
        roles = [r for r in ROLE_OWNERS if self.with_pos or r not in POS_ROLES]
        mismatches, checked, dump = [], 0, {}
        for role in roles:
            self.sign_in(role)
            with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
                observed = self._observe(role)
            for model, cells in observed.items():
                dump.setdefault(model, {})[role] = cells
                expected = EXPECTED.get(model, {}).get(role)
                checked += 4 * sum(1 for c in cells if c is not None)
                if expected != cells:
                    mismatches.append(
                        f"{model:24} {role:15} expected {expected} got {cells}"
                    )
        if os.environ.get("OTO_ACCESS_MATRIX_DUMP"):
            with open(os.environ["OTO_ACCESS_MATRIX_DUMP"], "w") as fh:
                json.dump(dump, fh, indent=1)
        _logger.info(
            "access matrix: %s cells checked (%s roles x %s models x %s scopes "
            "x %s operations, n/a left out)",
            checked,
            len(roles),
            len(MODELS),
            len(SCOPES),
            len(OPS),
        )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))
