# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The engine results moved from ``res_partner`` columns to the narrow table
``oto_wallet_customer``: drop the old columns (and their indexes) and make the
next nightly run a full one, which fills the new table."""

from odoo.tools import SQL

OLD_COLUMNS = (
    "oto_last_purchase",
    "oto_purchase_count",
    "oto_purchase_amount",
    "oto_r_score",
    "oto_f_score",
    "oto_v_score",
    "oto_preferred_store_id",
    "oto_preferred_seller_id",
)


def migrate(cr, version):
    if not version:
        return
    for column in OLD_COLUMNS:
        cr.execute(
            SQL(
                "ALTER TABLE res_partner DROP COLUMN IF EXISTS %s",
                SQL.identifier(column),
            )
        )
    cr.execute("DROP INDEX IF EXISTS res_partner__oto_rfv_segment_id_index")
    # Segments come back with the full run, from the new state.
    cr.execute(
        "UPDATE res_partner SET oto_rfv_segment_id = NULL "
        "WHERE oto_rfv_segment_id IS NOT NULL"
    )
    cr.execute("UPDATE res_company SET oto_last_engine_run = NULL")
