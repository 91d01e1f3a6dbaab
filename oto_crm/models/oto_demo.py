# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging

from odoo import api, fields, models
from odoo.tools import file_open

from ..tools.demo_brand import build_brand
from ..tools.phone import format_international
from .brand_time import brand_today

_logger = logging.getLogger(__name__)

DEMO_PASSWORD = "Oto@demo2026"
# The PIN of the demo sellers who work on their store's shared device.
DEMO_PIN = "2468"
# Every demo user works on the brand's time.
DEMO_TIMEZONE = "America/Sao_Paulo"


class OtoDemo(models.AbstractModel):
    """Builds the demo brand (``tools/demo_brand.py``) as records.

    Called from the add-on's demo data only, so databases without demo data
    never get it. Deterministic: the same install day gives the same brand.
    """

    _name = "oto.demo"
    _description = "Oto CRM demo brand"

    @api.model
    def _generate_demo_brand(self):
        env = self.env(
            context=dict(
                self.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
                no_reset_password=True,
                oto_wallet_reason="rule",
            )
        )
        self = self.with_env(env)
        brand = build_brand(brand_today(self.env))
        company = self._setup_demo_company(self.env.company, brand)
        self = self.with_company(company)
        stores = self._create_demo_stores(company, brand)
        users = self._create_demo_users(brand, stores)
        sellers = self._create_demo_sellers(brand, stores, users)
        self._create_demo_store_logins(company, stores, sellers)
        customers = self._create_demo_customers(brand, stores, sellers)
        products = self._create_demo_products(brand)
        orders = self._create_demo_orders(brand, stores, sellers, customers, products)
        self._post_demo_hook(brand, stores, sellers, customers, products, orders)
        self._create_demo_contacts(brand, sellers, customers)
        # Wallets, preferred sellers and RFV as the nightly engine leaves them.
        self.env["oto.wallet.engine"]._action_wallet_refresh(company, mode="full")
        # The brand's campaigns, and today's suggestions for every seller.
        campaigns = self._create_demo_campaigns(company)
        self.env["oto.suggestion.engine"]._generate(company)
        _logger.info(
            "Oto CRM demo brand: %s stores, %s sellers, %s customers, %s orders, "
            "%s campaigns",
            len(stores),
            len(sellers),
            len(customers),
            len(orders),
            len(campaigns),
        )

    def _create_demo_campaigns(self, company):
        company.oto_online_store_url = "https://aurora.example.com.br/?vendedor={code}"
        champions = self.env.ref("oto_crm.oto_rfv_segment_champions")
        loyal = self.env.ref("oto_crm.oto_rfv_segment_loyal")
        return self.env["oto.campaign"].create(
            [
                {
                    "name": "Aniversariantes da semana",
                    "kind": "relationship",
                    "sequence": 1,
                    "audience": "birthday",
                    "audience_days": 7,
                    "holdout_percent": 0,
                    "validity_days": 3,
                    "cooldown_days": 300,
                    "message": "Oi {first_name}! Aqui é {seller}, da {store}. Feliz "
                    "aniversário! Separei um mimo para você na loja: passa aqui "
                    "esta semana?",
                },
                {
                    "name": "Pós-venda: 7 dias",
                    "kind": "relationship",
                    "sequence": 2,
                    "audience": "post_sale",
                    "audience_days": 7,
                    "holdout_percent": 0,
                    "channel_call": True,
                    "message": "Oi {first_name}, tudo bem? Aqui é {seller}, da "
                    "{store}. Como ficaram as peças que você levou? Qualquer "
                    "ajuste, é só me chamar.",
                },
                {
                    "name": "Nova coleção para Campeões e Fiéis",
                    "kind": "sales",
                    "sequence": 3,
                    "audience": "segment",
                    "segment_ids": [fields.Command.set((champions | loyal).ids)],
                    "channel_sms": True,
                    "holdout_percent": 10,
                    "daily_cap": 8,
                    "message": "Oi {first_name}! Chegou a coleção de verão da Aurora "
                    "e separei algumas peças com a sua cara. Quer ver? {seller_link}",
                },
                {
                    "name": "Reativação: 90 dias sem comprar",
                    "kind": "sales",
                    "sequence": 4,
                    "audience": "no_purchase",
                    "audience_days": 90,
                    "channel_sms": True,
                    "channel_call": True,
                    "holdout_percent": 10,
                    "daily_cap": 5,
                    "message": "Oi {first_name}, quanto tempo! Aqui é {seller}, da "
                    "{store}. Temos novidades e condições especiais nesta semana. "
                    "Posso te mostrar? {seller_link}",
                },
            ]
        )

    def _create_demo_contacts(self, brand, sellers, customers):
        """The sellers' contacts of the last 90 days, in order (each one's
        effects: last contact, rest, the sales it led to)."""
        return self.env["oto.contact"].create(
            [
                {
                    "partner_id": customers[contact["customer"]].id,
                    "seller_id": sellers[contact["seller"]].id,
                    "date": contact["date"],
                    "channel": contact["channel"],
                    "reached": contact["reached"],
                    "reason": contact["reason"],
                    "result": contact["result"],
                    "notes": contact["notes"] or False,
                }
                for contact in brand["contacts"]
            ]
        )

    def _post_demo_hook(self, brand, stores, sellers, customers, products, orders):
        """Extension point for bridges (POS orders, campaigns, ...)."""

    def _setup_demo_company(self, company, brand):
        """The brand's company, in Brazilian reais: the current one when it
        can take them (no journal items in another currency yet), else a
        company of its own (with a chart of accounts, for its point of sale),
        which the administrator then works in."""
        brl = self.env.ref("base.BRL")
        brl.active = True
        brazil = self.env.ref("base.br")
        if company.currency_id == brl or not company.sudo()._existing_accounting():
            values = {"country_id": brazil.id, "currency_id": brl.id}
            if company == self.env.ref("base.main_company"):
                values["name"] = f"{brand['brand']} Ltda"
            company.write(values)
        else:
            company = self.env["res.company"].create(
                {
                    "name": f"{brand['brand']} Ltda",
                    "currency_id": brl.id,
                    "country_id": brazil.id,
                    "city": brand["stores"][0]["city"],
                }
            )
            # The generic chart (the Brazilian one is a localization module):
            # journals for the sales and the point of sale. The registry is
            # loading here, where try_loading() would only warn about it.
            self.env["account.chart.template"]._load(
                "generic_coa", company, install_demo=False
            )
            # (The generic chart comes in dollars: no entry yet, reais again.)
            company.currency_id = brl
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        if admin:
            admin.write(
                {
                    "company_ids": [fields.Command.link(company.id)],
                    "company_id": company.id,
                    "tz": DEMO_TIMEZONE,
                    # The demo brand's admin opens Oto as their home (an
                    # ERP's administrators keep Odoo's unless they choose).
                    "action_id": self.env.ref("oto_crm.oto_crm_action_my_day").id,
                }
            )
            self._keep_demo_timezone(admin)
        # The brand's logo (login page, reports, receipts), not Odoo's
        # placeholder.
        with file_open("oto_crm/static/img/demo_brand_logo.png", "rb") as logo:
            company.logo = base64.b64encode(logo.read())
        # A brand's ERP takes no public sign-up (auth_signup turns it on):
        # its people get an account from the brand.
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2b"
        )
        # The brand's own price list, in reais.
        self.env["product.pricelist"].create(
            {"name": brand["brand"], "currency_id": brl.id, "company_id": company.id}
        )
        return company

    def _create_demo_stores(self, company, brand):
        states = {
            state.code: state
            for state in self.env["res.country.state"].search(
                [("country_id.code", "=", "BR")]
            )
        }
        vals_list = []
        for index, store in enumerate(brand["stores"]):
            vals_list.append(
                {
                    "name": store["name"],
                    "code": store["code"],
                    "kind": store["kind"],
                    "sequence": index + 1,
                    "company_id": company.id,
                    "street": store["street"],
                    "zip": store["zip"],
                    "city": store["city"],
                    "state_id": states[store["state"]].id
                    if store["state"] in states
                    else False,
                    "phone": store["phone"],
                    "area_codes": ", ".join(str(c) for c in store["area_codes"]),
                    "color": index + 2,
                }
            )
        records = self.env["oto.store"].create(vals_list)
        return {store.code: store for store in records}

    def _create_demo_users(self, brand, stores):
        lang = "pt_BR" if self.env["res.lang"]._lang_get("pt_BR") else "en_US"
        seller_group = self.env.ref("oto_crm.oto_crm_group_seller")
        manager_group = self.env.ref("oto_crm.oto_crm_group_manager")
        people = [
            (m["name"], m["login"], manager_group, m["store"])
            for m in brand["managers"]
        ]
        people += [
            (s["name"], s["login"], seller_group, s["store"])
            for s in brand["sellers"]
            if s["login"]
        ]
        users = {}
        for name, login, group, store_code in people:
            user = self._demo_user(
                login,
                {
                    "name": name,
                    "email": f"{login}@auroramoda.example",
                    "lang": lang,
                    "groups_id": [fields.Command.link(group.id)],
                },
            )
            users[login] = user
            if group == manager_group:
                stores[store_code].manager_ids = [fields.Command.link(user.id)]
        return users

    def _demo_user(self, login, values):
        """The demo user ``login`` (created with the demo password), in the
        brand's company and on the brand's time."""
        company = self.env.company
        user = self.env["res.users"].search([("login", "=", login)], limit=1)
        common = {
            "company_ids": [fields.Command.link(company.id)],
            "company_id": company.id,
            "tz": DEMO_TIMEZONE,
        }
        if not user:
            user = self.env["res.users"].create(
                {"login": login, "password": DEMO_PASSWORD, **values, **common}
            )
        else:
            user.write(common)
        self._keep_demo_timezone(user)
        return user

    def _keep_demo_timezone(self, user):
        """Odoo gives a user the browser's time zone at their first sign-in:
        the demo users count as signed in once, so that trying the demo from
        a browser elsewhere (a server in UTC) keeps them on the brand's
        time."""
        if not user.login_date:
            self.env["res.users.log"].with_user(user).sudo().create({})

    def _create_demo_store_logins(self, company, stores, sellers):
        """Each store's shared device (login ``loja.<store code>``): its
        sellers without a login of their own sign in there with a PIN."""
        company.oto_login_mode = "store"
        group = self.env.ref("oto_crm.oto_crm_group_seller")
        lang = "pt_BR" if self.env["res.lang"]._lang_get("pt_BR") else "en_US"
        for code, store in stores.items():
            login = f"loja.{code.lower()}"
            user = self._demo_user(
                login,
                {
                    "name": store.name,
                    "lang": lang,
                    "groups_id": [fields.Command.link(group.id)],
                },
            )
            store.user_id = user
        for seller in sellers.filtered(lambda s: not s.user_id):
            seller._set_pin(DEMO_PIN)

    def _create_demo_sellers(self, brand, stores, users):
        vals_list = [
            {
                "name": seller["name"],
                "code": seller["code"],
                "store_id": stores[seller["store"]].id,
                "email": seller["email"],
                "phone": seller["phone"],
                "user_id": users[seller["login"]].id if seller["login"] else False,
                "wallet_capacity": 60,
                "color": seller["index"] % 11 + 1,
            }
            for seller in brand["sellers"]
        ]
        return self.env["oto.seller"].create(vals_list)

    def _create_demo_customers(self, brand, stores, sellers):
        states = {
            state.code: state.id
            for state in self.env["res.country.state"].search(
                [("country_id.code", "=", "BR")]
            )
        }
        brazil = self.env.ref("base.br").id
        vals_list = []
        for customer in brand["customers"]:
            seller = (
                sellers[customer["seller"]] if customer["seller"] is not None else None
            )
            vals_list.append(
                {
                    "name": customer["name"],
                    "email": customer["email"],
                    "mobile": format_international(customer["phone"]),
                    "city": customer["city"],
                    "state_id": states.get(customer["state"], False),
                    "country_id": brazil,
                    "customer_rank": 1,
                    "oto_birthdate": customer["birthdate"],
                    "oto_seller_id": seller.id if seller else False,
                    "oto_store_id": stores[customer["store"]].id,
                }
            )
        return self.env["res.partner"].create(vals_list)

    def _create_demo_products(self, brand):
        parent = self.env["product.category"].create({"name": brand["brand"]})
        categories = {
            name: self.env["product.category"].create(
                {"name": name, "parent_id": parent.id}
            )
            for name in brand["categories"]
        }
        templates = self.env["product.template"].create(
            [
                {
                    "name": product["name"],
                    "categ_id": categories[product["category"]].id,
                    "list_price": product["price"],
                    "type": "consu",
                    "sale_ok": True,
                    "taxes_id": [fields.Command.clear()],
                }
                for product in brand["products"]
            ]
        )
        return templates.product_variant_id

    def _create_demo_orders(self, brand, stores, sellers, customers, products):
        pricelist = self.env["product.pricelist"].search(
            [("company_id", "=", self.env.company.id), ("name", "=", brand["brand"])],
            limit=1,
        )
        vals_list = []
        for order in brand["orders"]:
            seller = sellers[order["seller"]]
            vals_list.append(
                {
                    "company_id": self.env.company.id,
                    "pricelist_id": pricelist.id,
                    "partner_id": customers[order["customer"]].id,
                    "oto_seller_id": seller.id,
                    "oto_store_id": stores[order["store"]].id,
                    "oto_channel": order["channel"],
                    "user_id": seller.user_id.id or self.env.uid,
                    "date_order": order["date"],
                    "order_line": [
                        fields.Command.create(
                            {
                                "product_id": products[product].id,
                                "product_uom_qty": qty,
                                "price_unit": brand["products"][product]["price"],
                                "tax_id": [fields.Command.clear()],
                            }
                        )
                        for product, qty in order["lines"]
                    ],
                }
            )
        orders = self.env["sale.order"].create(vals_list)
        # History, not new sales: mark them confirmed without running the
        # confirmation (no pickings, no emails, dates kept in the past).
        orders.write({"state": "sale"})
        return orders
