# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The funnel's stages belong to the Oto funnels, not to every pipeline of
the ERP: the five shipped stages, shared by every team until now, move to the
sales team "Subjects funnel" (created by this version's data), numbered
after Odoo's default stages (still numbered as shipped). Subjects of
other teams that sit in them keep their stage (a pipeline shows every stage
holding its subjects). Odoo's four default stages, which earlier versions
deleted at install when no subject used them, come back when all four are
gone and the database holds no stage but the shipped ones (what the earlier
install left); a business that has stages of its own may have deleted them
itself: they are not brought back, a warning says so.

Idempotent: a database at 18.0.1.5.0 may have run it already (the two
changes shipped under one number for a while)."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

# The shipped stages and their numbers: before (1 to 4, 70: mixed with Odoo's
# default stages in any search of the whole database), now after them.
FUNNEL_STAGES = {
    "crm_stage_prospecting": (1, 11),
    "crm_stage_contacted": (2, 12),
    "crm_stage_proposal": (3, 13),
    "crm_stage_negotiation": (4, 14),
    "crm_stage_closed": (70, 80),
}
# As crm/data/crm_stage_data.xml makes them.
ODOO_STAGE_VALUES = {
    "stage_lead1": {"name": "New", "sequence": 1},
    "stage_lead2": {"name": "Qualified", "sequence": 2},
    "stage_lead3": {"name": "Proposition", "sequence": 3},
    "stage_lead4": {"name": "Won", "sequence": 70, "is_won": True, "fold": False},
}
ODOO_STAGES = tuple(ODOO_STAGE_VALUES)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    team = env.ref("oto_crm.crm_team_funnel", raise_if_not_found=False)
    stages = env["crm.stage"].browse(
        stage.id
        for xmlid in FUNNEL_STAGES
        if (stage := env.ref(f"oto_crm.{xmlid}", raise_if_not_found=False))
    )
    if team and stages:
        stages.filtered(lambda stage: not stage.team_id).write({"team_id": team.id})
    for xmlid, (before, now) in FUNNEL_STAGES.items():
        stage = env.ref(f"oto_crm.{xmlid}", raise_if_not_found=False)
        if stage and stage.sequence == before:
            stage.sequence = now
    if not any(env.ref(f"crm.{x}", raise_if_not_found=False) for x in ODOO_STAGES):
        _restore_odoo_stages(env)


def _restore_odoo_stages(env):
    """Odoo's default stages, as crm/data/crm_stage_data.xml makes them,
    when the earlier install is what deleted them."""
    shipped = [
        stage.id
        for xmlid in FUNNEL_STAGES
        if (stage := env.ref(f"oto_crm.{xmlid}", raise_if_not_found=False))
    ]
    own = env["crm.stage"].search([("id", "not in", shipped)])
    if own:
        _logger.warning(
            "Odoo's default CRM stages (New, Qualified, Proposition, Won) are "
            "gone and the database has stages of its own (%s): not brought "
            "back. Earlier versions of Oto CRM deleted them at install when no "
            "subject used them; create them again in CRM > Configuration > "
            "Stages if your pipelines need them.",
            ", ".join(own.mapped("name")),
        )
        return
    Data = env["ir.model.data"]
    for xmlid, values in ODOO_STAGE_VALUES.items():
        stage = env["crm.stage"].create(values)
        Data.create(
            {
                "module": "crm",
                "name": xmlid,
                "model": "crm.stage",
                "res_id": stage.id,
                "noupdate": True,
            }
        )
    _logger.info("Odoo's default CRM stages restored (deleted by an earlier install)")
    langs = [code for code, _name in env["res.lang"].get_installed()]
    env["ir.module.module"]._load_module_terms(["crm"], langs, overwrite=False)
