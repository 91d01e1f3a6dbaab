# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid

from odoo import fields
from odoo.tests import TransactionCase


class PosCommon(TransactionCase):
    """A store with two active sellers and an archived one, a point of sale
    of that store with a cash method, and a product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.store = cls.env["oto.store"].create({"name": "Loja POS", "code": "POS1"})
        cls.other_store = cls.env["oto.store"].create(
            {"name": "Outra loja", "code": "POS2"}
        )
        cls.seller = cls.env["oto.seller"].create(
            {"name": "Ana POS", "code": "POS1-ANA", "store_id": cls.store.id}
        )
        cls.seller_2 = cls.env["oto.seller"].create(
            {"name": "Carla POS", "code": "POS1-CAR", "store_id": cls.store.id}
        )
        cls.archived_seller = cls.env["oto.seller"].create(
            {"name": "Dora POS", "code": "POS1-DOR", "store_id": cls.store.id}
        )
        cls.archived_seller.active = False
        cls.other_seller = cls.env["oto.seller"].create(
            {"name": "Bruno POS", "code": "POS2-BRU", "store_id": cls.other_store.id}
        )
        # A journal of its own: the database may already have a point of
        # sale paid in cash (a cash journal serves one cash method).
        journal = cls.env["account.journal"].create(
            {"name": "Caixa POS test", "type": "cash", "code": "OTOPT"}
        )
        cls.cash = cls.env["pos.payment.method"].create(
            {"name": "Dinheiro POS test", "journal_id": journal.id}
        )
        cls.config = cls.env["pos.config"].create(
            {
                "name": "Caixa Loja POS",
                "oto_store_id": cls.store.id,
                "payment_method_ids": [(6, 0, cls.cash.ids)],
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Vestido midi",
                "available_in_pos": True,
                "lst_price": 200.0,
                "taxes_id": [(5, 0, 0)],
            }
        )

    def _order(self, seller, partner=None, total=0.0, state=None):
        """A POS order written directly (no lines)."""
        self.config.open_ui()
        order = self.env["pos.order"].create(
            {
                "session_id": self.config.current_session_id.id,
                "partner_id": partner.id if partner else False,
                "amount_tax": 0.0,
                "amount_total": total,
                "amount_paid": total,
                "amount_return": 0.0,
                "oto_seller_id": seller.id if seller else False,
            }
        )
        if state:
            order.write({"state": state})
        return order

    def _ui_order(self, seller=None, partner=None, qty=1, refunded_line=None, **extra):
        """An order as the POS sends it when it syncs (paid in cash)."""
        self.config.open_ui()
        price = self.product.lst_price
        total = price * qty
        order_uuid = str(uuid.uuid4())
        line = {
            "product_id": self.product.id,
            "qty": qty,
            "price_unit": price,
            "price_subtotal": total,
            "price_subtotal_incl": total,
            "discount": 0.0,
            "tax_ids": [(6, 0, [])],
            "pack_lot_ids": [],
            "full_product_name": self.product.name,
        }
        if refunded_line:
            line["refunded_orderline_id"] = refunded_line.id
        data = {
            "uuid": order_uuid,
            "name": f"Order {order_uuid}",
            "session_id": self.config.current_session_id.id,
            "user_id": self.env.uid,
            "partner_id": partner.id if partner else False,
            "pricelist_id": self.config.pricelist_id.id,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "lines": [(0, 0, line)],
            "payment_ids": [
                (
                    0,
                    0,
                    {
                        "amount": total,
                        "name": fields.Datetime.now(),
                        "payment_method_id": self.cash.id,
                    },
                )
            ],
            "amount_paid": total,
            "amount_total": total,
            "amount_tax": 0.0,
            "amount_return": 0.0,
            "state": "paid",
            "oto_seller_id": seller.id if seller else False,
            **extra,
        }
        result = self.env["pos.order"].sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])
