# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A brand built for the access matrix: every role of the README, and for
each seller (the "owners") one record of every model the add-ons keep.

Company A (the brand) has two stores: Jardins (S1) and Ipanema (S2);
company B is a franchise with one store, Savassi (F1). At Jardins, Ana and
Marcos (a store manager who also sells) and Caio (a cashier who sells) have
their own logins; Bruno and Mara (a manager) sign in on the store's shared
device with their PIN, and so does Nina. Carla sells at Ipanema, Diego at
Savassi.
"""

from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

PASSWORD = "Acesso#Teste2026"
PINS = {"bruno": "2468", "mara": "1357", "nina": "8642"}
OWNERS = ("ana", "bruno", "nina", "mara", "marcos", "caio", "carla", "diego")


def build_world(env, with_pos=False):
    """Create the brand; returns a dict of what the tests need."""
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True))
    w = {"env": env}
    company_a = env["res.company"].create({"name": "Matriz Acesso"})
    company_b = env["res.company"].create({"name": "Franquia Acesso"})
    company_a.oto_login_mode = "store"
    w["companies"] = {"A": company_a, "B": company_b}

    def user(login, groups, company):
        return new_test_user(
            env,
            login,
            groups=groups,
            password=PASSWORD,
            company_id=company.id,
            company_ids=[company.id],
            tz="America/Sao_Paulo",
        )

    pos = ",point_of_sale.group_pos_user" if with_pos else ""
    users = {
        "seller": user("mx_seller", "oto_crm.oto_crm_group_seller", company_a),
        "manager": user("mx_manager", "oto_crm.oto_crm_group_manager", company_a),
        "store": user("mx_store", "oto_crm.oto_crm_group_seller", company_a),
        "admin": user("mx_admin", "oto_crm.oto_crm_group_admin", company_a),
        "cashier_seller": user(
            "mx_cashier_seller", "oto_crm.oto_crm_group_seller" + pos, company_a
        ),
        "franchise": user("mx_franchise", "oto_crm.oto_crm_group_admin", company_b),
        "portal": user("mx_portal", "base.group_portal", company_a),
    }
    if with_pos:
        users["cashier"] = user(
            "mx_cashier", "base.group_user,point_of_sale.group_pos_user", company_a
        )
    w["users"] = users
    # Given by the test, not by someone else: no change at first sign-in.
    env.cr.execute(
        "UPDATE res_users SET oto_password_temporary = FALSE WHERE id IN %s",
        [tuple(u.id for u in users.values())],
    )
    Store = env["oto.store"]
    stores = {
        "S1": Store.create(
            {
                "name": "Acesso Jardins",
                "code": "MX-S1",
                "company_id": company_a.id,
                "manager_ids": [(4, users["manager"].id)],
                "user_id": users["store"].id,
            }
        ),
        "S2": Store.create(
            {"name": "Acesso Ipanema", "code": "MX-S2", "company_id": company_a.id}
        ),
        "F1": Store.create(
            {
                "name": "Acesso Savassi",
                "code": "MX-F1",
                "kind": "franchise",
                "company_id": company_b.id,
            }
        ),
    }
    w["stores"] = stores
    Seller = env["oto.seller"]
    seller_values = {
        "ana": ("S1", users["seller"], False),
        "bruno": ("S1", False, False),
        "nina": ("S1", False, False),
        "mara": ("S1", False, True),
        "marcos": ("S1", users["manager"], False),
        "caio": ("S1", users["cashier_seller"], False),
        "carla": ("S2", False, False),
        "diego": ("F1", False, False),
    }
    sellers = {}
    for name, (store, login, is_manager) in seller_values.items():
        sellers[name] = Seller.create(
            {
                "name": name.capitalize(),
                "code": f"MX-{name.upper()}",
                "store_id": stores[store].id,
                "user_id": login.id if login else False,
                "is_manager": is_manager,
            }
        )
    for name, pin in PINS.items():
        sellers[name]._set_pin(pin)
    w["sellers"] = sellers
    product = env["product.product"].create(
        {"name": "Vestido Acesso", "list_price": 300.0}
    )
    w["product"] = product
    now = fields.Datetime.now()
    today = fields.Date.context_today(env.user)
    campaigns = {
        key: env["oto.campaign"].create({"name": f"Campanha {key}", "company_id": c.id})
        for key, c in w["companies"].items()
    }
    w["campaigns"] = campaigns
    records = w["records"] = {}

    def keep(model, owner, record):
        records.setdefault(model, {})[owner] = record

    for owner in OWNERS:
        seller = sellers[owner]
        company = seller.company_id
        store = seller.store_id
        customer = env["res.partner"].create(
            {
                "name": f"Cliente de {seller.name}",
                "company_id": company.id,
                "mobile": "+5511987650000",
                "email": f"{owner}.cliente@example.com",
                "oto_seller_id": seller.id,
            }
        )
        keep("res.partner", owner, customer)
        keep("oto.seller", owner, seller)
        suggestion = env["oto.suggestion"].create(
            {
                "seller_id": seller.id,
                "store_id": store.id,
                "partner_id": customer.id,
                "company_id": company.id,
                "campaign_id": campaigns["B" if owner == "diego" else "A"].id,
                "type": "segment",
            }
        )
        keep("oto.suggestion", owner, suggestion)
        keep(
            "oto.recommendation",
            owner,
            env["oto.recommendation"].create(
                {
                    "suggestion_id": suggestion.id,
                    "product_id": product.id,
                    "kind": "brand",
                }
            ),
        )
        contact = env["oto.contact"].create(
            {
                "seller_id": seller.id,
                "partner_id": customer.id,
                "company_id": company.id,
                "suggestion_id": suggestion.id,
                "date": now - timedelta(days=2),
            }
        )
        keep("oto.contact", owner, contact)
        keep(
            "oto.consent",
            owner,
            env["oto.consent"].create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "channel": "email",
                    "granted": True,
                    "source": "pos",
                }
            ),
        )
        keep(
            "oto.seller.dayoff",
            owner,
            env["oto.seller.dayoff"].create(
                {
                    "seller_id": seller.id,
                    "date_from": today + timedelta(days=10),
                    "date_to": today + timedelta(days=11),
                }
            ),
        )
        order = (
            env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "oto_seller_code": seller.code,
                    # Sold on the seller's login, or the store's shared one.
                    "user_id": (seller.user_id or store.user_id).id,
                    "date_order": now - timedelta(days=1),
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": 1})
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = now - timedelta(days=1)
        keep("sale.order", owner, order)
        env.flush_all()
        keep(
            "oto.purchase",
            owner,
            env["oto.purchase"].search([("res_id", "=", order.id)], limit=1),
        )
        keep(
            "oto.attribution",
            owner,
            env["oto.attribution"].search([("contact_id", "=", contact.id)], limit=1),
        )
        keep(
            "oto.wallet.history",
            owner,
            env["oto.wallet.history"].search([("partner_id", "=", customer.id)]),
        )
        keep(
            "oto.wallet.customer",
            owner,
            env["oto.wallet.customer"].create(
                {"partner_id": customer.id, "company_id": company.id}
            ),
        )
        keep(
            "oto.wallet.pair",
            owner,
            env["oto.wallet.pair"].create(
                {
                    "partner_id": customer.id,
                    "store_id": store.id,
                    "company_id": company.id,
                }
            ),
        )
        keep(
            "oto.campaign.holdout",
            owner,
            env["oto.campaign.holdout"].create(
                {
                    "campaign_id": suggestion.campaign_id.id,
                    "partner_id": customer.id,
                    "seller_id": seller.id,
                    "company_id": company.id,
                    "date": today,
                }
            ),
        )
        keep(
            "oto.audit",
            owner,
            env["oto.audit"]._log("pin_unlock", "Teste", seller=seller),
        )
        keep(
            "oto.result.day",
            owner,
            env["oto.result.day"].create(
                {
                    "company_id": company.id,
                    "seller_id": seller.id,
                    "day": today - timedelta(days=3),
                    "type": "segment",
                }
            ),
        )
        keep(
            "crm.lead",
            owner,
            env["crm.lead"].create(
                {
                    "name": f"Assunto de {seller.name}",
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "user_id": seller.user_id.id,
                }
            ),
        )
        keep(
            "mail.message",
            owner,
            customer.message_post(
                body=f"Nota sobre o cliente de {seller.name}",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            ),
        )
    if with_pos:
        _pos_orders(env, w, keep)
    if "oto.whatsapp.account" in env:
        _whatsapp(env, w, keep)
    # Store- and company-level records.
    for key, store in stores.items():
        keep(
            "oto.wallet.run",
            key,
            env["oto.wallet.run"].create(
                {
                    "company_id": store.company_id.id,
                    "store_id": store.id,
                    "mode": "store",
                    "state": "done",
                    "window_start": now - timedelta(days=365),
                }
            ),
        )
        keep("oto.store", key, store)
    for key, company in w["companies"].items():
        keep("oto.campaign", key, campaigns[key])
        keep(
            "oto.rfv.segment",
            key,
            env["oto.rfv.segment"].create(
                {"name": f"Segmento {key}", "company_id": company.id}
            ),
        )
        keep(
            "oto.recommendation.sale",
            key,
            env["oto.recommendation.sale"].create(
                {
                    "company_id": company.id,
                    "day": today,
                    "store_id": stores["F1" if key == "B" else "S1"].id,
                    "product_id": product.id,
                    "units": 1,
                    "purchases": 1,
                }
            ),
        )
        keep(
            "oto.recommendation.pair",
            key,
            env["oto.recommendation.pair"].create(
                {
                    "company_id": company.id,
                    "day": today,
                    "anchor_product_id": product.id,
                    "product_id": product.id,
                    "purchases": 1,
                }
            ),
        )
        keep(
            "oto.api.key",
            key,
            env["oto.api.key"]
            .with_company(company)
            .create(
                {
                    "name": f"Loja online {key}",
                    "company_id": company.id,
                    "user_id": users["franchise" if key == "B" else "admin"].id,
                }
            ),
        )
    return w


def _pos_orders(env, w, keep):
    """A point of sale per store, and an order of each seller's customer
    there, assisted by the seller."""
    configs = {}
    for store_key, store in w["stores"].items():
        company = store.company_id
        if not company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        journal = env["account.journal"].create(
            {
                "name": f"Caixa {store_key}",
                "code": f"MX{store_key}",
                "type": "cash",
                "company_id": company.id,
            }
        )
        cash = env["pos.payment.method"].create(
            {
                "name": f"Dinheiro {store_key}",
                "journal_id": journal.id,
                "company_id": company.id,
            }
        )
        configs[store_key] = (
            env["pos.config"]
            .with_company(company)
            .create(
                {
                    "name": f"Caixa {store_key}",
                    "company_id": company.id,
                    "oto_store_id": store.id,
                    "payment_method_ids": [(6, 0, cash.ids)],
                }
            )
        )
        configs[store_key].with_company(company).open_ui()
    for owner, seller in w["sellers"].items():
        company = seller.company_id
        config = configs[
            next(k for k, st in w["stores"].items() if st == seller.store_id)
        ]
        customer = w["records"]["res.partner"][owner]
        keep(
            "pos.order",
            owner,
            env["pos.order"]
            .with_company(company)
            .create(
                {
                    "session_id": config.current_session_id.id,
                    "company_id": company.id,
                    "partner_id": customer.id,
                    "amount_tax": 0.0,
                    "amount_total": 0.0,
                    "amount_paid": 0.0,
                    "amount_return": 0.0,
                    "oto_seller_id": seller.id,
                }
            ),
        )
    w["pos_configs"] = configs


def _whatsapp(env, w, keep):
    """A WhatsApp account and template per company, and a message queued to
    each seller's customer."""
    accounts = {}
    for key, company in w["companies"].items():
        accounts[key] = env["oto.whatsapp.account"].create(
            {
                "name": f"WhatsApp {key}",
                "company_id": company.id,
                "phone_number_id": f"1000{ord(key)}{company.id}",
                "business_account_id": f"2000{ord(key)}{company.id}",
                "access_token": f"token-{key}",
                "app_secret": f"secret-{key}",
                "webhook_verify_token": f"verify-{key}",
            }
        )
        keep("oto.whatsapp.account", key, accounts[key])
        keep(
            "oto.whatsapp.template",
            key,
            env["oto.whatsapp.template"].create(
                {
                    "name": f"colecao_{key.lower()}",
                    "account_id": accounts[key].id,
                    "body": "Oi! A coleção chegou.",
                }
            ),
        )
    for owner, seller in w["sellers"].items():
        customer = w["records"]["res.partner"][owner]
        keep(
            "oto.whatsapp.message",
            owner,
            env["oto.whatsapp.message"].create(
                {
                    "account_id": accounts[
                        "B" if seller.company_id == w["companies"]["B"] else "A"
                    ].id,
                    "partner_id": customer.id,
                    "phone": customer.mobile,
                    "body": f"Oi, cliente de {seller.name}",
                }
            ),
        )
