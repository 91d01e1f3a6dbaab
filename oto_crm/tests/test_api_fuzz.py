# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The opportunity API under hostile input, over HTTP against the real
route: every answer is a 4xx with a JSON body, and nothing is created.

The generated requests are bounded (``OTO_API_FUZZ_EXAMPLES`` per property,
150 by default) and derandomized: the suite sees the same requests on every
run; raise the number locally to search further."""

import json
import logging
import os
import time
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.opportunity_api import validate
from .test_opportunity_api import OpportunityApiCommon

_logger = logging.getLogger(__name__)

URL = "/oto/api/v1/opportunities"
MAX_BODY = 64 * 1024
EXAMPLES = int(os.environ.get("OTO_API_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# ------------------------------------------------------------- strategies

# Text with everything a client may send: controls, NUL, lone surrogates,
# right-to-left marks, emoji, digits of other scripts.
hostile_text = st.text(
    alphabet=st.characters(
        categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Cs", "Co"]
    ),
    max_size=40,
)
limit_numbers = st.sampled_from(
    [
        0,
        -0.0,
        -1,
        2**31,
        2**63,
        -(2**63) - 1,
        2**100,
        1e308,
        -1e308,
        5e-324,
        1.7976931348623157e308,
        0.1,
        True,
        False,
    ]
)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    limit_numbers,
    hostile_text,
)
json_values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(hostile_text, children, max_size=5)
    ),
    max_leaves=20,
)
customers = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(hostile_text, json_values),
            "email": st.one_of(hostile_text, st.emails().map(str), json_values),
            "phone": st.one_of(
                hostile_text,
                st.from_regex(r"\+?[0-9 ()-]{6,20}", fullmatch=True),
                limit_numbers,
            ),
            "document": st.one_of(
                hostile_text, st.from_regex(r"[0-9.\-/]{8,20}", fullmatch=True)
            ),
        },
    ),
)
payloads = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "customer": customers,
            "type": st.one_of(
                st.sampled_from(["behavior", "segment", "manual"]), json_values
            ),
            "reason": st.one_of(hostile_text, json_values),
            "products": st.one_of(
                st.lists(st.one_of(hostile_text, json_values), max_size=25), json_values
            ),
            "message": st.one_of(hostile_text, json_values),
            "deadline": st.one_of(
                st.dates().map(str), hostile_text, limit_numbers, json_values
            ),
            "priority": st.one_of(
                st.sampled_from(["normal", "high", "urgent"]), json_values
            ),
            "idempotency_key": st.one_of(hostile_text, json_values),
            "extra": json_values,
        },
    ),
)


def _encode(payload, ensure_ascii):
    """JSON text of ``payload`` as UTF-8 bytes; lone surrogates travel as
    ``\\uXXXX`` escapes, or raw (which is not UTF-8)."""
    text = json.dumps(payload, ensure_ascii=ensure_ascii, allow_nan=False)
    return text.encode("utf-8", "surrogatepass")


def _strict_loads(body):
    """The body as the API reads it (UTF-8, strict JSON), or None."""

    def refuse(constant):
        raise ValueError(constant)

    try:
        return json.loads(body.decode("utf-8"), parse_constant=refuse)
    except (ValueError, RecursionError):
        return None


def _quoted(text):
    """Any text in a URL, lone surrogates included (as invalid UTF-8)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def _nested(depth, kind):
    opening, closing = {"list": ("[", "]"), "object": ('{"a":', "}")}[kind]
    return (opening * depth + "1" + closing * depth).encode()


raw_bodies = st.one_of(
    # Bytes of anything: invalid UTF-8, BOMs, NULs.
    st.binary(max_size=300),
    # JSON in other encodings (UTF-16 and UTF-32 with their BOMs, Latin-1).
    st.tuples(payloads, st.sampled_from(["utf-16", "utf-32", "latin-1", "cp1252"])).map(
        lambda pe: json.dumps(pe[0], ensure_ascii=False).encode(pe[1], "replace")
    ),
    # A UTF-8 BOM before valid JSON.
    payloads.map(lambda p: b"\xef\xbb\xbf" + _encode(p, True)),
    # Nesting deeper than any parser goes, within the size limit.
    st.tuples(st.integers(500, 30_000), st.sampled_from(["list", "object"])).map(
        lambda dk: _nested(*dk)
    ),
    # Not JSON: JavaScript constants, numbers too long, truncated text.
    st.sampled_from(
        [
            b"NaN",
            b"Infinity",
            b"-Infinity",
            b'{"type": NaN}',
            b'{"customer": {"phone": Infinity}}',
            b"9" * 5000,
            b'{"priority": 1' + b"0" * 4400 + b"}",
            b'{"customer": ',
            b"",
            b"   ",
            b"\x00",
            b"{'type': 'behavior'}",
        ]
    ),
    payloads.map(lambda p: _encode(p, True)[: max(1, len(_encode(p, True)) // 2)]),
)
sizes = st.integers(MAX_BODY - 64, MAX_BODY + 4096)
content_types = st.sampled_from(
    [
        None,
        "",
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=oto",
        "application/jsonx",
        "application/json-patch+json",
        "application/ld+json",
        "application/json; charset=utf-16",
        "application/json; charset=latin-1",
        "application/xml",
        "*/*",
        "application",
        ";;;",
    ]
)


@tagged("post_install", "-at_install", "oto_crm")
class TestOpportunityApiFuzz(OpportunityApiCommon):
    requests = 0
    seconds = 0.0

    @classmethod
    def tearDownClass(cls):
        _logger.info(
            "Opportunity API fuzzer: %s requests in %.1f s (%.0f ms each)",
            cls.requests,
            cls.seconds,
            1000 * cls.seconds / max(cls.requests, 1),
        )
        super().tearDownClass()

    def _counts(self):
        self.env.invalidate_all()
        return {
            model: self.env[model].with_context(active_test=False).search_count([])
            for model in (
                "res.partner",
                "oto.suggestion",
                "oto.wallet.history",
                "oto.consent",
                "mail.message",
            )
        }

    def setUp(self):
        super().setUp()
        self.before = self._counts()

    def _send(
        self, method, path, body=None, content_type="application/json", headers=None
    ):
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        if content_type is not None:
            headers["Content-Type"] = content_type
        started = time.monotonic()
        with mute_logger(
            "odoo.http", "odoo.addons.oto_crm.controllers.api", "werkzeug"
        ):
            response = self.opener.request(
                method,
                self.base_url() + path,
                data=body,
                headers=headers,
                timeout=30,
                allow_redirects=False,
            )
        type(self).requests += 1
        type(self).seconds += time.monotonic() - started
        return response

    def _assert_refused(self, response, status=None, request=""):
        """A 4xx (``status`` when given), with a JSON body that says why."""
        where = f"{request[:200]!r} -> {response.status_code} {response.text[:300]}"
        self.assertTrue(400 <= response.status_code < 500, where)
        if status:
            self.assertEqual(response.status_code, status, where)
        self.assertTrue(
            response.headers.get("Content-Type", "").startswith("application/json"),
            where,
        )
        error = response.json()["error"]
        self.assertTrue(error["code"] and error["message"], where)
        return error

    def _assert_nothing_created(self):
        self.assertEqual(self._counts(), self.before)

    def _refusable(self, payload):
        """``payload`` as the fuzzer sends it: one the validator finds fine
        loses the customer's name, so that the server itself must refuse it
        (a customer neither found nor creatable) after looking them up."""
        if validate(payload, self.today)[1]:
            return payload
        return {**payload, "customer": {**payload["customer"], "name": None}}

    # -------------------------------------------------------- properties

    @FUZZ
    @given(payload=payloads, ensure_ascii=st.booleans())
    def test_json_shapes_and_values(self, payload, ensure_ascii):
        body = _encode(self._refusable(payload), ensure_ascii)
        response = self._send("POST", URL, body)
        # Raw lone surrogates are not UTF-8: malformed; all else is invalid.
        self._assert_refused(response, request=body)
        self._assert_nothing_created()

    @FUZZ
    @given(body=raw_bodies)
    def test_encodings_nesting_and_broken_json(self, body):
        payload = _strict_loads(body)
        if isinstance(payload, dict) and not validate(payload, self.today)[1]:
            body = _encode(self._refusable(payload), True)
        response = self._send("POST", URL, body)
        self._assert_refused(response, request=body)
        self._assert_nothing_created()

    @FUZZ
    @given(content_type=content_types, payload=payloads)
    def test_only_json_is_accepted_on_writes(self, content_type, payload):
        # Even a valid opportunity is refused in another content type.
        valid = {
            "customer": {"name": "Maria Souza", "phone": "(21) 98765-1234"},
            "type": "behavior",
            "reason": "carrinho abandonado",
        }
        for body in (_encode(valid, True), _encode(payload, True)):
            response = self._send("POST", URL, body, content_type=content_type)
            self._assert_refused(response, 415, request=f"{content_type}: {body}")
        self._assert_nothing_created()

    @settings(FUZZ, max_examples=max(EXAMPLES // 10, 5))
    @given(size=sizes, filler=st.sampled_from(["x", "é", "\u0000", "\ud800"]))
    def test_sizes_at_the_limit(self, size, filler):
        # A valid-looking opportunity padded to ``size`` bytes.
        head = (
            b'{"type": "behavior", "reason": "r", '
            b'"customer": {"email": "a@b.co"}, "message": "'
        )
        tail = b'"}'
        unit = json.dumps(filler)[1:-1].encode()
        body = head + unit * max((size - len(head) - len(tail)) // len(unit), 0) + tail
        response = self._send("POST", URL, body)
        error = self._assert_refused(response, request=body[:100])
        if len(body) > MAX_BODY:
            self.assertEqual((response.status_code, error["code"]), (413, "too_large"))
        self._assert_nothing_created()

    @FUZZ
    @given(
        method=st.sampled_from(["PUT", "PATCH", "DELETE", "OPTIONS", "POST", "GET"]),
        path=st.one_of(
            st.sampled_from(
                [
                    f"{URL}/1",
                    f"{URL}/0",
                    f"{URL}/{2**31}",
                    f"{URL}/{10**30}",
                    f"{URL}/-1",
                    f"{URL}/abc",
                    f"{URL}/1/contacts",
                    f"{URL}/%00",
                    f"{URL}/%ff%fe",
                    "/oto/api",
                    "/oto/api/",
                    "/oto/api/v2/opportunities",
                    "/oto/api/v1/",
                ]
            ),
            st.text(
                alphabet=st.characters(
                    categories=["L", "N", "P", "S"], exclude_characters="?#"
                ),
                max_size=30,
            ).map(lambda rest: "/oto/api/v1/" + rest),
        ),
        query=st.one_of(
            st.just(""),
            hostile_text.map(lambda text: "?idempotency_key=" + _quoted(text)),
            st.sampled_from(
                [
                    "?idempotency_key=%00",
                    "?idempotency_key=" + "k" * 500,
                    "?idempotency_key=%ff%fe%fd",
                    "?idempotency_key=",
                    "?idempotency_key[]=a",
                ]
            ),
        ),
    )
    def test_methods_paths_and_queries(self, method, path, query):
        if method == "POST" and path.rstrip("/") == URL:
            return  # the bodies are the other properties' business
        if method == "GET" and path.rstrip("/").endswith("/openapi.json"):
            return  # the one document served to anyone
        response = self._send(method, path + query, b"{}")
        if method != "OPTIONS" or response.status_code != 204:
            self._assert_refused(response, request=f"{method} {path}{query}")
        self._assert_nothing_created()

    @FUZZ
    @given(
        authorization=st.one_of(
            hostile_text.map(lambda token: "Bearer " + token),
            st.sampled_from(
                [
                    "",
                    "Bearer",
                    "Bearer ",
                    "Basic dXNlcjpwYXNz",
                    "Bearer oto_\x00\x00\x00\x00",
                    "Bearer oto_" + "x" * 5000,
                    "bearer  oto_ab",
                ]
            ),
        )
    )
    def test_keys(self, authorization):
        # (What HTTP can carry in a header: no line breaks, bytes only.)
        authorization = authorization.replace("\r", " ").replace("\n", " ")
        try:
            authorization.encode("latin-1")
        except UnicodeEncodeError:
            authorization = authorization.encode("utf-8", "surrogatepass").decode(
                "latin-1"
            )
        body = _encode({"type": "behavior"}, True)
        response = self._send(
            "POST", URL, body, headers={"Authorization": authorization}
        )
        self._assert_refused(response, 401, request=authorization)
        self._assert_nothing_created()

    # ------------------------------------------------------------ examples

    def test_known_cases(self):
        valid = _encode(
            {
                "customer": {"name": "Maria Souza", "phone": "(21) 98765-1234"},
                "type": "behavior",
                "reason": "carrinho abandonado",
            },
            True,
        )
        cases = [
            ("POST", URL, valid, "text/plain", 415, "unsupported_media_type"),
            ("POST", URL, b"[" * 40000 + b"]" * 24000, None, 400, "malformed"),
            ("POST", URL, b'{"type": "\\ud800"}', None, 422, "invalid"),
            ("POST", URL, b'{"reason": "\xed\xa0\x80"}', None, 400, "malformed"),
            ("POST", URL, b'{"type": NaN}', None, 400, "malformed"),
            ("PUT", URL, valid, None, 405, "method_not_allowed"),
            ("DELETE", f"{URL}/1", b"", None, 405, "method_not_allowed"),
            ("GET", f"{URL}/{10**20}", None, None, 404, "not_found"),
            ("GET", "/oto/api/v1/nothing", None, None, 404, "not_found"),
            ("GET", f"{URL}?idempotency_key=%00", None, None, 404, "not_found"),
        ]
        for method, path, body, content_type, status, code in cases:
            with self.subTest(method=method, path=path[:60], body=(body or b"")[:30]):
                response = self._send(
                    method, path, body, content_type=content_type or "application/json"
                )
                error = self._assert_refused(response, status)
                self.assertEqual(error["code"], code)
        self.assertEqual(
            self._send("PUT", URL, valid).headers["Allow"], "GET, HEAD, POST"
        )
        # A body without a length (chunked) is not read: its length first.
        chunks = (b"x" * 8192 for _ in range(20))
        error = self._assert_refused(self._send("POST", URL, chunks), 411)
        self.assertEqual(error["code"], "length_required")
        # The same opportunity as JSON is accepted: the 415 is the type.
        accepted = self._send("POST", URL, valid)
        self.assertEqual(accepted.status_code, 201, accepted.text)
