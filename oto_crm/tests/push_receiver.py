# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A phone's push service, on this machine: a local HTTP server that
receives web pushes (RFC 8030) for subscriptions it makes the way a browser
does (a P-256 key pair and an auth secret, RFC 8291), and opens them
(decrypts ``aes128gcm``, RFC 8188). What Odoo sends is read as the phone
would read it. A subscription whose path starts with ``/gone`` answers 410
(a subscription the phone dropped)."""

import base64
import json
import os
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hkdf(salt, ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(
        ikm
    )


class PushReceiver:
    def __init__(self):
        self.received = []  # (path, headers, body)
        self.subscriptions = {}  # endpoint: (private key, public bytes, auth)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((self.path, dict(self.headers), body))
                status = 410 if self.path.startswith("/gone") else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def subscribe(self, path="/push/"):
        """A subscription as a browser makes it: what it sends to
        ``mail.push.device.register_devices`` (``endpoint``, ``keys``)."""
        private = ec.generate_private_key(ec.SECP256R1())
        public = private.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        auth = os.urandom(16)
        endpoint = f"{self.base_url}{path}{b64url(os.urandom(12))}"
        self.subscriptions[endpoint] = (private, public, auth)
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(auth)},
        }

    def payload(self, path, body):
        """The push's payload as the phone reads it (JSON)."""
        endpoint = self.base_url + path
        private, public, auth = self.subscriptions[endpoint]
        salt, record_size, key_length = struct.unpack("!16sLB", body[:21])
        sender = body[21 : 21 + key_length]
        records = body[21 + key_length :]
        sender_key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), sender
        )
        shared = private.exchange(ec.ECDH(), sender_key)
        ikm = _hkdf(auth, shared, b"WebPush: info\x00" + public + sender, 32)
        key = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plain = b""
        for start in range(0, len(records), record_size):
            chunk = AESGCM(key).decrypt(
                nonce, records[start : start + record_size], None
            )
            plain += chunk.rstrip(b"\x00")[:-1]  # the padding delimiter
        return json.loads(plain)
