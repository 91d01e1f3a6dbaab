# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The RFV segment badge is read from the customer's engine state in the
current company (``oto_wallet_customer.segment_id``): the copy kept on
``res_partner`` goes (updating it cost every index of the table, nightly)."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE res_partner DROP COLUMN IF EXISTS oto_rfv_segment_id")
