"""A time-stamping authority of the tests' own on 127.0.0.1 (RFC 3161 over HTTP), and certificates.

`LocalTSA(mode)` answers with pyHanko's `DummyTimeStamper` signing under its own root; mode "slow"
answers after `delay` seconds, "garbage" with bytes that are no timestamp reply; `down_url()` is an
address where nothing listens.
"""

from __future__ import annotations

import asyncio
import http.server
import socket
import threading
import time

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from requests_app.evidence.pades import asn1_certificate
from requests_app.evidence.pdf_certificate import TIME_STAMPING, issue_ca, issue_leaf, pem


def asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


class LocalTSA:
    def __init__(self, mode: str = "ok", delay: float = 3.0, name: str = "Test time-stamping authority") -> None:
        root_key, root = issue_ca(common_name=f"{name} root")
        # pyHanko's test authority signs with RSA only.
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key, certificate = issue_leaf(root_key, root, common_name=name, extended_usage=TIME_STAMPING, key=rsa_key)
        self.root_pem = pem(root)
        stamper = DummyTimeStamper(
            tsa_cert=asn1_certificate(certificate),
            tsa_key=asn1_key(key),
            certs_to_embed=[asn1_certificate(root)],
        )
        self.requests = 0
        tsa = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
                tsa.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if mode == "slow":
                    time.sleep(delay)
                if mode == "garbage":
                    reply = b"\x30\x03\x02\x01garbage"
                else:
                    request = tsp.TimeStampReq.load(body)
                    reply = asyncio.run(stamper.async_request_tsa_response(request)).dump()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/timestamp-reply")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:  # the client gave up (slow mode)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalTSA:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def down_url() -> str:
    """An address on loopback where nothing listens (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def use_tsa(settings, tsa: LocalTSA | None = None, *, url: str | None = None, timeout: float = 1.0) -> None:
    """Point the site at `tsa` (or at `url`) and trust its root for verification."""
    settings.EVIDENCE_TSA_URL = url or tsa.url
    settings.EVIDENCE_TSA_TIMEOUT = timeout
    settings.EVIDENCE_TSA_ROOTS = tsa.root_pem if tsa else ""
