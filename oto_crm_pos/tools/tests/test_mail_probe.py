import socket
import time

from oto_crm_pos.tools.mail_probe import reachable


def test_a_listening_server_is_reachable():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        assert reachable("127.0.0.1", server.getsockname()[1], timeout=2)


def test_a_closed_port_fails_at_once():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    assert not reachable("127.0.0.1", port, timeout=2)
    assert time.monotonic() - started < 1


def test_an_unknown_name_or_no_host_is_not_reachable():
    assert not reachable("oto-no-such-host.invalid", 25, timeout=1)
    assert not reachable(False, 25)
    assert not reachable("127.0.0.1", "not a port")


def test_a_silent_server_fails_within_the_timeout(monkeypatch):
    def hang(address, timeout):
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", hang)
    started = time.monotonic()
    assert not reachable("192.0.2.1", 25, timeout=0.2)
    assert time.monotonic() - started < 1
