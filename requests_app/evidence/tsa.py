"""The RFC 3161 time-stamping authority client: one POST with a timeout, nothing else.

pyHanko's own HTTP clients need `requests` or `aiohttp`; this one is the standard library's urllib,
so a timestamp costs no new dependency. `timestamper()` is None when no authority is configured
(`EVIDENCE_TSA_URL` empty, the embedded default): then nothing is timestamped and the PDF says that
its time rests on this site's clock. Any failure (down, slow, garbage) is a `TimestampRequestError`.
"""

from __future__ import annotations

import asyncio
import base64
import urllib.error
import urllib.request

from asn1crypto import tsp
from django.conf import settings
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

CONTENT_TYPE = "application/timestamp-reply"
# A timestamp reply is a few kilobytes; an authority sending more is not one.
MAX_REPLY_BYTES = 64 * 1024

__all__ = ["TimestampRequestError", "UrllibTimeStamper", "configured", "timestamper"]


class UrllibTimeStamper(TimeStamper):
    """An RFC 3161 client over HTTP(S) with basic authentication and a hard timeout."""

    def __init__(self, url: str, *, timeout: float, username: str = "", password: str = "") -> None:
        super().__init__()
        self.url = url
        self.timeout = timeout
        self.headers = {"Content-Type": "application/timestamp-query", "Accept": CONTENT_TYPE}
        if username:
            credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {credentials}"

    def _post(self, body: bytes) -> bytes:
        request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                if response.headers.get_content_type() != CONTENT_TYPE:
                    raise TimestampRequestError("The time-stamping authority did not answer with a timestamp reply.")
                reply = response.read(MAX_REPLY_BYTES + 1)
        except (OSError, ValueError) as exc:  # refused, timed out, HTTP error, bad URL
            raise TimestampRequestError(f"No answer from the time-stamping authority ({type(exc).__name__}).") from exc
        if len(reply) > MAX_REPLY_BYTES:
            raise TimestampRequestError("The time-stamping authority's reply is too large.")
        return reply

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        reply = await asyncio.to_thread(self._post, req.dump())
        try:
            response = tsp.TimeStampResp.load(reply)
            response.native  # noqa: B018 (parses it all now, so garbage fails here, not deep in pyHanko)
        except (ValueError, TypeError) as exc:
            raise TimestampRequestError("The time-stamping authority answered garbage.") from exc
        return response


def configured() -> bool:
    return bool(settings.EVIDENCE_TSA_URL.strip())


def timestamper() -> UrllibTimeStamper | None:
    """The configured authority's client, or None when there is none."""
    if not configured():
        return None
    return UrllibTimeStamper(
        settings.EVIDENCE_TSA_URL.strip(),
        timeout=settings.EVIDENCE_TSA_TIMEOUT,
        username=settings.EVIDENCE_TSA_USERNAME,
        password=settings.EVIDENCE_TSA_PASSWORD,
    )
