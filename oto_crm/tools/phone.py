"""Phone hygiene for Brazil: E.164 normalization and 9th-digit matching.

Plain Python (no Odoo): takes strings, returns strings, raises ``PhoneError``
with a machine-readable ``code`` that the Odoo layer turns into a translated
message.

Brazilian numbers are ``+55 DD NNNNNNNN(N)``: a two-digit area code (DDD,
11 to 99) then 8 digits for landlines (starting 2-5) or 9 digits for mobiles
(``9`` followed by 8 digits). Until 2016 mobiles had 8 digits, and customers
still type them that way; WhatsApp also reports some old accounts without the
``9``. ``normalize_phone`` adds the missing ``9`` to an 8-digit mobile, and
``phone_variants`` gives both spellings for matching.
"""

import re

import phonenumbers

BR_COUNTRY_CODE = 55

# Area codes (DDD) in use in Brazil (Anatel).
BR_AREA_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        19,
        21,
        22,
        24,
        27,
        28,
        31,
        32,
        33,
        34,
        35,
        37,
        38,
        41,
        42,
        43,
        44,
        45,
        46,
        47,
        48,
        49,
        51,
        53,
        54,
        55,
        61,
        62,
        63,
        64,
        65,
        66,
        67,
        68,
        69,
        71,
        73,
        74,
        75,
        77,
        79,
        81,
        82,
        83,
        84,
        85,
        86,
        87,
        88,
        89,
        91,
        92,
        93,
        94,
        95,
        96,
        97,
        98,
        99,
    }
)

_ALLOWED = re.compile(r"^[\d\s()+\-./]+$")


class PhoneError(ValueError):
    """An input that is not a usable phone number.

    ``code`` is one of: ``empty``, ``characters``, ``too_short``, ``too_long``,
    ``area_code``, ``invalid``.
    """

    def __init__(self, code, raw):
        super().__init__(f"{code}: {raw!r}")
        self.code = code
        self.raw = raw


def _digits(raw):
    return re.sub(r"\D", "", raw)


def _fix_brazil(digits):
    """Return national digits (DDD + subscriber) with a 9th digit on mobiles."""
    ddd, subscriber = digits[:2], digits[2:]
    if int(ddd) not in BR_AREA_CODES:
        raise PhoneError("area_code", digits)
    if len(subscriber) == 8 and subscriber[0] in "6789":
        # An old 8-digit mobile: every Brazilian mobile now starts with 9.
        subscriber = "9" + subscriber
    return ddd + subscriber


def normalize_phone(raw, default_region="BR"):
    """Return ``raw`` as E.164 (``+5511987654321``) or raise ``PhoneError``.

    Accepts the usual ways people type Brazilian numbers: with or without
    ``+55``, ``0`` or ``0XX`` carrier prefixes, the DDD in parentheses, dashes,
    dots and spaces, and 8-digit mobiles (the 9th digit is added). Numbers of
    other countries need their ``+`` country code.
    """
    if raw is None or not str(raw).strip():
        raise PhoneError("empty", raw)
    text = str(raw).strip()
    if not _ALLOWED.match(text):
        raise PhoneError("characters", raw)
    digits = _digits(text)
    international = text.startswith("+") or digits.startswith("00")
    digits = digits.removeprefix("00")
    if not international and default_region == "BR":
        if digits.startswith("0"):
            # 0 + DDD + number, or 0 + carrier code (2 digits) + DDD + number.
            digits = digits[1:]
            if len(digits) in (12, 13):
                digits = digits[2:]
        elif len(digits) in (12, 13) and digits.startswith("55"):
            # The country code typed without its +.
            digits = digits[2:]
        digits = "55" + digits
        international = True
    if international and digits.startswith("55"):
        national = digits[2:]
        if len(national) < 10:
            raise PhoneError("too_short", raw)
        if len(national) > 11:
            raise PhoneError("too_long", raw)
        digits = "55" + _fix_brazil(national)
    try:
        number = phonenumbers.parse(
            "+" + digits if international else digits, default_region
        )
    except phonenumbers.NumberParseException as exc:
        raise PhoneError("invalid", raw) from exc
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.TOO_SHORT:
        raise PhoneError("too_short", raw)
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        raise PhoneError("too_long", raw)
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("invalid", raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164):
    """True for a Brazilian mobile (``+55 DD 9NNNNNNNN``) in E.164."""
    return bool(re.fullmatch(r"\+55\d{2}9\d{8}", e164 or ""))


def area_code(e164):
    """The DDD of a Brazilian E.164 number, as an int, else ``None``."""
    match = re.fullmatch(r"\+55(\d{2})\d{8,9}", e164 or "")
    return int(match.group(1)) if match else None


def phone_variants(e164):
    """Both spellings of a Brazilian mobile, for matching (with and without 9).

    ``+5511987654321`` -> ``['+5511987654321', '+551187654321']``; any other
    number -> ``[e164]``.
    """
    match = re.fullmatch(r"\+55(\d{2})(\d{8,9})", e164 or "")
    if not match:
        return [e164] if e164 else []
    ddd, subscriber = match.groups()
    if len(subscriber) == 9 and subscriber[0] == "9":
        return [e164, f"+55{ddd}{subscriber[1:]}"]
    if len(subscriber) == 8 and subscriber[0] in "6789":
        return [f"+55{ddd}9{subscriber}", e164]
    return [e164]


def format_national(e164):
    """``+5511987654321`` -> ``(11) 98765-4321`` (for display)."""
    match = re.fullmatch(r"\+55(\d{2})(\d{4,5})(\d{4})", e164 or "")
    if not match:
        return e164 or ""
    return "({}) {}-{}".format(*match.groups())


def format_international(e164):
    """``+5511987654321`` -> ``+55 11 98765-4321`` (for display and storage
    in free-text phone fields)."""
    match = re.fullmatch(r"\+55(\d{2})(\d{4,5})(\d{4})", e164 or "")
    if not match:
        return e164 or ""
    return "+55 {} {}-{}".format(*match.groups())


def format_display(e164, home_country_code=BR_COUNTRY_CODE):
    """A phone as people read it where the brand is: a number of the
    brand's own country in its national way (``(11) 98765-4321`` in
    Brazil), any other in the international way (``+1 415-555-2671``, with
    its country code). What is not an E.164 number is shown as it is."""
    try:
        number = phonenumbers.parse(e164 or "", None)
    except phonenumbers.NumberParseException:
        return e164 or ""
    if not (e164 or "").startswith("+") or not phonenumbers.is_possible_number(number):
        return e164 or ""
    if number.country_code != home_country_code:
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    if number.country_code == BR_COUNTRY_CODE:
        return format_national(e164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
