# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def migrate(cr, version):
    """The record rules name the session's sellers and stores
    (``oto_seller_ids``, ``oto_store_ids``): reload them from the module
    (their file is noupdate), and let the update remove the per-group rules
    they replace."""
    cr.execute(
        """UPDATE ir_model_data SET noupdate = FALSE
            WHERE module = 'oto_crm' AND model = 'ir.rule'"""
    )
