# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The password policy of Oto users (plain Python)."""

import unicodedata

MIN_LENGTH = 10


def is_special(char):
    """A punctuation mark or a symbol (``! @ # $ % * _ - €``...): not a
    letter, a digit or an accent, and not a space, a tab or another
    invisible character."""
    return unicodedata.category(char)[0] in ("P", "S")


def password_problems(password):
    """What ``password`` lacks, as keys: ``length``, ``digit``, ``upper``,
    ``lower``, ``special`` (a punctuation mark or a symbol: a space does not
    count). Empty when the password is acceptable."""
    password = password or ""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("length")
    if not any(c.isdigit() for c in password):
        problems.append("digit")
    if not any(c.isupper() for c in password):
        problems.append("upper")
    if not any(c.islower() for c in password):
        problems.append("lower")
    if not any(is_special(c) for c in password):
        problems.append("special")
    return problems
