# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The password policy of Oto users (plain Python)."""

MIN_LENGTH = 10


def password_problems(password):
    """What ``password`` lacks, as keys: ``length``, ``digit``, ``upper``,
    ``lower``, ``special`` (any character that is neither a letter nor a
    digit, a space included). Empty when the password is acceptable."""
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
    if not any(not c.isalnum() for c in password):
        problems.append("special")
    return problems
