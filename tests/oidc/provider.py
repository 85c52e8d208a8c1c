"""Start the test OpenID provider (tests/oidc/provider.mjs, npm oidc-provider under Node.js) on loopback.

It listens on a port the system chooses and prints its issuer; the tests
talk to it over HTTP like any council's identity provider.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CLIENT_ID = "casework-tests"
CLIENT_SECRET = "casework-tests-secret-0123456789abcdef"  # noqa: S105 (the test provider's client)

ACCOUNTS = [
    {"id": "hana", "email": "hana.hr@council.example", "email_verified": True, "name": "Hana HR"},
    {
        "id": "hana-mfa",
        "email": "hana.hr@council.example",
        "email_verified": True,
        "name": "Hana HR",
        "amr": ["pwd", "mfa"],
    },
    {"id": "emma", "email": "Emma.Employee@council.example", "email_verified": True, "name": "Emma Employee"},
    {"id": "unverified", "email": "emma.employee@council.example", "email_verified": False, "name": "Not Emma"},
    {"id": "stranger", "email": "stranger@elsewhere.example", "email_verified": True, "name": "A Stranger"},
    {"id": "leaver", "email": "lee.leaver@council.example", "email_verified": True, "name": "Lee Leaver"},
]


def node() -> str | None:
    return shutil.which("node")


class OpenIDProvider:
    """A running provider: `issuer`, and `spoil_next_token(mode)` for the refusal tests."""

    def __init__(self, redirect_uris: list[str], accounts: list[dict] | None = None):
        if node() is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
            pytest.skip("Node.js and npm's oidc-provider (make setup) are needed for the OpenID Connect tests")
        self.folder = tempfile.TemporaryDirectory(prefix="casework-oidc-")
        config = Path(self.folder.name) / "config.json"
        config.write_text(
            json.dumps(
                {
                    "clients": [
                        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}
                    ],
                    "accounts": accounts or ACCOUNTS,
                }
            )
        )
        self.process = subprocess.Popen(  # noqa: S603 (our own script)
            [node(), str(HERE / "provider.mjs"), str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        line = self.process.stdout.readline()
        if not line:
            error = self.process.stderr.read()
            self.stop()
            raise RuntimeError(f"the test OpenID provider did not start: {error}")
        self.issuer = json.loads(line)["issuer"]

    def spoil_next_token(self, mode: str) -> None:
        request = Request(  # noqa: S310 (loopback)
            f"{self.issuer}/_test/mischief", data=json.dumps({"mode": mode}).encode(), method="POST"
        )
        with urlopen(request, timeout=10):  # noqa: S310
            pass

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()
        self.folder.cleanup()
