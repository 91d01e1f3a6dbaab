# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pytest

from oto_crm.tools.password_policy import password_problems


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("Aurora#2026", []),
        ("Abcdefgh1!", []),  # exactly 10
        ("Abcdefg1!", ["length"]),  # 9
        ("Ação da loja 1", []),  # accented letters and a space as the special
        ("aurora#2026", ["upper"]),
        ("AURORA#2026", ["lower"]),
        ("Aurora#loja", ["digit"]),
        ("Aurora20260", ["special"]),
        ("", ["length", "digit", "upper", "lower", "special"]),
        (None, ["length", "digit", "upper", "lower", "special"]),
        ("１２３Aurora#", []),  # full-width digits are digits
    ],
)
def test_password_problems(password, problems):
    assert password_problems(password) == problems
