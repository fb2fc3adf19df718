"""The schema of every operation says what it may answer besides its success: the one error shape."""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema

from federation.api.serializers import ErrorSerializer

#: What each refusal means; every operation may answer these (a write also 400 and 409).
ERRORS = {
    "400": "Refused: the messages by field (errors), as the form shows them.",
    "401": "Not signed in, or the token is unknown, revoked or expired.",
    "403": "Refused: a session request without its CSRF token, or a user who must change her password first.",
    "404": "No such record in the user's scope, or her role may not read it.",
    "405": "Not allowed on this resource.",
    "406": "Cannot answer in the type asked for.",
    "409": "Stale: the record changed since the version sent (current: the record now).",
    "415": "Not a JSON or form body.",
    "429": "Too many requests: wait the seconds the Retry-After header says.",
}


class FederationSchema(AutoSchema):
    """drf-spectacular's schema with the error shape on every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


class RecordedTokenScheme(KnoxTokenScheme):
    """The personal token: ``Authorization: Token <token>``."""

    target_class = "federation.api.auth.RecordedTokenAuthentication"
    name = "tokenAuth"


class FederationSessionScheme(SessionScheme):
    """The session of the pages' own scripts: the session cookie, and the CSRF token to write."""

    target_class = "federation.api.auth.SessionAuthentication"
