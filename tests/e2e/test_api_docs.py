"""The curl examples of docs/api.md and the README, run against a real ``onair serve``.

Each example runs as written, with the station's address, a password, the CSRF
token its login answered and a token put in for the placeholders; the test
checks the status each answers, so a doc that no longer matches the API fails.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.cli import onair, running_server

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "src/onair/scheduler/demo_station.yaml"
PASSWORD = "a long enough password"


def _curls(doc: Path) -> list[str]:
    """Each curl command of the doc's ``sh`` blocks, its continuation lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", doc.read_text(), flags=re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [line.strip() for line in lines if line.strip().startswith(("curl", "TOKEN="))]


def _run(command: str, cwd: Path, values: dict[str, str]) -> tuple[int, str]:
    for placeholder, value in values.items():
        command = command.replace(placeholder, value)
    if command.startswith("TOKEN="):
        return 0, ""
    answered = cwd / "answer.txt"
    shown = subprocess.run(["bash", "-c", f"{command} -s -o {answered} -w '%{{http_code}}'"],
                           cwd=cwd, capture_output=True, text=True, timeout=30,
                           check=False)  # fmt: skip
    assert shown.returncode == 0, (command, shown.stderr)
    return int(shown.stdout), answered.read_text()


@pytest.mark.parametrize("doc", ["docs/api.md", "README.md"])
def test_the_curl_examples_answer_as_the_docs_say(doc: str, tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "station"))
    for name in ("ann", "admin"):
        made = onair("user", "add", name, "--role", "operator", "--password-stdin", *data,
                     input_text=PASSWORD + "\n")  # fmt: skip
        assert made.returncode == 0, made.stderr
    created = onair("token", "create", "--name", "cart-wall", "--role", "operator", *data)
    token = created.stdout.splitlines()[-1]
    director = onair("token", "create", "--name", "pd", "--role", "program_director", *data)
    admin = onair("token", "create", "--name", "desk", "--role", "admin", *data)
    assert onair("station", "apply", str(DEMO), *data).returncode == 0
    built = onair("schedule", "build", "--from", "2027-02-01", *data)
    assert built.returncode == 0, built.stderr
    (tmp_path / "station.yaml").write_text(DEMO.read_text().replace("KONR", "KQRS"))
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "anoisesrc=color=pink:duration=6:sample_rate=44100", "-ac", "2",
                    str(tmp_path / "song.flac")], check=True)  # fmt: skip
    values = {"HER-PASSWORD": PASSWORD, "PRINTED-PASSWORD": PASSWORD, "$TOKEN": token,
              "$PD_TOKEN": director.stdout.splitlines()[-1],
              "$ADMIN_TOKEN": admin.stdout.splitlines()[-1],
              '"01J…"': '"01JNOSUCHASSET"'}  # fmt: skip
    statuses: list[tuple[str, int]] = []
    with running_server("serve", "--role", "api", "--role", "playout", *data) as (base, _):
        values["http://127.0.0.1:8000"] = base
        for command in _curls(ROOT / doc):
            status, body = _run(command, tmp_path, values)
            if command.startswith("TOKEN="):
                continue
            if "/auth/login" in command:
                values["9f0c…"] = json.loads(body)["csrf_token"]
            route = re.search(r"/api/v1/[a-z_/]+|/healthz|/metrics|/graphql", command)
            if route and route.group(0) == "/graphql":  # a GraphQL error is still a 200
                assert "errors" not in json.loads(body), body
            statuses.append((route.group(0) if route else command, status))
    expected = {
        "docs/api.md": [
            ("/api/v1/users", 201), ("/api/v1/tokens", 201),
            ("/api/v1/auth/login", 200), ("/api/v1/auth/me", 200), ("/api/v1/playout/skip", 200),
            ("/api/v1/auth/logout", 204), ("/api/v1/playout/insert_next", 422),
            ("/api/v1/station", 200), ("/api/v1/station", 200), ("/api/v1/schedule", 200),
            ("/api/v1/schedule/hours/", 200), ("/api/v1/schedule/hours/", 200),
            ("/api/v1/schedule/hours/", 200), ("/api/v1/playlists", 201),
            ("/api/v1/playlists/requests/items", 422), ("/api/v1/playlists/requests", 200),
            ("/api/v1/playout/state", 200),
            ("/api/v1/public/now", 200),
            ("/api/v1/assets", 200), ("/api/v1/uploads", 201), ("/api/v1/segments", 200),
            ("/api/v1/compliance/audit", 200),
            ("/api/v1/compliance/reports/asrun", 200),
            ("/graphql", 200), ("/api/v1/webhooks/deliveries", 200),
        ],
        "README.md": [("/api/v1/auth/login", 200), ("/api/v1/playout/skip", 200)],
    }  # fmt: skip
    assert statuses == expected[doc]
