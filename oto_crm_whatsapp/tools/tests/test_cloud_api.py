# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import socket

import pytest
import requests

from oto_crm_whatsapp.tools.cloud_api import (
    ERROR_REASONS,
    CloudApiAuthError,
    CloudApiClient,
    CloudApiError,
    CloudApiRateLimit,
    CloudApiRequestError,
    CloudApiResponseError,
    CloudApiTemporaryError,
    error_class,
    error_reason,
)
from oto_crm_whatsapp.tools.fake_graph import FakeGraph

TOKEN = "EAAG-test-SECRET-0123456789"
APP_SECRET = "app-secret-0123"
PHONE_ID = "100200300400"
WABA_ID = "500600700800"
BODY = [{"type": "BODY", "text": "Oi {{1}}!", "example": {"body_text": [["Maria"]]}}]
REQUIRED_CODES = (
    0, 4, 100, 131000, 131005, 131008, 131009, 131021, 131026, 131031, 131042,
    131045, 131047, 131050, 131051, 131052, 131053, 131056, 132000, 132001,
    132005, 132007, 132012, 132015, 132016, 133010, 190, 368, 470, 80007, 130429,
)  # fmt: skip


@pytest.fixture
def graph():
    with FakeGraph(TOKEN, APP_SECRET) as fake:
        yield fake
    assert not fake.errors, fake.errors


def client_of(graph, **kwargs):
    return CloudApiClient(TOKEN, base_url=graph.base_url, **kwargs)


def assert_no_token(*texts):
    for text in texts:
        assert TOKEN not in text
        assert "SECRET" not in text


def json_body(graph, index=-1):
    return json.loads(graph.received[index]["body"])


# Calls -----------------------------------------------------------------------


def test_get_phone_number(graph):
    assert client_of(graph).get_phone_number(PHONE_ID) == {
        "display_phone_number": "+55 11 4000-0000",
        "verified_name": "Oto Demo",
        "quality_rating": "GREEN",
    }
    [call] = graph.received
    assert (call["method"], call["path"]) == ("GET", f"/v21.0/{PHONE_ID}")
    assert call["params"] == {
        "fields": "display_phone_number,verified_name,quality_rating"
    }


def test_send_text(graph):
    client = client_of(graph)
    message_id = client.send_text(PHONE_ID, "+55 11 98765-4321", "Oi Maria!")
    assert message_id.startswith("wamid.")
    assert json_body(graph) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "5511987654321",
        "type": "text",
        "text": {"preview_url": False, "body": "Oi Maria!"},
    }
    assert graph.received[-1]["path"] == f"/v21.0/{PHONE_ID}/messages"
    client.send_text(PHONE_ID, "5511977771111", "Veja https://x.co", preview_url=True)
    first, second = graph.sent
    assert first["message_id"] == message_id
    assert (first["to"], first["type"], first["text"]) == (
        "5511987654321",
        "text",
        "Oi Maria!",
    )
    assert second["preview_url"] is True
    assert first["time"] <= second["time"]


def test_send_template(graph):
    components = [{"type": "body", "parameters": [{"type": "text", "text": "Maria"}]}]
    client = client_of(graph, api_version="v22.0")
    message_id = client.send_template(
        PHONE_ID, "+5511987654321", "nova_colecao", "pt_BR", components
    )
    assert message_id.startswith("wamid.")
    assert graph.received[-1]["path"] == f"/v22.0/{PHONE_ID}/messages"
    assert json_body(graph) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "5511987654321",
        "type": "template",
        "template": {
            "name": "nova_colecao",
            "language": {"code": "pt_BR"},
            "components": components,
        },
    }
    assert graph.sent[0]["template"] == {
        "name": "nova_colecao",
        "language": "pt_BR",
        "components": components,
    }
    client.send_template(PHONE_ID, "5511987654321", "hello_world", "en_US")
    assert "components" not in json_body(graph)["template"]


@pytest.mark.parametrize(
    ("status", "code"),
    [(None, 132001), ("PENDING", 132001), ("PAUSED", 132015), ("DISABLED", 132016)],
)
def test_template_not_usable(graph, status, code):
    graph.check_templates = True
    if status:
        graph.add_template("promo", "pt_BR", status=status)
    with pytest.raises(CloudApiRequestError) as error:
        client_of(graph).send_template(PHONE_ID, "5511987654321", "promo", "pt_BR")
    assert error.value.code == code
    assert error.value.reason == ERROR_REASONS[code]
    assert error.value.retryable is False
    assert not graph.sent
    graph.set_template_status("promo", "pt_BR", "APPROVED")
    if status:
        assert client_of(graph).send_template(
            PHONE_ID, "5511987654321", "promo", "pt_BR"
        )


def test_create_list_and_delete_templates(graph):
    client = client_of(graph)
    created = client.create_template(
        WABA_ID, "nova_colecao", "pt_BR", "marketing", BODY
    )
    assert created["status"] == "PENDING"
    assert created["category"] == "MARKETING"
    assert created["id"].isdigit()
    assert json_body(graph) == {
        "name": "nova_colecao",
        "language": "pt_BR",
        "category": "MARKETING",
        "components": BODY,
    }
    assert graph.templates[created["id"]]["status"] == "PENDING"
    [listed] = client.list_templates(WABA_ID)
    assert (listed["id"], listed["name"], listed["status"]) == (
        created["id"],
        "nova_colecao",
        "PENDING",
    )
    assert client.delete_template(WABA_ID, "nova_colecao") is True
    assert graph.received[-1]["method"] == "DELETE"
    assert graph.received[-1]["params"] == {"name": "nova_colecao"}
    assert client.list_templates(WABA_ID) == []
    with pytest.raises(CloudApiRequestError) as error:
        client.delete_template(WABA_ID, "nova_colecao")
    assert (error.value.code, error.value.subcode) == (100, 2593002)


def test_meta_refuses_a_duplicate_template(graph):
    graph.reject_duplicate_templates = True
    client = client_of(graph)
    client.create_template(WABA_ID, "promo", "pt_BR", "MARKETING", BODY)
    with pytest.raises(CloudApiRequestError) as error:
        client.create_template(WABA_ID, "promo", "pt_BR", "MARKETING", BODY)
    assert (error.value.code, error.value.subcode) == (100, 2388024)
    assert "already exists" in str(error.value)
    assert client.create_template(WABA_ID, "promo", "en_US", "MARKETING", BODY)


def test_list_templates_follows_the_pages(graph):
    graph.page_size = 2
    for index in range(5):
        graph.add_template(f"promo_{index}", "pt_BR")
    graph.add_template("promo_0", "en_US")
    templates = client_of(graph).list_templates(WABA_ID)
    assert [(t["name"], t["language"]) for t in templates] == [
        ("promo_0", "pt_BR"),
        ("promo_1", "pt_BR"),
        ("promo_2", "pt_BR"),
        ("promo_3", "pt_BR"),
        ("promo_4", "pt_BR"),
        ("promo_0", "en_US"),
    ]
    assert len({t["id"] for t in templates}) == 6
    calls = graph.received
    assert len(calls) == 3
    assert "after" not in calls[0]["params"]
    assert calls[1]["params"]["after"] and calls[2]["params"]["after"]
    assert calls[1]["params"]["after"] != calls[2]["params"]["after"]
    assert calls[0]["params"]["limit"] == "100"
    # Filtered by name: all its languages.
    graph.received.clear()
    named = client_of(graph).list_templates(WABA_ID, name="promo_0")
    assert sorted(t["language"] for t in named) == ["en_US", "pt_BR"]
    assert graph.received[0]["params"]["name"] == "promo_0"


def test_same_name_and_language_replaces_the_template(graph):
    client = client_of(graph)
    first = client.create_template(WABA_ID, "promo", "pt_BR", "MARKETING", BODY)
    second = client.create_template(WABA_ID, "promo", "pt_BR", "UTILITY", BODY)
    assert first["id"] != second["id"]
    assert [t["id"] for t in client.list_templates(WABA_ID)] == [second["id"]]


@pytest.mark.parametrize(
    "answer",
    [
        {"data": [], "paging": {"next": "https://x/next"}},  # empty page: done
        {"data": [{"id": "1"}], "paging": {"cursors": {"after": "c"}}},  # no next
    ],
)
def test_list_templates_stops_without_a_next_page(graph, answer):
    graph.raw_next(json.dumps(answer), content_type="application/json")
    assert client_of(graph).list_templates(WABA_ID) == answer["data"]


@pytest.mark.parametrize(
    "answers",
    [
        [{"data": [{"id": "1"}], "paging": {"next": "https://x/next"}}],
        [{"data": [{"id": "1"}], "paging": {"next": "n", "cursors": {"after": 7}}}],
        [
            {"data": [{"id": "1"}], "paging": {"next": "n", "cursors": {"after": "a"}}},
            {"data": [{"id": "2"}], "paging": {"next": "n", "cursors": {"after": "a"}}},
        ],
        [{"paging": {}}],
        [{"data": "templates"}],
        [{"data": [1, 2]}],
    ],
)
def test_list_templates_with_broken_paging(graph, answers):
    for answer in answers:
        graph.raw_next(json.dumps(answer), content_type="application/json")
    with pytest.raises(CloudApiResponseError):
        client_of(graph).list_templates(WABA_ID)


def test_given_session_is_used(graph):
    with requests.Session() as session:
        client = client_of(graph, session=session)
        assert client.get_phone_number(PHONE_ID)["verified_name"] == "Oto Demo"
        assert client.send_text(PHONE_ID, "5511987654321", "Oi")


# Errors ----------------------------------------------------------------------


def _calls(client):
    return [
        lambda: client.get_phone_number(PHONE_ID),
        lambda: client.send_text(PHONE_ID, "5511987654321", "Oi"),
        lambda: client.send_template(PHONE_ID, "5511987654321", "promo", "pt_BR"),
        lambda: client.create_template(WABA_ID, "promo", "pt_BR", "UTILITY", BODY),
        lambda: client.list_templates(WABA_ID),
        lambda: client.delete_template(WABA_ID, "promo"),
    ]


@pytest.mark.parametrize("token", ["EAAG-wrong", TOKEN + "x", "Bearer"])
def test_wrong_token_is_an_auth_error(graph, token):
    client = CloudApiClient(token, base_url=graph.base_url)
    for call in _calls(client):
        with pytest.raises(CloudApiAuthError) as error:
            call()
        assert (error.value.code, error.value.http_status) == (190, 401)
        assert error.value.retryable is False
        assert "access token" in str(error.value)
        assert "190" in str(error.value)
    assert not graph.sent
    assert not graph.templates


@pytest.mark.parametrize("token", [None, "", "   ", 42, "EAAG token", "EAAG\r\nX: 1"])
def test_unusable_token_is_refused_without_showing_it(token):
    with pytest.raises(CloudApiAuthError) as error:
        CloudApiClient(token)
    assert error.value.retryable is False
    if isinstance(token, str) and token.strip():
        assert token.strip() not in str(error.value)


def test_server_error_is_temporary_and_retryable(graph):
    client = client_of(graph)
    graph.fail_next(2, 500, 131000, "Something went wrong")
    for _attempt in range(2):
        with pytest.raises(CloudApiTemporaryError) as error:
            client.send_text(PHONE_ID, "5511987654321", "Oi")
        assert error.value.retryable is True
        assert (error.value.code, error.value.http_status) == (131000, 500)
        assert error.value.reason == ERROR_REASONS[131000]
        assert "Something went wrong" in str(error.value)
        assert error.value.fbtrace_id
    assert client.send_text(PHONE_ID, "5511987654321", "Oi")
    assert len(graph.sent) == 1


def test_rate_limit_of_the_fake(graph):
    graph.rate_limit_per_second = 2
    client = client_of(graph)
    client.send_text(PHONE_ID, "5511987654321", "1")
    client.send_text(PHONE_ID, "5511987654321", "2")
    with pytest.raises(CloudApiRateLimit) as error:
        client.send_text(PHONE_ID, "5511987654321", "3")
    assert (error.value.code, error.value.http_status) == (130429, 429)
    assert error.value.retryable is True
    assert len(graph.sent) == 2


@pytest.mark.parametrize(
    ("http_status", "code", "cls", "retryable"),
    [
        (429, None, CloudApiRateLimit, True),
        (400, 4, CloudApiRateLimit, True),
        (400, 80007, CloudApiRateLimit, True),
        (400, 130429, CloudApiRateLimit, True),
        (400, 131056, CloudApiRateLimit, True),
        (401, None, CloudApiAuthError, False),
        (400, 190, CloudApiAuthError, False),
        (403, 190, CloudApiAuthError, False),
        (400, 132001, CloudApiRequestError, False),
        (400, 131047, CloudApiRequestError, False),
        (403, 200, CloudApiRequestError, False),
        (404, 100, CloudApiRequestError, False),
        (400, 999999, CloudApiRequestError, False),
        (500, 1, CloudApiTemporaryError, True),
        (502, None, CloudApiTemporaryError, True),
        (503, 131016, CloudApiTemporaryError, True),
    ],
)
def test_errors_are_typed(graph, http_status, code, cls, retryable):
    graph.fail_next(1, http_status, code, "Meta says no")
    with pytest.raises(cls) as error:
        client_of(graph).send_text(PHONE_ID, "5511987654321", "Oi")
    assert type(error.value) is cls
    assert isinstance(error.value, CloudApiError)
    assert (error.value.code, error.value.http_status) == (code, http_status)
    assert error.value.retryable is retryable
    assert str(http_status) in str(error.value)
    assert "Meta says no" in str(error.value)
    assert error_class(http_status, code) is cls


def test_template_error_carries_code_and_reason(graph):
    graph.fail_next(
        1,
        400,
        132001,
        "(#132001) Template name does not exist in the translation",
        details="template name (promo) does not exist in pt_BR",
    )
    with pytest.raises(CloudApiRequestError) as error:
        client_of(graph).send_template(PHONE_ID, "5511987654321", "promo", "pt_BR")
    exc = error.value
    assert (exc.code, exc.http_status, exc.retryable) == (132001, 400, False)
    assert exc.reason == error_reason(132001) == ERROR_REASONS[132001]
    assert exc.details == "template name (promo) does not exist in pt_BR"
    assert exc.error_type == "Error"
    message = str(exc)
    assert exc.message == message
    assert message.startswith(ERROR_REASONS[132001])
    assert "Meta error 132001, HTTP 400" in message
    assert "does not exist in pt_BR" in message


def test_slow_answer_times_out(graph):
    graph.delay = 5
    client = client_of(graph, timeout=0.2)
    with pytest.raises(CloudApiTemporaryError) as error:
        client.send_text(PHONE_ID, "5511987654321", "Oi")
    assert error.value.retryable is True
    assert error.value.http_status is None
    assert "0.2 seconds" in str(error.value)
    # The request went out: Meta may have sent the message.
    assert error.value.maybe_sent is True
    assert_no_token(str(error.value), repr(error.value))


def test_connection_refused_is_temporary():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = CloudApiClient(TOKEN, base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(CloudApiTemporaryError) as error:
        client.send_text(PHONE_ID, "5511987654321", "Oi")
    assert error.value.retryable is True
    assert (error.value.code, error.value.http_status) == (None, None)
    assert "Cannot reach" in str(error.value)
    # Nothing reached Meta: safe to send again.
    assert error.value.maybe_sent is False
    assert_no_token(str(error.value), repr(error.value))


def test_callback_data_goes_with_the_message_and_comes_back(graph):
    client = client_of(graph)
    message_id = client.send_text(
        PHONE_ID, "5511987654321", "Oi", callback_data="oto-42"
    )
    assert json_body(graph)["biz_opaque_callback_data"] == "oto-42"
    assert graph.sent[0]["callback_data"] == "oto-42"
    status = graph.status_payload(message_id, "sent")
    item = status["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert item["biz_opaque_callback_data"] == "oto-42"
    client.send_template(PHONE_ID, "5511987654321", "oi", "pt_BR", callback_data="x")
    assert json_body(graph)["biz_opaque_callback_data"] == "x"
    for bad in ("", "x" * 513, 42):
        with pytest.raises(ValueError):
            client.send_text(PHONE_ID, "5511987654321", "Oi", callback_data=bad)


def test_what_may_have_been_sent():
    """Which failures leave the message's fate unknown."""
    assert CloudApiTemporaryError("5xx", http_status=503).maybe_sent is False
    assert CloudApiRequestError("4xx", http_status=400).maybe_sent is False
    assert CloudApiResponseError("odd", maybe_sent=True).maybe_sent is True


def test_an_answer_without_message_id_may_have_been_sent(graph):
    graph.raw_next(b'{"messages": []}', content_type="application/json")
    with pytest.raises(CloudApiResponseError) as error:
        client_of(graph).send_text(PHONE_ID, "5511987654321", "Oi")
    assert error.value.maybe_sent is True
    graph.raw_next(b"<html>OK</html>")
    with pytest.raises(CloudApiResponseError) as error:
        client_of(graph).send_text(PHONE_ID, "5511987654321", "Oi")
    assert error.value.maybe_sent is True
    graph.fail_next(1, 500, 131000)
    with pytest.raises(CloudApiTemporaryError) as error:
        client_of(graph).send_text(PHONE_ID, "5511987654321", "Oi")
    assert error.value.maybe_sent is False


def test_each_number_has_its_own_token(graph):
    other = graph.add_number("100200300401", access_token="EAAG-other-token")
    assert client_of(graph).send_text(PHONE_ID, "5511987654321", "Oi")
    with pytest.raises(CloudApiAuthError):
        client_of(graph).send_text(other, "5511987654321", "Oi")
    ok = CloudApiClient("EAAG-other-token", base_url=graph.base_url)
    ok.send_text(other, "5511987654321", "Oi")
    assert graph.sent[-1]["phone_number_id"] == other
    # The token expires: that number only.
    graph.set_token(other, "EAAG-renewed")
    with pytest.raises(CloudApiAuthError):
        ok.send_text(other, "5511987654321", "Oi")
    assert client_of(graph).send_text(PHONE_ID, "5511987654321", "Oi")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><body>OK</body></html>", "text/html"),
        (b"", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"wamid.1"', "application/json"),
        (b"{}", "application/json"),
        (b'{"messages": []}', "application/json"),
        (b'{"messages": [{}]}', "application/json"),
        (b'{"messages": [{"id": 12}]}', "application/json"),
        (b'{"messages": [{"id": ""}]}', "application/json"),
        (b'{"messages": {"id": "wamid.1"}}', "application/json"),
    ],
)
def test_answers_that_are_not_a_sent_message(graph, body, content_type):
    graph.raw_next(body, 200, content_type)
    with pytest.raises(CloudApiResponseError) as error:
        client_of(graph).send_text(PHONE_ID, "5511987654321", "Oi")
    assert error.value.retryable is False
    assert error.value.code is None


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("get_phone_number", b"{}"),
        ("get_phone_number", b'{"display_phone_number": 5511}'),
        ("create_template", b'{"status": "PENDING"}'),
        ("create_template", b'{"id": "1"}'),
        ("create_template", b'{"id": true, "status": "PENDING"}'),
        ("delete_template", b"{}"),
        ("delete_template", b'{"success": "yes"}'),
    ],
)
def test_answers_without_the_expected_fields(graph, method, body):
    graph.raw_next(body, 200, "application/json")
    calls = {
        "get_phone_number": lambda c: c.get_phone_number(PHONE_ID),
        "create_template": lambda c: c.create_template(
            WABA_ID, "promo", "pt_BR", "UTILITY", BODY
        ),
        "delete_template": lambda c: c.delete_template(WABA_ID, "promo"),
    }
    with pytest.raises(CloudApiResponseError):
        calls[method](client_of(graph))


def test_a_new_number_without_quality_rating(graph):
    graph.raw_next(
        b'{"display_phone_number": "+55 11 4000-0000", "verified_name": "Oto"}',
        200,
        "application/json",
    )
    info = client_of(graph).get_phone_number(PHONE_ID)
    assert info["quality_rating"] == "UNKNOWN"


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (502, b"<html>Bad gateway</html>", CloudApiTemporaryError),
        (404, b"Not found", CloudApiRequestError),
        (401, b"", CloudApiAuthError),
        (429, b"slow down", CloudApiRateLimit),
        (302, b"", CloudApiResponseError),
    ],
)
def test_error_answers_that_are_not_json(graph, status, body, cls):
    graph.raw_next(body, status, "text/html")
    with pytest.raises(cls) as error:
        client_of(graph).send_text(PHONE_ID, "5511987654321", "Oi")
    assert type(error.value) is cls
    assert error.value.http_status == status
    assert error.value.code is None


def test_long_error_text_is_cut(graph):
    graph.raw_next(b"x" * 5000, 500, "text/html")
    with pytest.raises(CloudApiTemporaryError) as error:
        client_of(graph).get_phone_number(PHONE_ID)
    assert len(str(error.value)) < 500


def test_token_never_in_errors_or_repr(graph):
    client = client_of(graph)
    echo = f"Invalid OAuth access token {TOKEN} for {TOKEN[:12]}"
    graph.fail_next(1, 400, 190, echo, details=f"token {TOKEN}")
    with pytest.raises(CloudApiAuthError) as error:
        client.send_text(PHONE_ID, "5511987654321", "Oi")
    exc = error.value
    assert_no_token(str(exc), repr(exc), exc.message, exc.details, str(exc.args))
    assert "***" in str(exc)
    graph.raw_next(f"<html>{TOKEN}</html>".encode(), 500, "text/html")
    with pytest.raises(CloudApiTemporaryError) as error:
        client.get_phone_number(PHONE_ID)
    assert_no_token(str(error.value), repr(error.value))
    assert_no_token(repr(client), str(client), repr(vars(client).keys()))
    assert "access_token='***'" in repr(client)
    assert graph.base_url in repr(client)


# Arguments -------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"api_version": "21.0"},
        {"api_version": "v21"},
        {"api_version": None},
        {"base_url": "ftp://graph.facebook.com"},
        {"base_url": "graph.facebook.com"},
        {"base_url": "https://graph.facebook.com?x=1"},
        {"timeout": 0},
        {"timeout": -1},
        {"timeout": "10"},
        {"timeout": True},
        {"timeout": float("nan")},
    ],
)
def test_bad_client_settings(kwargs):
    with pytest.raises(ValueError):
        CloudApiClient(TOKEN, **kwargs)


def test_defaults():
    client = CloudApiClient(f"  {TOKEN}\n")
    assert client.base_url == "https://graph.facebook.com"
    assert client.api_version == "v21.0"
    assert client.timeout == 10.0
    assert client.session is None


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_phone_number("../me"),
        lambda c: c.get_phone_number(""),
        lambda c: c.get_phone_number(None),
        lambda c: c.send_text("1/messages?x=", "5511987654321", "Oi"),
        lambda c: c.send_text(PHONE_ID, "abc", "Oi"),
        lambda c: c.send_text(PHONE_ID, "123", "Oi"),
        lambda c: c.send_text(PHONE_ID, None, "Oi"),
        lambda c: c.send_text(PHONE_ID, "+55 11 98765-4321 ramal 2", "Oi"),
        lambda c: c.send_text(PHONE_ID, "5511987654321", ""),
        lambda c: c.send_text(PHONE_ID, "5511987654321", "   "),
        lambda c: c.send_text(PHONE_ID, "5511987654321", None),
        lambda c: c.send_template(PHONE_ID, "5511987654321", "", "pt_BR"),
        lambda c: c.send_template(PHONE_ID, "5511987654321", "promo", None),
        lambda c: c.create_template("waba", "promo", "pt_BR", "UTILITY", BODY),
        lambda c: c.create_template(WABA_ID, "promo", "pt_BR", None, BODY),
        lambda c: c.list_templates(True),
        lambda c: c.list_templates(WABA_ID, name=""),
        lambda c: c.delete_template(WABA_ID, None),
    ],
)
def test_bad_arguments_are_programming_errors(graph, call):
    with pytest.raises(ValueError):
        call(client_of(graph))
    assert not graph.received


def test_numeric_ids_are_accepted(graph):
    client = client_of(graph)
    assert client.get_phone_number(int(PHONE_ID))["verified_name"] == "Oto Demo"
    assert client.list_templates(int(WABA_ID)) == []


# Reasons ---------------------------------------------------------------------


def test_every_code_we_handle_has_a_reason():
    for code in REQUIRED_CODES:
        reason = ERROR_REASONS[code]
        assert reason and reason[0].isupper() and reason.endswith(".")
    assert "WhatsApp" in ERROR_REASONS[131026]
    assert "24 hours" in ERROR_REASONS[131047]
    assert "template" in ERROR_REASONS[132001]
    assert "paused" in ERROR_REASONS[132015]
    assert "disabled" in ERROR_REASONS[132016]
    assert "marketing" in ERROR_REASONS[131050]


def test_error_reason():
    assert error_reason(131026) == ERROR_REASONS[131026]
    assert error_reason("131047") == ERROR_REASONS[131047]
    assert error_reason(424242) == ""
    assert error_reason(424242, "Unknown") == "Unknown"
    assert error_reason(None, "fallback") == "fallback"
    assert error_reason(True, "fallback") == "fallback"
    assert error_reason("abc") == ""


def test_errors_can_be_raised_by_fakes():
    # How tests of the Odoo layer fake a failure.
    error = CloudApiTemporaryError("timeout", retryable=True)
    assert (str(error), error.code, error.http_status, error.retryable) == (
        "timeout",
        None,
        None,
        True,
    )
    limit = CloudApiRateLimit("slow down", code=130429, http_status=429)
    assert limit.retryable is True
    assert limit.reason == ERROR_REASONS[130429]
    assert CloudApiRequestError("no", code=132001).retryable is False
    assert CloudApiAuthError("no").retryable is False
    assert CloudApiResponseError("no").retryable is False
    assert CloudApiError("no", retryable=True).retryable is True
    # The class default stays for the others.
    assert CloudApiError("no").retryable is False
