# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _eval_context(self):
        """Oto's record rules name the sellers and stores the session acts
        for (``oto.access``): a personal login's sellers, or the seller who
        identified by PIN on a store's shared device."""
        context = super()._eval_context()
        scope = self.env["oto.access"]._scope()
        context["oto_seller_ids"] = list(scope.seller_ids)
        context["oto_store_ids"] = list(scope.store_ids)
        # Sellers and store managers whom Sales does not give "All
        # documents": the sales documents nobody is assigned to are theirs
        # only when of their stores (Sales' "Own documents" gives every
        # unassigned one).
        user = self.env.user
        context["oto_store_scoped"] = bool(
            not self.env.su
            and not scope.admin
            and user._has_group("oto_crm.oto_crm_group_seller")
            and not user._has_group("sales_team.group_sale_salesman_all_leads")
        )
        # Oto's people and the counters (its sellers, managers, admins,
        # cashiers): a wallet's customers stay in the wallet's company. The
        # business's other users (accounting, a sales team outside Oto) see
        # the customers as Odoo shows them.
        context["oto_company_scoped"] = bool(
            not self.env.su
            and (
                user._has_group("oto_crm.oto_crm_group_seller")
                or (
                    # (The point of sale may not be installed.)
                    self.env.ref("point_of_sale.group_pos_user", False)
                    and user._has_group("point_of_sale.group_pos_user")
                )
            )
        )
        return context

    def _compute_domain_context_values(self):
        # The rules' domains depend on the session (the PIN seller), not only
        # on the user: the cached domains are keyed on the scope itself.
        yield from super()._compute_domain_context_values()
        if not self.env.su:
            scope = self.env["oto.access"]._scope()
            yield (scope.seller_ids, scope.store_ids)
