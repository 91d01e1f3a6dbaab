# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestPosStore(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store = cls.env["oto.store"].create({"name": "Loja POS", "code": "POS1"})
        cls.other_store = cls.env["oto.store"].create(
            {"name": "Outra loja", "code": "POS2"}
        )
        cls.seller = cls.env["oto.seller"].create(
            {"name": "Ana POS", "code": "POS1-ANA", "store_id": cls.store.id}
        )
        cls.other_seller = cls.env["oto.seller"].create(
            {"name": "Bruno POS", "code": "POS2-BRU", "store_id": cls.other_store.id}
        )
        journal = cls.env["account.journal"].search(
            [("type", "=", "cash"), ("company_id", "=", cls.env.company.id)], limit=1
        )
        method = cls.env["pos.payment.method"].create(
            {"name": "Dinheiro POS test", "journal_id": journal.id}
        )
        cls.config = cls.env["pos.config"].create(
            {
                "name": "Caixa Loja POS",
                "oto_store_id": cls.store.id,
                "payment_method_ids": [(6, 0, method.ids)],
            }
        )

    def _order(self, seller):
        self.config.open_ui()
        return self.env["pos.order"].create(
            {
                "session_id": self.config.current_session_id.id,
                "amount_tax": 0.0,
                "amount_total": 0.0,
                "amount_paid": 0.0,
                "amount_return": 0.0,
                "oto_seller_id": seller.id,
            }
        )

    def test_store_lists_its_points_of_sale(self):
        self.assertEqual(self.store.pos_config_ids, self.config)
        self.assertFalse(self.other_store.pos_config_ids)

    def test_order_takes_the_store_of_its_point_of_sale(self):
        order = self._order(self.seller)
        self.assertEqual(order.oto_store_id, self.store)
        self.assertEqual(order.oto_seller_id, self.seller)

    def test_seller_of_another_store_refused(self):
        with self.assertRaises(ValidationError):
            self._order(self.other_seller)
