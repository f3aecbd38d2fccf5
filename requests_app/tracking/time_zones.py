"""The usual time zone where a person lives: the filing form's default when the browser does not say.

Countries with several zones get the capital's; anything else gets UTC. Pure: a region's codes in,
an IANA zone name out.
"""

from __future__ import annotations

from typing import Protocol


class HasCodes(Protocol):
    country_code: str
    subdivision_code: str


COUNTRY_TIME_ZONES = {
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia", "HR": "Europe/Zagreb",
    "CY": "Asia/Nicosia", "CZ": "Europe/Prague", "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn",
    "FI": "Europe/Helsinki", "FR": "Europe/Paris", "DE": "Europe/Berlin", "GR": "Europe/Athens",
    "HU": "Europe/Budapest", "IE": "Europe/Dublin", "IT": "Europe/Rome", "LV": "Europe/Riga",
    "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg", "MT": "Europe/Malta", "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw", "PT": "Europe/Lisbon", "RO": "Europe/Bucharest", "SK": "Europe/Bratislava",
    "SI": "Europe/Ljubljana", "ES": "Europe/Madrid", "SE": "Europe/Stockholm", "IS": "Atlantic/Reykjavik",
    "LI": "Europe/Vaduz", "NO": "Europe/Oslo", "GB": "Europe/London", "CH": "Europe/Zurich",
}  # fmt: skip
_US_ZONES = {
    "America/New_York": "CT DE DC FL GA KY ME MD MA NH NJ NY NC OH PA RI SC VT VA WV",
    "America/Detroit": "MI",
    "America/Indiana/Indianapolis": "IN",
    "America/Chicago": "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI",
    "America/Denver": "CO ID MT NM UT WY",
    "America/Phoenix": "AZ",
    "America/Los_Angeles": "CA NV OR WA",
    "America/Anchorage": "AK",
    "Pacific/Honolulu": "HI",
}
STATE_TIME_ZONES = {f"US-{state}": zone for zone, states in _US_ZONES.items() for state in states.split()}


def usual_time_zone(region: HasCodes | None) -> str:
    """The time zone most people in `region` live in ("UTC" when unknown)."""
    if region is None:
        return "UTC"
    return STATE_TIME_ZONES.get(region.subdivision_code.upper()) or COUNTRY_TIME_ZONES.get(
        region.country_code.upper(), "UTC"
    )
