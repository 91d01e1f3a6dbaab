# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def migrate(cr, version):
    """Results are now kept by opportunity type: the kept days are computed
    again (the next refresh, as on the first install). The opportunities
    open today had their products computed by the nightly batch: only those
    created from now on are computed during the day."""
    if not version:
        return
    cr.execute("DELETE FROM oto_result_day")
    cr.execute(
        "DELETE FROM ir_config_parameter WHERE key LIKE %s",
        ["oto\\_crm.results\\_%"],
    )
    cr.execute(
        "ALTER TABLE oto_suggestion ADD COLUMN IF NOT EXISTS products_computed boolean"
    )
    cr.execute("UPDATE oto_suggestion SET products_computed = true")
