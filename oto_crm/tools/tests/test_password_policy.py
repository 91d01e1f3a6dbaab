# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oto_crm.tools.password_policy import is_special, password_problems


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("Aurora#2026", []),
        ("Abcdefgh1!", []),  # exactly 10
        ("Abcdefg1!", ["length"]),  # 9
        ("Ação da loja 1!", []),  # accented letters, spaces and a special
        ("Ação da loja 1", ["special"]),  # a space is not a special character
        ("Aurora\t2026\u00a0x", ["special"]),  # nor a tab, nor a no-break space
        ("Aurora\u200b2026x", ["special"]),  # nor an invisible character
        ("Aurora 2026_", []),  # the underscore is punctuation
        ("Aurora 2026€", []),  # a currency sign is a symbol
        ("Aurora\u03012026x", ["special"]),  # a combining accent is not one
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


BASE = "Aurora2026x"


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(categories=["Zs", "Zl", "Zp", "Cc", "Cf"])))
def test_no_space_or_invisible_character_is_special(filler):
    # Whatever spaces or invisible characters are added, still no special.
    assert "special" in password_problems(BASE + filler)
    assert not any(is_special(c) for c in filler)


@settings(max_examples=300)
@given(
    st.characters(categories=["P", "S"]),
    st.text(alphabet=st.characters(categories=["Zs", "L", "N", "M"]), max_size=5),
)
def test_any_punctuation_or_symbol_is_special(special, filler):
    assert unicodedata.category(special)[0] in "PS"
    assert password_problems(BASE + filler + special) == []
