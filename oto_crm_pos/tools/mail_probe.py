"""Whether the outgoing mail server answers, in a few seconds.

Plain Python (no Odoo). A receipt sent by email at the counter talks to the
mail server while the cashier waits: when the server is down or unreachable,
the cashier is told at once instead of waiting for the mail library's minute
of timeout.
"""

import socket

# Seconds a cashier may wait for the mail server to answer.
CONNECT_TIMEOUT = 4.0


def reachable(host, port, timeout=CONNECT_TIMEOUT):
    """True when a TCP connection to ``host``:``port`` opens within
    ``timeout`` seconds; False when it is refused, times out or the name does
    not resolve (or when there is no host)."""
    if not host:
        return False
    try:
        with socket.create_connection((host, int(port or 25)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False
