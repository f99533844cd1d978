"""APNs provider tokens: a JWT signed ES256 with the .p8 key, {iss: team, iat} and the key id.

Apple refuses tokens older than an hour and ones refreshed more than once in twenty minutes;
one is made every fifty minutes, or sooner when APNs says ExpiredProviderToken.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import jwt

from herald.channels.config_http import ApnsSettings

LIFETIME_S = 50 * 60


def load_private_key(settings: ApnsSettings) -> str:
    if settings.private_key is not None:
        return settings.private_key.get_secret_value()
    assert settings.private_key_file is not None
    return settings.private_key_file.read_text()


class ProviderTokens:
    def __init__(self, settings: ApnsSettings, clock: Callable[[], float] = time.time) -> None:
        self._team_id = settings.team_id
        self._key_id = settings.key_id
        self._key = load_private_key(settings)
        self._clock = clock
        self._token: str | None = None
        self._issued_at = 0.0

    def get(self) -> str:
        now = self._clock()
        if self._token is None or now - self._issued_at >= LIFETIME_S:
            self._token = jwt.encode(
                {"iss": self._team_id, "iat": int(now)},
                self._key,
                algorithm="ES256",
                headers={"kid": self._key_id},
            )
            self._issued_at = now
        return self._token

    def forget(self) -> None:
        self._token = None

    def __repr__(self) -> str:
        return f"ProviderTokens(team {self._team_id!r}, key {self._key_id!r})"
