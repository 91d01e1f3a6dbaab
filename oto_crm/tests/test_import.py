# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import datetime
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

DATA = Path(__file__).resolve().parents[2] / "data"


class ImportCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create(
            {"name": "Oto Import Brand", "country_id": cls.env.ref("base.br").id}
        )
        cls.admin = new_test_user(
            cls.env,
            "oto_import_admin",
            groups="oto_crm.oto_crm_group_admin",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.env = cls.env(
            user=cls.admin,
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id]),
        )
        cls.Import = cls.env["oto.import"]

    def _run(self, kind, text, encoding="utf-8", **kwargs):
        data = text.encode(encoding) if isinstance(text, str) else text
        return self.Import._run(kind, data, f"{kind}.csv", **kwargs)

    def _issues(self, result):
        return [(i["row"], i["column"], i["message"]) for i in result["issues"]]

    def _base(self):
        """Two stores and two sellers, imported."""
        self.assertTrue(
            self._run(
                "stores",
                "code,name,kind,city,state,phone,area_codes\n"
                "SP01,Loja Jardins,own,São Paulo,SP,+551130615500,11 12\n"
                "RJ01,Loja Ipanema,franchise,Rio de Janeiro,RJ,,21\n",
            )["done"]
        )
        self.assertTrue(
            self._run(
                "sellers",
                "code,name,store_code,email,mobile\n"
                "sp01-ana,Ana Souza,SP01,ana@example.com,(11) 98765-4321\n"
                "RJ01-BIA,Bia Reis,rj01,,\n",
            )["done"]
        )
        self.store_sp = self.env["oto.store"].search([("code", "=", "SP01")])
        self.ana = self.env["oto.seller"].search([("code", "=", "SP01-ANA")])
        self.bia = self.env["oto.seller"].search([("code", "=", "RJ01-BIA")])


@tagged("post_install", "-at_install", "oto_crm")
class TestImport(ImportCommon):
    def test_sample_files_import_and_import_again_without_duplicates(self):
        if not (DATA / "purchases.csv").exists():
            self.skipTest("the repository's data/ folder is not here (a wheel)")
        # The sellers with a login of their own have their users already.
        with open(DATA / "sellers.csv", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                if not row["login"]:
                    continue
                Users = self.env["res.users"].sudo()
                user = Users.search([("login", "=", row["login"])])
                if user:  # the demo brand's, with demo data
                    user.company_ids |= self.company
                else:
                    new_test_user(
                        self.env(su=True),
                        row["login"],
                        groups="oto_crm.oto_crm_group_seller",
                        company_id=self.company.id,
                        company_ids=[self.company.id],
                    )
        results = {}
        for kind in ("stores", "sellers", "customers", "purchases"):
            data = (DATA / f"{kind}.csv").read_bytes()
            results[kind] = self.Import._run(kind, data, f"{kind}.csv")
            self.assertEqual(results[kind]["issues"], [], kind)
            self.assertTrue(results[kind]["done"], kind)
        self.assertEqual(results["stores"]["created"], 3)
        self.assertEqual(results["sellers"]["created"], 12)
        self.assertEqual(results["customers"]["created"], 300)
        with open(DATA / "purchases.csv", encoding="utf-8") as file:
            orders = {row["order_ref"] for row in csv.DictReader(file)}
        self.assertEqual(results["purchases"]["created"], len(orders))
        External = self.env["oto.external.purchase"]
        self.assertEqual(External.search_count([]), len(orders))
        purchases = self.env["oto.purchase"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(purchases), len(orders))
        self.assertEqual(set(purchases.mapped("source")), {"external"})
        customer = self.env["res.partner"].search([("ref", "=", "C0001")])
        self.assertEqual(customer.oto_phone_e164, "+5535985717847")
        self.assertEqual(customer.oto_seller_id.code, "MG01-RAFAEL")
        consents = self.env["oto.consent"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(consents), 3)
        self.assertEqual(set(consents.mapped("source")), {"import"})
        self.assertEqual(str(consents[0].date.date()), "2025-07-06")
        ledger_count = self.env["oto.consent"].search_count([])
        # Again: nothing created, nothing written.
        self.env.cr.execute("SELECT max(write_date) FROM oto_external_purchase")
        written = self.env.cr.fetchone()[0]
        for kind in ("stores", "sellers", "customers", "purchases"):
            data = (DATA / f"{kind}.csv").read_bytes()
            again = self.Import._run(kind, data, f"{kind}.csv")
            self.assertEqual((again["created"], again["updated"]), (0, 0), kind)
        self.assertEqual(External.search_count([]), len(orders))
        self.assertEqual(self.env["oto.consent"].search_count([]), ledger_count)
        self.env.cr.execute("SELECT max(write_date) FROM oto_external_purchase")
        self.assertEqual(self.env.cr.fetchone()[0], written)
        # And the wallet engine places the customers from that history.
        self.env["oto.wallet.engine"].sudo()._action_wallet_refresh(
            self.company, mode="full"
        )
        self.assertTrue(customer.oto_purchase_count or not customer.oto_seller_id)

    def test_latin1_semicolons_decimal_commas_brazilian_dates(self):
        self._base()
        customers = (
            "Código;Nome;Celular;E-mail;Nascimento;Aceita WhatsApp;Aceita SMS;"
            "Data consentimento;Loja\n"
            "C1;João Conceição;(11) 98765-1111;joao@example.com;31/12/1990;sim;"
            "não;05/01/2025;SP01\n"
        )
        result = self._run("customers", customers, "latin-1")
        self.assertEqual(result["issues"], [])
        joao = self.env["res.partner"].search([("ref", "=", "C1")])
        self.assertEqual(joao.name, "João Conceição")
        self.assertEqual(str(joao.oto_birthdate), "1990-12-31")
        self.assertEqual(joao.oto_store_id, self.store_sp)
        self.assertFalse(joao.oto_optout_whatsapp)
        self.assertTrue(joao.oto_optout_sms)
        purchases = (
            "Pedido;Data;Loja;Vendedor;Cliente;Produto;Quantidade;Preço\n"
            "V1;02/03/2025 14:30;SP01;SP01-ANA;C1;Vestido;2;1.234,56\n"
            "V1;02/03/2025 14:30;SP01;SP01-ANA;C1;Saia;1;100,00\n"
        )
        result = self._run("purchases", "\ufeff" + purchases)
        self.assertEqual(result["issues"], [])
        purchase = self.env["oto.external.purchase"].search(
            [("external_id", "=", "V1")]
        )
        self.assertAlmostEqual(purchase.amount_total, 2569.12)
        self.assertEqual(purchase.item_count, 3)
        self.assertEqual(len(purchase.line_ids), 2)
        # 14:30 in São Paulo is 17:30 UTC.
        self.assertEqual(purchase.date_order, datetime(2025, 3, 2, 17, 30))
        self.assertEqual((purchase.seller_id, purchase.channel), (self.ana, "store"))

    def test_every_problem_on_its_row_and_column_and_nothing_written(self):
        self._base()
        text = (
            "ref,name,email,mobile,birthdate,store_code,seller_code,consent_sms\n"
            "C1,Ana,ana@example.com,11987650001,1990-01-01,SP01,SP01-ANA,yes\n"
            "C2,,not-an-email,123,31/02/1990,XX99,NOPE,maybe\n"
            "C1,Ana again,,,,,,\n"
        )
        result = self._run("customers", text)
        self.assertFalse(result["done"])
        self.assertEqual(result["rows"], 3)
        self.assertEqual(result["error_rows"], 2)
        issues = self._issues(result)
        columns = [(row, column) for row, column, _message in issues]
        self.assertEqual(
            columns,
            [
                (3, "name"),
                (3, "email"),
                (3, "mobile"),
                (3, "birthdate"),
                (3, "store_code"),
                (3, "seller_code"),
                (3, "consent_sms"),
                (4, "ref"),
            ],
        )
        messages = dict(((r, c), m) for r, c, m in issues)
        self.assertIn("“not-an-email” is not an email address", messages[(3, "email")])
        self.assertIn("too short", messages[(3, "mobile")])
        self.assertIn("No store with the code “XX99”", messages[(3, "store_code")])
        self.assertIn("No seller with the code “NOPE”", messages[(3, "seller_code")])
        self.assertIn("also on row 2", messages[(4, "ref")])
        self.assertFalse(self.env["res.partner"].search([("ref", "in", ["C1", "C2"])]))
        # The rows in error, as they were, with their reasons.
        errors = list(csv.reader(io.StringIO(result["error_file"].decode("utf-8-sig"))))
        self.assertEqual(errors[0][-1], "Problems")
        self.assertEqual([row[0] for row in errors[1:]], ["3", "4"])
        self.assertEqual(errors[1][1:3], ["C2", ""])
        # Only the valid rows, when the person chooses so.
        result = self._run("customers", text, mode="valid")
        self.assertTrue(result["done"])
        self.assertEqual(result["created"], 1)
        self.assertEqual(
            self.env["res.partner"].search([("ref", "in", ["C1", "C2"])]).name, "Ana"
        )

    def test_problems_in_the_users_language(self):
        if not self.env["res.lang"]._lang_get("pt_BR"):
            self.env["res.lang"].sudo()._activate_lang("pt_BR")
            self.env["ir.module.module"].sudo().search(
                [("name", "=", "oto_crm")]
            )._update_translations("pt_BR")
        self._base()
        result = self.Import.with_context(lang="pt_BR")._run(
            "customers", b"ref,name,email\nC1,Ana,nope\n", "c.csv"
        )
        self.assertIn("não é um endereço de e-mail", result["issues"][0]["message"])

    def test_purchases_unknown_customer_and_an_order_left_out_whole(self):
        self._base()
        self._run("customers", "ref,name\nC1,Ana Cliente\n")
        result = self._run(
            "purchases",
            "order_ref,date,store_code,seller_code,customer_ref,product,quantity,"
            "unit_price\n"
            "P1,2025-07-01T11:57,SP01,SP01-ANA,C1,Vestido,1,100\n"
            "P1,2025-07-01T11:57,SP01,SP01-ANA,C1,Saia,abc,50\n"
            "P2,2025-07-02T10:00,SP01,SP01-ANA,C404,Vestido,1,100\n"
            "P3,2025-07-03T10:00,SP01,SP01-ANA,C1,Vestido,1,100\n"
            "P3,2025-07-04T10:00,SP01,SP01-ANA,C1,Saia,1,100\n"
            "P4,2025-07-05T10:00,SP01,SP01-ANA,C1,,,80\n",
            mode="valid",
        )
        issues = self._issues(result)
        self.assertEqual(sorted({row for row, _c, _m in issues}), [2, 3, 4, 5, 6])
        by_row = {}
        for row, column, message in issues:
            by_row.setdefault(row, []).append((column, message))
        self.assertIn("Another line of order “P1”", by_row[2][0][1])
        self.assertEqual(by_row[3][0][0], "quantity")
        self.assertIn("No customer with the code “C404”", by_row[4][0][1])
        self.assertIn("than row 5", dict(by_row[6])["date"])
        self.assertIn("Another line of order “P3”", dict(by_row[5])["order_ref"])
        self.assertTrue(result["done"])
        refs = self.env["oto.external.purchase"].search([]).mapped("external_id")
        self.assertEqual(refs, ["P4"])

    def test_reimport_updates_by_external_id_and_cancellation(self):
        self._base()
        self._run("customers", "ref,name\nC1,Ana Cliente\nC2,Bia Cliente\n")
        header = "order_ref,date,store_code,seller_code,customer_ref,amount,status\n"
        self._run("purchases", header + "P1,2025-07-01,SP01,SP01-ANA,C1,100,\n")
        purchase = self.env["oto.external.purchase"].search(
            [("external_id", "=", "P1")]
        )
        self.assertEqual((purchase.amount_total, purchase.item_count), (100, 1))
        result = self._run(
            "purchases", header + "P1,2025-07-01,SP01,SP01-ANA,C2,150,cancelado\n"
        )
        self.assertEqual((result["created"], result["updated"]), (0, 1))
        purchase.invalidate_recordset()
        self.assertEqual(
            (purchase.partner_id.ref, purchase.amount_total, purchase.state),
            ("C2", 150, "cancel"),
        )
        self.assertFalse(
            self.env["oto.purchase"].search(
                [("source", "=", "external"), ("res_id", "=", purchase.id)]
            )
        )
        # Codes are the brand's whatever their case: the store is updated.
        result = self._run("stores", "code,name\nsp01,Loja Jardins Nova\n")
        self.assertEqual((result["created"], result["updated"]), (0, 1))
        self.assertEqual(self.store_sp.name, "Loja Jardins Nova")

    def test_consent_already_revoked_later_is_not_overwritten(self):
        self._base()
        self._run("customers", "ref,name\nC1,Ana Cliente\n")
        customer = self.env["res.partner"].search([("ref", "=", "C1")])
        self.env["oto.consent"].sudo().create(
            {
                "partner_id": customer.id,
                "channel": "whatsapp",
                "granted": False,
                "source": "pos",
                "company_id": self.company.id,
            }
        )
        self.assertTrue(customer.oto_optout_whatsapp)
        self._run(
            "customers",
            "ref,name,consent_whatsapp,consent_date\nC1,Ana Cliente,yes,2024-01-01\n",
        )
        self.assertTrue(customer.oto_optout_whatsapp)
        self.assertEqual(
            self.env["oto.consent"].search_count([("partner_id", "=", customer.id)]), 1
        )

    def test_files_that_are_not_tables(self):
        for data, expected in (
            (b"", "The file is empty."),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "not a CSV file"),
            (b"PK\x03\x04not a workbook", "cannot be read as an XLSX"),
            (b"ref,name\n", "a header but no rows"),
            (b"name,email\nAna,a@example.com\n", "no column for: Customer code"),
        ):
            result = self.Import._run("customers", data, "customers.csv")
            self.assertIn(expected, result["file_issue"])
            self.assertFalse(result["done"])

    def test_xlsx(self):
        import openpyxl  # noqa: PLC0415

        book = openpyxl.Workbook()
        book.active.append(["Código", "Nome", "Tipo", "DDDs"])
        book.active.append(["MG01", "Loja Savassi", "Franquia", "31 32"])
        buffer = io.BytesIO()
        book.save(buffer)
        result = self.Import._run("stores", buffer.getvalue(), "lojas.xlsx")
        self.assertEqual(result["issues"], [])
        store = self.env["oto.store"].search([("code", "=", "MG01")])
        self.assertEqual((store.kind, store.area_codes), ("franchise", "31, 32"))

    def test_only_brand_admins_import(self):
        manager = new_test_user(
            self.env(su=True),
            "oto_import_manager",
            groups="oto_crm.oto_crm_group_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        with self.assertRaises(AccessError):
            self.Import.with_user(manager)._run("stores", b"code,name\nX,Y\n", "s.csv")
        with self.assertRaises(AccessError):
            self.env["oto.import.wizard"].with_user(manager).create({"kind": "stores"})

    def test_wizard_preview_mapping_check_and_import(self):
        self._base()
        text = (
            "Código do cliente;Nome completo;Celular;Coluna estranha\n"
            "C1;Ana Cliente;(11) 98765-2222;x\n"
            "C2;;123;y\n"
        )
        wizard = self.env["oto.import.wizard"].create(
            {
                "kind": "customers",
                "file": base64.b64encode(text.encode("latin-1")),
                "filename": "clientes.csv",
            }
        )
        wizard.action_read()
        self.assertEqual(
            wizard.column_ids.mapped("field_key"), ["ref", "name", "mobile", False]
        )
        self.assertEqual(wizard.column_ids[0].sample, "C1")
        self.assertIn("Ana Cliente", wizard.preview)
        wizard.action_check()
        self.assertEqual((wizard.row_count, wizard.error_row_count), (2, 1))
        self.assertEqual(
            wizard.issue_ids.mapped("column"), ["Nome completo", "Celular"]
        )
        self.assertTrue(wizard.error_file)
        self.assertIn("/error_file/", wizard.action_download_errors()["url"])
        wizard.action_import()
        self.assertEqual(wizard.state, "checked")
        self.assertFalse(self.env["res.partner"].search([("ref", "=", "C1")]))
        # Two columns as one field are refused; then valid rows only.
        wizard.column_ids[3].field_key = "name"
        with self.assertRaisesRegex(UserError, "are both"):
            wizard.action_check()
        wizard.column_ids[3].field_key = "order_ref"
        with self.assertRaisesRegex(UserError, "has no"):
            wizard.action_check()
        wizard.column_ids[3].field_key = False
        wizard.mode = "valid"
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertIn("1 created", wizard.summary)
        self.assertEqual(
            self.env["res.partner"].search([("ref", "=", "C1")]).oto_phone_e164,
            "+5511987652222",
        )


@tagged("post_install", "-at_install", "oto_crm")
class TestImportJob(ImportCommon):
    """Large files in the background: queued by the person, imported by the
    scheduled action as that person, the outcome kept."""

    def _wizard(self, text, **values):
        wizard = self.env["oto.import.wizard"].create(
            {
                "kind": "stores",
                "file": base64.b64encode(text.encode()),
                "filename": "lojas.csv",
                **values,
            }
        )
        wizard.action_read()
        return wizard

    def test_queued_then_imported_by_the_scheduled_action(self):
        cron = self.env.ref("oto_crm.ir_cron_oto_import_jobs")
        triggers = (
            self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])
        )
        action = self._wizard(
            "Código;Nome;DDDs\nSP01;Loja Jardins;11 12\nRJ01;Loja Ipanema;21\n"
        ).action_import_background()
        job = self.env["oto.import.job"].browse(action["res_id"])
        self.assertEqual(
            (job.state, job.user_id, job.kind), ("queued", self.admin, "stores")
        )
        self.assertEqual(job.mapping, ["code", "name", "area_codes"])
        self.assertEqual(
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", cron.id)]),
            triggers + 1,
        )
        self.assertFalse(self.env["oto.store"].search([("code", "=", "SP01")]))
        self.env["oto.import.job"].sudo()._cron_run_imports()
        self.assertEqual((job.state, job.progress), ("done", 100))
        self.assertEqual((job.row_count, job.created_count), (2, 2))
        store = self.env["oto.store"].search([("code", "=", "SP01")])
        self.assertEqual((store.area_codes, store.create_uid), ("11, 12", self.admin))

    def test_a_file_with_problems_is_refused_with_its_reasons(self):
        action = self._wizard(
            "code,name\nSP01,Loja\n,Sem código\n"
        ).action_import_background()
        job = self.env["oto.import.job"].browse(action["res_id"])
        self.env["oto.import.job"].sudo()._cron_run_imports()
        self.assertEqual(job.state, "refused")
        self.assertIn("rows in error", job.message)
        self.assertEqual(job.issues[0]["row"], 3)
        self.assertIn("cannot be empty", job.issues_html)
        self.assertTrue(job.error_file)
        self.assertFalse(self.env["oto.store"].search([("code", "=", "SP01")]))

    def test_a_failure_writes_nothing_and_says_why(self):
        action = self._wizard("code,name\nSP01,Loja\n").action_import_background()
        job = self.env["oto.import.job"].browse(action["res_id"])
        Import = type(self.env["oto.import"])
        original = Import._merge_rows

        def broken(engine, kind, filename):
            original(engine, kind, filename)
            raise ValueError("disk full")

        with (
            patch.object(Import, "_merge_rows", broken),
            mute_logger("odoo.addons.oto_crm.models.oto_import_job"),
        ):
            self.env["oto.import.job"].sudo()._cron_run_imports()
        self.assertEqual(job.state, "failed")
        self.assertIn("disk full", job.message)
        self.assertFalse(self.env["oto.store"].search([("code", "=", "SP01")]))

    def test_progress_is_told_as_rows_are_read(self):
        calls = []
        rows = "".join(f"S{n},Loja {n}\n" for n in range(120000))
        self.Import._run(
            "stores",
            ("code,name\n" + rows).encode(),
            "s.csv",
            dry_run=True,
            progress=lambda done, total: calls.append((done, total)),
        )
        self.assertEqual(calls, [(50000, 120001), (100000, 120001), (120000, 120001)])
