# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The funnel's stages belong to the Oto funnels, not to every pipeline of
the ERP: the five shipped stages, shared by every team until now, move to the
sales team "Subjects funnel" (created by this version's data), numbered
after Odoo's default stages (still numbered as shipped). Subjects of
other teams that sit in them keep their stage (a pipeline shows every stage
holding its subjects). Odoo's four default stages, which earlier versions
deleted at install when no subject used them, come back when all four are
gone (with their translations).

Idempotent: a database at 18.0.1.5.0 may have run it already (the two
changes shipped under one number for a while)."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import convert_file

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
ODOO_STAGES = ("stage_lead1", "stage_lead2", "stage_lead3", "stage_lead4")


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
        _logger.info("Odoo's default CRM stages restored")
        convert_file(
            env, "crm", "data/crm_stage_data.xml", {}, mode="init", noupdate=True
        )
        langs = [code for code, _name in env["res.lang"].get_installed()]
        env["ir.module.module"]._load_module_terms(["crm"], langs, overwrite=False)
