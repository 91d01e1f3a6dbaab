# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from oto_crm.tools.text_generation import (
    EMAIL_RE,
    REDACTED,
    SETTING_MESSAGES,
    ChatClient,
    ProviderConfigError,
    ProviderError,
    ProviderHTTPError,
    ProviderResponseError,
    ProviderTimeout,
    build_messages,
    check_settings,
    clean_draft,
    redact,
)

KEY = "sk-test-SECRET-0123456789"
MESSAGES = [{"role": "user", "content": "Oi"}]
PLANTED = (
    "maria@example.com",
    "(11) 98765-4321",
    "+55 11 98765-4321",
    "123.456.789-09",
    "12345678909",
    "11.222.333/0001-81",
)
# What must not be left of the planted data, whatever its punctuation.
LEFTOVERS = ("@", "example.com", "98765", "4321", "456.789", "12345678909", "0001")


def completion(content):
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "oto-test",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append(
            {"path": self.path, "headers": dict(self.headers), "body": body}
        )
        try:
            self.server.answer(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up (timeout tests).

    def send(self, status, body, content_type="application/json"):
        if not isinstance(body, bytes | str):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A chat-completions server on 127.0.0.1; set ``server.answer`` to a
    function of the request handler; ``server.received`` lists the requests."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.received = []
    httpd.release = threading.Event()
    httpd.answer = lambda handler: handler.send(200, completion("Oi Maria!"))
    httpd.url = "http://127.0.0.1:%d/v1" % httpd.server_address[1]
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def client_of(server, **kwargs):
    return ChatClient(server.url, "oto-test", **{"api_key": KEY, **kwargs})


def assert_no_key(*texts):
    for text in texts:
        assert KEY not in text
        assert "SECRET" not in text


# check_settings -------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.openai.com/v1",
        "http://localhost:11434/v1/",
        "http://127.0.0.1:8080",
        "HTTPS://llm.example.com.br/openai/v1",
        "  https://llm.example.com/v1  ",
        "http://[::1]:8000/v1",
    ],
)
def test_good_settings(base_url):
    assert check_settings(base_url, "gpt-4o-mini", 5) == {}
    assert check_settings(base_url, " llama3 ", 0.5) == {}
    assert check_settings(base_url, "m", 60) == {}


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("", "required"),
        ("   ", "required"),
        (None, "required"),
        (False, "required"),
        ("ftp://files.example.com/v1", "must be an http:// or https:// address"),
        ("javascript:alert(1)", "must be an http:// or https:// address"),
        ("file:///etc/passwd", "must be an http:// or https:// address"),
        ("api.openai.com/v1", "must be an http:// or https:// address"),
        ("https://", "must include a host name"),
        ("http:///v1", "must include a host name"),
        ("https://user:pass@llm.example.com/v1", "must not contain a user name"),
        ("https://llm.example.com/v1?key=x", "must not contain a query string"),
        ("https://llm.example.com/v1#top", "must not contain a query string"),
        ("https://llm.example.com:port/v1", "not a valid address"),
        ("https://llm.exa mple.com/v1", "not a valid address"),
    ],
)
def test_bad_base_url(base_url, problem):
    problems = check_settings(base_url, "gpt-4o-mini", 5)
    assert list(problems) == ["base_url"]
    assert problems["base_url"].startswith(problem)


@pytest.mark.parametrize("model", ["", "   ", None, 42])
def test_model_is_required(model):
    assert check_settings("https://llm.example.com", model, 5) == {"model": "required"}


@pytest.mark.parametrize(
    ("timeout", "problem"),
    [
        (0, "must be greater than 0"),
        (-1, "must be greater than 0"),
        (float("nan"), "must be greater than 0"),
        (61, "at most 60 seconds"),
        (float("inf"), "at most 60 seconds"),
        ("5", "must be a number of seconds"),
        (None, "must be a number of seconds"),
        (True, "must be a number of seconds"),
    ],
)
def test_bad_timeout(timeout, problem):
    assert check_settings("https://llm.example.com", "m", timeout) == {
        "timeout": problem
    }


def test_every_problem_is_listed_for_translation():
    problems = check_settings("ftp://x", "", -1)
    assert set(problems) == {"base_url", "model", "timeout"}
    assert set(problems.values()) <= set(SETTING_MESSAGES)


def test_bad_settings_refuse_the_client_without_showing_the_key():
    with pytest.raises(ProviderConfigError) as error:
        ChatClient("javascript:alert(1)", " ", api_key=KEY, timeout=0)
    assert set(error.value.problems) == {"base_url", "model", "timeout"}
    assert_no_key(str(error.value), repr(error.value))
    with pytest.raises(ProviderConfigError) as error:
        ChatClient("https://llm.example.com", "m", api_key=KEY + "\r\nX-Evil: 1")
    assert error.value.problems == {
        "api_key": "must be printable characters without spaces"
    }
    assert_no_key(str(error.value), repr(error.value))


# ChatClient against a local server -------------------------------------------


def test_completion_happy_path(server):
    server.answer = lambda handler: handler.send(200, completion('  "Oi Maria!"\n'))
    client = ChatClient(server.url + "/", " oto-test ", api_key=f" {KEY}\n")
    messages = build_messages("Oi {first_name}!", "novidades", "Maria", None, [])
    assert client.complete(messages, max_tokens=120, temperature=0.2) == '"Oi Maria!"'
    [request] = server.received
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == {
        "model": "oto-test",
        "messages": messages,
        "max_tokens": 120,
        "temperature": 0.2,
    }


def test_no_authorization_header_without_key(server):
    for key in (None, "", "   "):
        assert ChatClient(server.url, "oto-test", api_key=key).complete(MESSAGES)
    assert len(server.received) == 3
    for request in server.received:
        assert "Authorization" not in request["headers"]
        body = json.loads(request["body"])
        assert (body["max_tokens"], body["temperature"]) == (200, 0.7)


def test_given_session_is_used(server):
    with requests.Session() as session:
        session.headers["X-Oto-Trace"] = "t-1"
        assert client_of(server, session=session).complete(MESSAGES) == "Oi Maria!"
    assert server.received[0]["headers"]["X-Oto-Trace"] == "t-1"


@pytest.mark.parametrize("status", [500, 401, 429])
def test_http_errors_carry_the_status_and_never_the_key(server, status):
    # A server that echoes the key back and talks a lot.
    answer = {"error": {"message": f"Incorrect API key provided: {KEY}. " * 20}}
    server.answer = lambda handler: handler.send(status, answer)
    client = client_of(server)
    with pytest.raises(ProviderHTTPError) as error:
        client.complete(MESSAGES)
    assert error.value.status == status
    assert str(status) in str(error.value)
    assert "Incorrect API key provided" in error.value.detail
    assert len(error.value.detail) <= 200
    assert_no_key(str(error.value), repr(error.value), error.value.detail)


def test_redirect_is_not_followed(server):
    # Followed, a redirect would lose the key, or turn the POST into a GET.
    def redirect(handler):
        handler.send_response(307)
        handler.send_header("Location", server.url + "/elsewhere/chat/completions")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.answer = redirect
    with pytest.raises(ProviderHTTPError) as error:
        client_of(server).complete(MESSAGES)
    assert error.value.status == 307
    assert len(server.received) == 1


def test_http_error_with_a_text_body_is_cut(server):
    server.answer = lambda handler: handler.send(500, "x" * 5000, "text/html")
    with pytest.raises(ProviderHTTPError) as error:
        client_of(server).complete(MESSAGES)
    assert error.value.status == 500
    assert len(error.value.detail) <= 200
    assert len(str(error.value)) < 300


def test_slow_provider_times_out(server):
    def slow(handler):
        server.release.wait(5)
        handler.send(200, completion("late"))

    server.answer = slow
    client = client_of(server, timeout=0.3)
    with pytest.raises(ProviderTimeout) as error:
        client.complete(MESSAGES)
    assert_no_key(str(error.value), repr(error.value))


def test_provider_stalling_in_the_middle_of_the_answer_times_out(server):
    def stall(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "500")
        handler.end_headers()
        handler.wfile.write(b'{"choices": [')
        handler.wfile.flush()
        server.release.wait(5)

    server.answer = stall
    with pytest.raises(ProviderTimeout):
        client_of(server, timeout=0.3).complete(MESSAGES)


@pytest.mark.parametrize(
    "body",
    [
        "Internal answer, not JSON",
        "",
        [],
        {},
        {"choices": []},
        {"choices": [{}]},
        {"choices": [{"message": {"role": "assistant"}}]},
        {"choices": [{"message": {"content": None}}]},
        {"choices": [{"message": {"content": ["Oi"]}}]},
        {"choices": [{"message": {"content": 42}}]},
        {"choices": "Oi"},
    ],
)
def test_malformed_answers(server, body):
    server.answer = lambda handler: handler.send(200, body)
    with pytest.raises(ProviderResponseError):
        client_of(server).complete(MESSAGES)


def test_connection_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ChatClient(f"http://127.0.0.1:{port}/v1", "m", api_key=KEY)
    with pytest.raises(ProviderError) as error:
        client.complete(MESSAGES)
    assert type(error.value) is ProviderError
    assert_no_key(str(error.value), repr(error.value))


def test_repr_hides_the_key():
    client = ChatClient("https://llm.example.com/v1", "m", api_key=KEY)
    assert_no_key(repr(client), str(client))
    assert "llm.example.com" in repr(client)
    assert "***" in repr(client)
    assert "api_key=None" in repr(ChatClient("https://llm.example.com", "m"))


# build_messages and redact ---------------------------------------------------


def test_messages_carry_the_facts_and_the_rules():
    messages = build_messages(
        "Oi {first_name}! Chegou a coleção de verão. Peças a partir de R$ 199,90.",
        "Lançamento da coleção de verão",
        "Maria Clara",
        {"date": "2026-10-02", "items": ["Vestido Midi"], "store": "Loja Jardins"},
        ["Vestido Longo Floral", "Sandália Couro", "Bolsa Palha"],
        max_chars=280,
    )
    assert [m["role"] for m in messages] == ["system", "user"]
    system, user = messages[0]["content"], messages[1]["content"]
    assert "português do Brasil" in system
    assert "280 caracteres" in system
    assert "WhatsApp" in system
    for rule in ("preços", "descontos", "cupons", "datas", "links"):
        assert rule in system
    for fact in (
        "Oi {first_name}! Chegou a coleção de verão.",
        "R$ 199,90",
        "Lançamento da coleção de verão",
        "Maria Clara",
        "data: 2026-10-02",
        "Vestido Midi",
        "Loja Jardins",
        "Vestido Longo Floral",
        "Sandália Couro",
        "Bolsa Palha",
    ):
        assert fact in user


def test_nothing_else_about_the_customer_goes_out():
    purchase = {
        "date": "2026-10-02",
        "items": ["Vestido Midi"],
        "store": "Loja Jardins",
        "email": "maria@example.com",
        "amount_total": 1234.56,
        "partner_id": 9876,
    }
    messages = build_messages("Oi!", "x", "Maria", purchase, ["A", "B", "C", "D"])
    text = json.dumps(messages, ensure_ascii=False)
    for secret in ("maria@example.com", "1234", "9876", "amount"):
        assert secret not in text
    assert messages[1]["content"].endswith("\nProdutos: A; B; C")
    day = {"date": date(2026, 10, 2), "items": "Vestido Midi", "store": None}
    user = build_messages("Oi!", "x", "Maria", day, [])[1]["content"]
    assert "Última compra: data: 2026-10-02; itens: Vestido Midi\n" in user
    empty = build_messages("Oi!", "", "", None, None)[1]["content"]
    assert "Última compra: nenhuma registrada" in empty
    assert "Produtos: nenhum" in empty


def test_planted_contacts_and_documents_never_leave():
    planted = " / ".join(PLANTED)
    messages = build_messages(
        f"Oi {{first_name}}! Dúvidas? {planted}. Tamanho 38 por R$ 199,90.",
        f"Reativar ({planted})",
        "Maria",
        {
            "date": "2026-10-02",
            "items": [f"Vestido {p}" for p in PLANTED],
            "store": planted,
        },
        [f"Bolsa {planted}", "Sandália 12345678909", "Cinto +5511987654321"],
    )
    text = "\n".join(m["content"] for m in messages)
    for leftover in LEFTOVERS:
        assert leftover not in text
    assert not EMAIL_RE.search(text)
    assert REDACTED in text
    assert "Maria" in text
    assert "Tamanho 38 por R$ 199,90." in text
    assert "Bolsa" in text and "Sandália" in text and "Cinto" in text


@pytest.mark.parametrize(
    "contact",
    [
        *PLANTED,
        "maria.souza+loja@exemplo.com.br",
        "joão@exemplo.com.br",
        "11987654321",
        "+5511987654321",
        "5511987654321",
        "011 98765-4321",
        "(11) 9 8765-4321",
        "11 98765 4321",
        "11.98765.4321",
        "+55 (11) 3456-7890",
        "3456-7890",
        "98765-4321",
        "11222333000181",
        "+1 415 555 0100",
    ],
)
def test_redact_removes_contacts_and_documents(contact):
    assert redact(f"Fale com {contact}, obrigado") == f"Fale com {REDACTED}, obrigado"


@pytest.mark.parametrize(
    "text",
    [
        "Peças a partir de R$ 199,90",
        "Vestido R$ 1.299,90 em 10x de R$ 129,99",
        "Tamanhos 34 36 38 40 42",
        "Tamanho 38",
        "2 peças com 10% off",
        "De 02/10/2026 a 05/10/2026",
        "Coleção Verão 2026",
        "Loja 3, Shopping Iguatemi, piso 2",
        "",
    ],
)
def test_redact_keeps_ordinary_numbers(text):
    assert redact(text) == text


def test_redact_of_nothing():
    assert redact(None) == ""
    assert redact(False) == ""


@given(
    email=st.emails(),
    before=st.text(alphabet=st.characters(blacklist_characters="@")),
    after=st.text(alphabet=st.characters(blacklist_characters="@")),
)
def test_redact_never_leaves_an_email(email, before, after):
    text = redact(f"{before} {email} {after}")
    assert not EMAIL_RE.search(text)
    assert email not in text
    assert "@" not in text


# clean_draft -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        (None, 100, ""),
        ("", 100, ""),
        ('  "  "  ', 100, ""),
        ("  Oi Maria!  ", 100, "Oi Maria!"),
        ('"Oi Maria!"', 100, "Oi Maria!"),
        ("“Oi Maria!”", 100, "Oi Maria!"),
        ("'\"Oi Maria!\"'", 100, "Oi Maria!"),
        ('Oi "Maria"', 100, 'Oi "Maria"'),
        ('"Oi" e "tchau"', 100, '"Oi" e "tchau"'),
        ("“Oi” e “tchau”", 100, "“Oi” e “tchau”"),
        ("Oi Maria!\n\n\n\nTudo bem?", 100, "Oi Maria!\n\nTudo bem?"),
        ("Oi\r\n\r\n \r\n\r\nTudo bem?", 100, "Oi\n\nTudo bem?"),
        ("Oi Maria!\n\nTudo bem?", 100, "Oi Maria!\n\nTudo bem?"),
        ("Oi Maria, temos novidades", 12, "Oi Maria…"),
        ("Oi Maria temos", 9, "Oi Maria…"),
        ("Oi Maria", 8, "Oi Maria"),
        ("Supercalifragilistico", 8, "Superca…"),
    ],
)
def test_clean_draft(text, max_chars, expected):
    assert clean_draft(text, max_chars) == expected
    assert len(clean_draft(text, max_chars)) <= max_chars


def test_clean_draft_never_exceeds_the_limit():
    draft = "Oi Maria! " + "Temos novidades lindas na loja para você. " * 20
    for limit in (1, 5, 50, 160, 300):
        cut = clean_draft(draft, limit)
        assert len(cut) <= limit
        assert cut.endswith("…")
        assert draft.startswith(cut[:-1])


def test_errors_can_be_raised_by_fakes():
    # How tests of the Odoo layer fake a provider failure.
    error = ProviderHTTPError("server error", status=500)
    assert (str(error), error.status, error.detail) == ("server error", 500, "")
    assert isinstance(error, ProviderError)
    assert isinstance(ProviderTimeout("timed out"), ProviderError)


def test_bad_arguments_are_programming_errors():
    with pytest.raises(ValueError):
        build_messages("Oi!", "", "Maria", None, [], language="en_US")
    with pytest.raises(ValueError):
        build_messages("Oi!", "", "Maria", None, [], max_chars=0)
    with pytest.raises(ValueError):
        clean_draft("Oi", 0)
