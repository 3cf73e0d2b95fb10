"""The API under schemathesis: generated requests to every route of the OpenAPI document
and every field of the GraphQL schema, against a real ``onair serve`` of a small demo
station (its library, schedule and voice links), with an admin's token so each reaches
its route's own checks.

Nothing may answer 5xx or a GraphQL error of the station's own, and every answer must
match the document. A GraphQL refusal of the caller's query is labelled as the caller's
(``extensions.code`` BAD_USER_INPUT), which is what lets schemathesis, and a studio, tell
it from a fault. Left out of the REST run: the operator triggers (with no playout in the
process they answer 503 by design), and uploads and regenerating a segment, whose every
request runs ingest or the agents and their voice for seconds (their own tests send them
bad input).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.cli import onair, running_server

pytestmark = pytest.mark.timeout(600)

_LEFT_OUT = r"/playout/\{trigger\}|/uploads|/regenerate"


@dataclass(frozen=True)
class _Served:
    base: str
    token: str
    server: subprocess.Popen[str]
    log: Path
    folder: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Served]:
    folder = tmp_path_factory.mktemp("fuzz")
    data = ("--data-dir", str(folder / "station"))
    made = onair("demo", "--tracks", "8", "--no-serve", *data, timeout=240)
    assert made.returncode == 0, made.stderr
    created = onair("token", "create", "--name", "fuzz", "--role", "admin", *data)
    token = created.stdout.splitlines()[-1]
    log = folder / "serve.log"
    with running_server("serve", "--role", "api", *data, log=log) as (base, server):
        yield _Served(base, token, server, log, folder)


def _schemathesis(served: _Served, schema: str, *options: str) -> None:
    fuzzed = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{served.base}{schema}",
         "--header", f"Authorization: Bearer {served.token}",
         "--checks", "not_a_server_error,response_schema_conformance",
         "--seed", "1", "--workers", "2", *options],
        capture_output=True, text=True, timeout=500, check=False, cwd=served.folder,
    )  # fmt: skip
    assert served.server.poll() is None, "the server died under the generated requests"
    assert fuzzed.returncode == 0, (
        fuzzed.stdout[-6000:] + fuzzed.stderr[-2000:] + served.log.read_text()[-3000:]
    )
    assert " passed" in fuzzed.stdout


def test_generated_requests_get_no_server_error_and_match_the_schema(served: _Served) -> None:
    _schemathesis(served, "/openapi.json", "--phases", "coverage,fuzzing",
                  "--max-examples", "10", "--exclude-path-regex", _LEFT_OUT)  # fmt: skip


def test_generated_queries_get_no_station_error_and_match_the_schema(served: _Served) -> None:
    _schemathesis(served, "/graphql", "--max-examples", "100")
