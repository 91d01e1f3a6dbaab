# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who sees and does what: the access model of the add-ons, as data.

The README's table "Who sees what" is rendered from it
(``python -m devtools.gen_readme``; a static test keeps them equal), and the
access matrix test (``oto_crm/tests/test_access_matrix.py``) walks it in a
real Odoo, as each role through a real HTTP session, asserting both what is
allowed and what is refused.

Each cell is what the role may do on a record of that scope: ``r`` read,
``w`` write, ``c`` create, ``d`` delete, ``-`` nothing, ``None`` not
applicable (the role has no record of that scope). Scopes are relative to
the role: its own wallet (its seller's records), its own store (another
seller of the same store), another store of the same company, another
company (a franchise).
"""

SCOPES = ("own", "store", "other_store", "other_company")
SCOPE_LABELS = {
    "own": "own wallet",
    "store": "own store",
    "other_store": "other store",
    "other_company": "other company",
}

ROLES = {
    "seller": "Seller, own login",
    "seller_pin": "Seller, PIN on the store's device",
    "manager": "Store manager, own login (also sells)",
    "manager_pin": "Store manager, PIN on the store's device",
    "admin": "Brand admin",
    "cashier": "Point of Sale cashier",
    "cashier_seller": "Point of Sale cashier who also sells",
    "franchise": "Brand admin of a franchise (its own company)",
    "portal": "Portal user",
}
# Roles that exist only with the Point of Sale (oto_crm_pos).
POS_ROLES = ("cashier", "cashier_seller")

# The seller whose records stand for each scope, per role (see the test's
# brand: Ana, Bruno, Mara, Marcos and Caio at one store, Carla at another,
# Diego at the franchise).
ROLE_OWNERS = {
    "seller": ("ana", "bruno", "carla", "diego"),
    "seller_pin": ("bruno", "ana", "carla", "diego"),
    "manager": ("marcos", "ana", "carla", "diego"),
    "manager_pin": ("mara", "bruno", "carla", "diego"),
    "admin": (None, "ana", "carla", "diego"),
    "cashier": (None, "ana", "carla", "diego"),
    "cashier_seller": ("caio", "ana", "carla", "diego"),
    "franchise": (None, "diego", None, "ana"),
    "portal": (None, "ana", "carla", "diego"),
}

# Model: (label, level). "seller": a record per seller; "store": per store
# (own wallet does not apply); "company": per company (only own store and
# other company apply); "view": read-only SQL views (create does not apply).
MODELS = {
    "oto.store": ("Stores", "store"),
    "oto.seller": ("Sellers", "seller"),
    "oto.seller.dayoff": ("Days off", "seller"),
    "oto.campaign": ("Campaigns", "company"),
    "oto.rfv.segment": ("RFV segments", "company"),
    "oto.suggestion": ("Suggestions", "seller"),
    "oto.recommendation": ("Products to offer", "seller"),
    "oto.contact": ("Contacts (outcomes)", "seller"),
    "oto.consent": ("Consent ledger", "seller"),
    "oto.purchase": ("Purchases", "view"),
    "oto.attribution": ("Sales from contacts", "view"),
    "oto.result.day": ("Results by day", "seller"),
    "oto.wallet.history": ("Wallet history", "seller"),
    "oto.wallet.customer": ("Customer engine state (RFV)", "seller"),
    "oto.wallet.pair": ("Customer-store engine state", "seller"),
    "oto.wallet.run": ("Wallet engine runs", "store"),
    "oto.campaign.holdout": ("Campaign holdouts", "seller"),
    "oto.audit": ("Audit trail", "seller"),
    "oto.recommendation.sale": ("Product sales per day (kept)", "company"),
    "oto.recommendation.pair": ("Products bought together per day (kept)", "company"),
    "oto.api.key": ("API keys", "company"),
    "res.partner": ("Customers", "seller"),
    "mail.message": ("Customers' chatter", "seller"),
    "sale.order": ("Sale orders", "seller"),
    "crm.lead": ("Subjects (CRM leads)", "seller"),
    # With oto_crm_pos:
    "pos.order": ("Point of Sale orders", "seller"),
    # With oto_crm_whatsapp:
    "oto.whatsapp.account": ("WhatsApp accounts", "company"),
    "oto.whatsapp.template": ("WhatsApp templates", "company"),
    "oto.whatsapp.message": ("WhatsApp messages", "seller"),
}


N = None
# The expected matrix: EXPECTED[model][role] = (own, store, other_store,
# other_company).
EXPECTED = {
    "oto.store": {
        "seller": (N, "r", "r", "-"),
        "seller_pin": (N, "r", "r", "-"),
        "manager": (N, "rw", "r", "-"),
        "manager_pin": (N, "r", "r", "-"),
        "admin": (N, "rwcd", "rwcd", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": (N, "r", "r", "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.seller": {
        "seller": ("r", "r", "r", "-"),
        "seller_pin": ("r", "r", "r", "-"),
        "manager": ("rw", "rw", "r", "-"),
        "manager_pin": ("rw", "rw", "r", "-"),
        "admin": (N, "rwcd", "rwcd", "-"),
        "cashier": (N, "r", "r", "-"),
        "cashier_seller": ("r", "r", "r", "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.seller.dayoff": {
        "seller": ("r", "-", "-", "-"),
        "seller_pin": ("r", "-", "-", "-"),
        "manager": ("rwcd", "rwcd", "-", "-"),
        "manager_pin": ("rwcd", "rwcd", "-", "-"),
        "admin": (N, "rwcd", "rwcd", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("r", "-", "-", "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.campaign": {
        "seller": (N, "r", N, "-"),
        "seller_pin": (N, "r", N, "-"),
        "manager": (N, "r", N, "-"),
        "manager_pin": (N, "r", N, "-"),
        "admin": (N, "rwcd", N, "-"),
        "cashier": (N, "-", N, "-"),
        "cashier_seller": (N, "r", N, "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", N, "-"),
    },
    "oto.rfv.segment": {
        "seller": (N, "r", N, "-"),
        "seller_pin": (N, "r", N, "-"),
        "manager": (N, "r", N, "-"),
        "manager_pin": (N, "r", N, "-"),
        "admin": (N, "rwcd", N, "-"),
        "cashier": (N, "-", N, "-"),
        "cashier_seller": (N, "r", N, "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", N, "-"),
    },
    "oto.suggestion": {
        "seller": ("rw", "-", "-", "-"),
        "seller_pin": ("rw", "-", "-", "-"),
        "manager": ("rwc", "rwc", "-", "-"),
        "manager_pin": ("rw", "rw", "-", "-"),
        "admin": (N, "rwcd", "rwcd", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("rw", "-", "-", "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.recommendation": {
        "seller": ("r", "-", "-", "-"),
        "seller_pin": ("r", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("r", "r", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("r", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.contact": {
        "seller": ("rc", "-", "-", "-"),
        "seller_pin": ("rc", "-", "-", "-"),
        "manager": ("rwc", "rwc", "-", "-"),
        "manager_pin": ("rc", "rc", "-", "-"),
        "admin": (N, "rwc", "rwc", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("rc", "-", "-", "-"),
        "franchise": (N, "rwc", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.consent": {
        "seller": ("rc", "-", "-", "-"),
        "seller_pin": ("rc", "-", "-", "-"),
        "manager": ("rc", "rc", "-", "-"),
        "manager_pin": ("rc", "rc", "-", "-"),
        "admin": (N, "rc", "rc", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("rc", "-", "-", "-"),
        "franchise": (N, "rc", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.purchase": {
        "seller": ("r", "-", "-", "-"),
        "seller_pin": ("r", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("r", "r", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("r", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.attribution": {
        "seller": ("r", "-", "-", "-"),
        "seller_pin": ("r", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("r", "r", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("r", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.result.day": {
        "seller": ("r", "-", "-", "-"),
        "seller_pin": ("r", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("r", "r", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("r", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.wallet.history": {
        "seller": ("r", "-", "-", "-"),
        "seller_pin": ("r", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("r", "r", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("r", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.wallet.customer": {
        "seller": ("r", "-", "-", "-"),
        "seller_pin": ("r", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("r", "r", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("r", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.wallet.pair": {
        "seller": ("-", "-", "-", "-"),
        "seller_pin": ("-", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("-", "-", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("-", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.wallet.run": {
        "seller": (N, "-", "-", "-"),
        "seller_pin": (N, "-", "-", "-"),
        "manager": (N, "r", "-", "-"),
        "manager_pin": (N, "-", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": (N, "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.campaign.holdout": {
        "seller": ("-", "-", "-", "-"),
        "seller_pin": ("-", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("-", "-", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("-", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.audit": {
        "seller": ("-", "-", "-", "-"),
        "seller_pin": ("-", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("-", "-", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("-", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.recommendation.sale": {
        "seller": (N, "-", N, "-"),
        "seller_pin": (N, "-", N, "-"),
        "manager": (N, "-", N, "-"),
        "manager_pin": (N, "-", N, "-"),
        "admin": (N, "-", N, "-"),
        "cashier": (N, "-", N, "-"),
        "cashier_seller": (N, "-", N, "-"),
        "franchise": (N, "-", N, "-"),
        "portal": (N, "-", N, "-"),
    },
    "oto.recommendation.pair": {
        "seller": (N, "-", N, "-"),
        "seller_pin": (N, "-", N, "-"),
        "manager": (N, "-", N, "-"),
        "manager_pin": (N, "-", N, "-"),
        "admin": (N, "-", N, "-"),
        "cashier": (N, "-", N, "-"),
        "cashier_seller": (N, "-", N, "-"),
        "franchise": (N, "-", N, "-"),
        "portal": (N, "-", N, "-"),
    },
    "oto.api.key": {
        "seller": (N, "-", N, "-"),
        "seller_pin": (N, "-", N, "-"),
        "manager": (N, "-", N, "-"),
        "manager_pin": (N, "-", N, "-"),
        "admin": (N, "rwcd", N, "-"),
        "cashier": (N, "-", N, "-"),
        "cashier_seller": (N, "-", N, "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", N, "-"),
    },
    "res.partner": {
        "seller": ("rwc", "-", "-", "-"),
        "seller_pin": ("rwc", "-", "-", "-"),
        "manager": ("rwc", "rwc", "-", "-"),
        "manager_pin": ("rwc", "rwc", "-", "-"),
        "admin": (N, "rwcd", "rwcd", "-"),
        "cashier": (N, "r", "r", "-"),
        "cashier_seller": ("rwc", "r", "r", "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "mail.message": {
        "seller": ("rwcd", "-", "-", "-"),
        "seller_pin": ("rwcd", "-", "-", "-"),
        "manager": ("rwcd", "rwcd", "-", "-"),
        "manager_pin": ("rwcd", "rwcd", "-", "-"),
        "admin": (N, "rwcd", "rwcd", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("rwcd", "-", "-", "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "sale.order": {
        "seller": ("rwc", "c", "c", "-"),
        "seller_pin": ("rwc", "c", "c", "-"),
        "manager": ("rwc", "rwc", "c", "-"),
        "manager_pin": ("rwc", "rwc", "c", "-"),
        "admin": (N, "rwcd", "rwcd", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("rwc", "c", "c", "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "crm.lead": {
        "seller": ("rwc", "c", "c", "-"),
        "seller_pin": ("rwc", "c", "c", "-"),
        "manager": ("rwc", "rwc", "c", "-"),
        "manager_pin": ("rwc", "rwc", "c", "-"),
        "admin": (N, "rwcd", "rwcd", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("rwc", "c", "c", "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "pos.order": {
        "seller": ("-", "-", "-", "-"),
        "seller_pin": ("-", "-", "-", "-"),
        "manager": ("-", "-", "-", "-"),
        "manager_pin": ("-", "-", "-", "-"),
        "admin": (N, "-", "-", "-"),
        "cashier": (N, "rwcd", "rwcd", "-"),
        "cashier_seller": ("rwcd", "rwcd", "rwcd", "-"),
        "franchise": (N, "-", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
    "oto.whatsapp.account": {
        "seller": (N, "-", N, "-"),
        "seller_pin": (N, "-", N, "-"),
        "manager": (N, "r", N, "-"),
        "manager_pin": (N, "-", N, "-"),
        "admin": (N, "rwcd", N, "-"),
        "cashier": (N, "-", N, "-"),
        "cashier_seller": (N, "-", N, "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", N, "-"),
    },
    "oto.whatsapp.template": {
        "seller": (N, "-", N, "-"),
        "seller_pin": (N, "-", N, "-"),
        "manager": (N, "r", N, "-"),
        "manager_pin": (N, "-", N, "-"),
        "admin": (N, "rwcd", N, "-"),
        "cashier": (N, "-", N, "-"),
        "cashier_seller": (N, "-", N, "-"),
        "franchise": (N, "rwcd", N, "-"),
        "portal": (N, "-", N, "-"),
    },
    "oto.whatsapp.message": {
        "seller": ("-", "-", "-", "-"),
        "seller_pin": ("-", "-", "-", "-"),
        "manager": ("r", "r", "-", "-"),
        "manager_pin": ("-", "-", "-", "-"),
        "admin": (N, "r", "r", "-"),
        "cashier": (N, "-", "-", "-"),
        "cashier_seller": ("-", "-", "-", "-"),
        "franchise": (N, "r", N, "-"),
        "portal": (N, "-", "-", "-"),
    },
}


def render_markdown():
    """The README's table: per role (folded), a row per model, a column per
    scope, the operations allowed in each cell."""
    lines = []
    for role, role_label in ROLES.items():
        rows = [
            (model, label, EXPECTED[model][role])
            for model, (label, _level) in MODELS.items()
            if role in EXPECTED.get(model, {})
        ]
        if not rows:
            continue
        lines.append(f"<details><summary><b>{role_label}</b></summary>")
        lines.append("")
        lines.append(
            "| records | " + " | ".join(SCOPE_LABELS[s] for s in SCOPES) + " |"
        )
        lines.append("| --- |" + " :---: |" * len(SCOPES))
        for model, label, cells in rows:
            lines.append(
                f"| {label} (`{model}`) | "
                + " | ".join("n/a" if c is None else c for c in cells)
                + " |"
            )
        lines.append("")
        lines.append("</details>")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def matrix_size(models=None, roles=None):
    """The number of (model, role, scope, operation) cells checked."""
    count = 0
    for model, by_role in EXPECTED.items():
        if models is not None and model not in models:
            continue
        for role, cells in by_role.items():
            if roles is not None and role not in roles:
                continue
            count += 4 * sum(1 for c in cells if c is not None)
    return count
