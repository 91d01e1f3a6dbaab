# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tools import SQL, split_every

from .models.res_partner import e164_of


def pre_init_hook(env):
    """Installed into a running business, the add-on adds columns and writes
    nothing else: the stored computed columns on Odoo's tables are created
    here, with the values their computes give at install (no seller, store
    or idle subject yet; the E.164 form of the partners' numbers), by SQL.
    Left to Odoo, they would be computed through the ORM, which stamps every
    partner, subject and order as written now by the installer."""
    cr = env.cr
    cr.execute(
        """
        ALTER TABLE res_partner
            ADD COLUMN IF NOT EXISTS oto_store_id int4,
            ADD COLUMN IF NOT EXISTS oto_phone_e164 varchar;
        ALTER TABLE sale_order
            ADD COLUMN IF NOT EXISTS oto_seller_id int4,
            ADD COLUMN IF NOT EXISTS oto_store_id int4;
        ALTER TABLE crm_lead
            ADD COLUMN IF NOT EXISTS oto_no_interaction_count int4 DEFAULT 0;
        ALTER TABLE crm_lead ALTER COLUMN oto_no_interaction_count DROP DEFAULT;
        """
    )
    cr.execute(
        "SELECT id, mobile, phone FROM res_partner "
        "WHERE mobile IS NOT NULL OR phone IS NOT NULL"
    )
    numbers = [(pid, e164_of(mobile, phone)) for pid, mobile, phone in cr.fetchall()]
    for batch in split_every(10000, [n for n in numbers if n[1]]):
        cr.execute(
            SQL(
                """
                UPDATE res_partner p SET oto_phone_e164 = n.e164
                  FROM unnest(%s::int[], %s::varchar[]) AS n(id, e164)
                 WHERE p.id = n.id
                """,
                [n[0] for n in batch],
                [n[1] for n in batch],
            )
        )


def uninstall_hook(env):
    """What the ORM does not know of goes with the add-on (the engine's
    queue and change log, the triggers writing it, an index on Odoo's
    orders); the funnel of subjects stays with its
    subjects: when the shipped team or its stages hold subjects, they are
    left to the business (no longer ours, so the uninstall does not delete
    them) instead of the team going and its stages turning up in every
    other pipeline."""
    env.cr.execute(
        "DROP TABLE IF EXISTS oto_wallet_run_queue; "
        "DROP INDEX IF EXISTS sale_order_oto_write_date_idx; "
        "DROP INDEX IF EXISTS res_partner_oto_ref_idx"
    )
    # The wallet engine's change log and its triggers on Odoo's tables.
    env["oto.purchase"]._wallet_change_log_drop()
    team = env.ref("oto_crm.crm_team_funnel", raise_if_not_found=False)
    data = env["ir.model.data"].search(
        [("module", "=", "oto_crm"), ("model", "in", ("crm.team", "crm.stage"))]
    )
    stage_ids = [d.res_id for d in data if d.model == "crm.stage"]
    leads = env["crm.lead"].with_context(active_test=False)
    held = leads.search_count(
        ["|", ("team_id", "=", team.id if team else 0), ("stage_id", "in", stage_ids)],
        limit=1,
    ) or (
        # Quotations and invoices made from its subjects name the team too
        # (Odoo would empty their sales team with it).
        team
        and any(
            env[model]
            .sudo()
            .with_context(active_test=False)
            .search_count([("team_id", "=", team.id)], limit=1)
            for model in ("sale.order", "account.move")
        )
    )
    if held:
        # The team's email alias too (Odoo names it after the team).
        aliases = env["ir.model.data"].search(
            [
                ("module", "=", "oto_crm"),
                ("model", "=", "mail.alias"),
                ("res_id", "=", team.alias_id.id if team else 0),
            ]
        )
        (data | aliases).unlink()
