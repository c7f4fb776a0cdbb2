"""A small, real OpenID Connect provider on loopback, for testing the portal's SSO.

It speaks the authorization-code flow over HTTP as a provider does: discovery, an
authorization endpoint that redirects back with a one-time code (bound to the client,
redirect URI, nonce and PKCE challenge), a token endpoint that checks the client's
secret and the PKCE verifier and returns an RS256-signed ID token, a userinfo endpoint
behind the access token, and the JWKS with its public key. Nothing in the portal is
replaced: the portal's backend talks to it with real requests.

The person who "signs in" at the provider is ``provider.person`` (a dict of claims),
set by the test before the browser goes there. ``provider.audience`` can be changed to
play a provider that issues tokens to another client.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(number: int) -> str:
    return _b64(number.to_bytes((number.bit_length() + 7) // 8, "big"))


class Provider:
    def __init__(self, client_id: str, client_secret: str):
        self.client_id = client_id
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.person: dict = {}
        self.audience: str | None = None
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.token_requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # Lifecycle

    def start(self) -> "Provider":
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    # What the portal is configured with

    def settings(self) -> dict:
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "AIMS_OIDC_ISSUER": self.url,
        }

    # Protocol

    def id_token(self, claims: dict) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        signing_input = (
            _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        )
        signature = self.key.sign(
            signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return signing_input + "." + _b64(signature)

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "use": "sig",
                    "alg": "RS256",
                    "kid": self.kid,
                    "n": _int_b64(numbers.n),
                    "e": _int_b64(numbers.e),
                }
            ]
        }

    def authorize(self, query: dict) -> tuple[int, dict, str]:
        def one(name):
            return query.get(name, [""])[0]

        if one("client_id") != self.client_id or one("response_type") != "code":
            return 400, {}, "unknown client or response type"
        if "openid" not in one("scope").split():
            return 400, {}, "scope must include openid"
        if one("code_challenge_method") != "S256" or not one("code_challenge"):
            return 400, {}, "PKCE (S256) is required"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": one("redirect_uri"),
            "nonce": one("nonce"),
            "challenge": one("code_challenge"),
            "person": dict(self.person),
        }
        target = one("redirect_uri") + "?" + urlencode(
            {"code": code, "state": one("state")}
        )
        return 302, {"Location": target}, ""

    def token(self, form: dict) -> tuple[int, dict]:
        def one(name):
            return form.get(name, [""])[0]

        self.token_requests += 1
        if (one("client_id"), one("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(one("code"), None)  # a code works once
        if grant is None or one("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if one("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = one("code_verifier")
        if _b64(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        person = grant["person"]
        now = int(time.time())
        access = secrets.token_urlsafe(24)
        self.access_tokens[access] = person
        id_token = self.id_token(
            {
                "iss": self.url,
                "sub": person["sub"],
                "aud": self.audience or self.client_id,
                "iat": now,
                "exp": now + 300,
                "nonce": grant["nonce"],
                "email": person.get("email"),
            }
        )
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        scheme, _, access = authorization.partition(" ")
        person = self.access_tokens.get(access) if scheme == "Bearer" else None
        if person is None:
            return 401, {"error": "invalid_token"}
        return 200, person

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet in test output
                pass

            def _send(self, status, body, headers=None, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802 - http.server's naming
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._send(
                        200,
                        {
                            "issuer": provider.url,
                            "authorization_endpoint": f"{provider.url}/authorize",
                            "token_endpoint": f"{provider.url}/token",
                            "userinfo_endpoint": f"{provider.url}/userinfo",
                            "jwks_uri": f"{provider.url}/jwks",
                            "id_token_signing_alg_values_supported": ["RS256"],
                            "code_challenge_methods_supported": ["S256"],
                        },
                    )
                elif url.path == "/jwks":
                    self._send(200, provider.jwks())
                elif url.path == "/authorize":
                    status, headers, text = provider.authorize(parse_qs(url.query))
                    self._send(status, text.encode(), headers, "text/plain")
                elif url.path == "/userinfo":
                    self._send(*provider.userinfo(self.headers.get("Authorization", "")))
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                if urlsplit(self.path).path == "/token":
                    self._send(*provider.token(form))
                else:
                    self._send(404, {"error": "not_found"})

        return Handler
