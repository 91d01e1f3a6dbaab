# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase

from ..tools.fake_graph import FakeGraph

TOKEN = "EAAG-test-token"
SECRET = "test-app-secret"


class WhatsappCommon(HttpCase):
    """An account talking to a local fake of the Graph API (real HTTP), a
    store, a seller and customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.graph = FakeGraph(
            access_token=TOKEN,
            app_secret=SECRET,
            webhook_url=f"http://127.0.0.1:{cls.http_port()}/oto_crm_whatsapp/webhook",
        )
        cls.graph.start()
        cls.addClassCleanup(cls.graph.stop)
        cls.env["ir.config_parameter"].sudo().set_param(
            "oto_crm_whatsapp.graph_url", cls.graph.base_url
        )
        cls.account = cls.env["oto.whatsapp.account"].create(
            {
                "name": "Aurora atendimento",
                "phone_number_id": cls.graph.phone_number_id,
                "business_account_id": cls.graph.waba_id,
                "access_token": TOKEN,
                "app_secret": SECRET,
                "webhook_verify_token": "verify-me",
                "rate_per_second": 200,
            }
        )
        cls.store = cls.env["oto.store"].create({"name": "Loja Jardins", "code": "WJ"})
        cls.seller_user = cls.env["res.users"].create(
            {
                "name": "Ana Vendedora",
                "login": "wa_ana",
                "groups_id": [(4, cls.env.ref("oto_crm.oto_crm_group_seller").id)],
            }
        )
        cls.seller = cls.env["oto.seller"].create(
            {
                "name": "Ana Vendedora",
                "code": "WANA",
                "store_id": cls.store.id,
                "user_id": cls.seller_user.id,
            }
        )
        Partner = cls.env["res.partner"]
        cls.maria = Partner.create(
            {
                "name": "Maria Souza",
                "mobile": "+55 11 98765-4321",
                "city": "São Paulo",
                "oto_seller_id": cls.seller.id,
            }
        )
        cls.joana = Partner.create(
            {"name": "Joana Lima", "mobile": "+55 11 97777-1111", "city": "Santos"}
        )
        cls.optout = Partner.create(
            {"name": "Pedro Alves", "mobile": "+55 11 96666-2222", "city": "Campinas"}
        )
        cls.optout._oto_set_consent(
            ["whatsapp"], False, "manager", "asked at the store"
        )
        cls.no_phone = Partner.create({"name": "Sem Telefone", "city": "Osasco"})
        cls.no_city = Partner.create(
            {"name": "Bruna Reis", "mobile": "+55 11 95555-3333"}
        )

    def setUp(self):
        super().setUp()
        self.graph.reset()
        self.graph.rate_limit_per_second = None
        self.graph.delay = 0.0
        self.graph.set_token(self.graph.phone_number_id, TOKEN)

    def _inbound(self, partner, account=None, hours_ago=1):
        """A message ``partner`` sent to ``account``'s number, ``hours_ago``."""
        return self.env["oto.whatsapp.message"].create(
            {
                "account_id": (account or self.account).id,
                "direction": "in",
                "partner_id": partner.id,
                "phone": partner.oto_phone_e164,
                "body": "Oi",
                "state": "received",
                "status_date": fields.Datetime.now() - timedelta(hours=hours_ago),
            }
        )

    def _send_all(self, **kwargs):
        """Run the queue's job as the cron does (the graph's knobs apply)."""
        self.env.flush_all()
        sent = self.env["oto.whatsapp.message"]._cron_send_queue(**kwargs)
        self.env.invalidate_all()
        return sent

    @staticmethod
    def busiest_second(times):
        """The most calls in any one second (a sliding window) of ``times``."""
        times = sorted(times)
        best, start = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def _hook(self, method, *args, **kwargs):
        """A webhook call of the fake (over HTTP); the test then reads what
        the request wrote (its own cache is dropped)."""
        self.env.flush_all()
        result = getattr(self.graph, method)(*args, **kwargs)
        self.env.invalidate_all()
        return result

    def _template(self, **values):
        template = self.env["oto.whatsapp.template"].create(
            {
                "name": "nova_colecao",
                "account_id": self.account.id,
                "body": "Oi {{1}}! A coleção de verão chegou em {{2}}.",
                "variable_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "1",
                            "field_path": "name",
                            "first_word": True,
                            "sample": "Maria",
                        },
                    ),
                    (0, 0, {"name": "2", "field_path": "city", "sample": "São Paulo"}),
                ],
                **values,
            }
        )
        return template

    def _approved(self, **values):
        template = self._template(**values)
        template.action_submit()
        template._apply_meta("APPROVED")
        return template
