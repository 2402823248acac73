"""OAuth sign-in providers.

Each provider builds its authorisation URL and exchanges the callback code for the user's
profile. The login routes in api/server.py pick the provider by name from OAUTH_PROVIDERS.
"""
import os
from abc import ABC, abstractmethod
from urllib.parse import urlencode


class OAuthProvider(ABC):
    name: str
    authorize_endpoint: str
    scopes: tuple[str, ...] = ("openid", "email", "profile")

    def __init__(self) -> None:
        prefix = self.name.upper()
        self.client_id = os.environ.get(f"{prefix}_CLIENT_ID", "")
        self.client_secret = os.environ.get(f"{prefix}_CLIENT_SECRET", "")
        self.redirect_uri = os.environ.get("OAUTH_REDIRECT_BASE", "https://api.assistant.example") + f"/auth/oauth/{self.name}/callback"

    def authorization_url(self, state: str) -> str:
        query = urlencode(
            {
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "response_type": "code",
                "scope": " ".join(self.scopes),
                "state": state,
            }
        )
        return f"{self.authorize_endpoint}?{query}"

    @abstractmethod
    def exchange_code(self, code: str) -> dict:
        """Trade the authorisation code for the user's profile: {"email", "name", "provider_id"}."""
        raise NotImplementedError


class GoogleOAuthProvider(OAuthProvider):
    name = "google"
    authorize_endpoint = "https://accounts.google.com/o/oauth2/v2/auth"

    def exchange_code(self, code: str) -> dict:
        raise NotImplementedError("Google OAuth is not implemented yet")


class GitHubOAuthProvider(OAuthProvider):
    name = "github"
    authorize_endpoint = "https://github.com/login/oauth/authorize"
    scopes = ("read:user", "user:email")

    def exchange_code(self, code: str) -> dict:
        raise NotImplementedError("GitHub OAuth is not implemented yet")


class MicrosoftOAuthProvider(OAuthProvider):
    name = "microsoft"
    authorize_endpoint = "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"

    def exchange_code(self, code: str) -> dict:
        raise NotImplementedError("Microsoft OAuth is not implemented yet")


OAUTH_PROVIDERS: dict[str, OAuthProvider] = {
    "google": GoogleOAuthProvider(),
    "github": GitHubOAuthProvider(),
    "microsoft": MicrosoftOAuthProvider(),
}
