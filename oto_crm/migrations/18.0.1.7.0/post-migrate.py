# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def migrate(cr, version):
    """The engine state now keeps the time of each recent visit (the first
    tie-break is the most recent sale, not its day) and its changes come
    from the change log, empty until now: the next run rebuilds it."""
    cr.execute("UPDATE res_company SET oto_last_engine_run = NULL")
    cr.execute("DELETE FROM oto_wallet_run_queue")
    cr.execute("UPDATE oto_wallet_run SET state = 'done' WHERE state = 'running'")
