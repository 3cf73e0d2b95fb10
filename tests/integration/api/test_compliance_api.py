"""The compliance records over HTTP: audit status, report downloads, the operator action log.

Through the real app of a serving process, over a real SQLite station whose
ledger holds a day of air recorded as the compliance role records it.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime, time, timedelta

import pytest

from onair.bootstrap.compliance import Compliance
from onair.domain.access import Role
from onair.domain.playout import AsRunEntry, EndedBy
from onair.domain.programming import ItemKind
from tests.integration.api.conftest import Served

pytestmark = pytest.mark.integration


@pytest.fixture
def yesterday(served: Served) -> str:
    """Yesterday, on which eight songs aired at noon, in the ledger as the role records them."""
    stores = served.station.stores
    zone = stores.zone()
    day = datetime.now(zone).date() - timedelta(days=1)
    noon = datetime.combine(day, time(12), zone)
    for n in range(8):
        start = (noon + timedelta(minutes=4 * n)).astimezone(UTC)
        stores.as_run.record(AsRunEntry(f"play{n:022d}", stores.station, None, ItemKind.MUSIC,
                                        "power", f"Song {n}", f"Band {n % 3}", start, 238.0,
                                        EndedBy.CROSSFADE, scheduled_start=start,
                                        listeners=n + 1))  # fmt: skip
    assert len(Compliance(stores, zone, None).upkeep().catch_up()) == 8
    return day.isoformat()


def _bearer(served: Served, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.token(role, f'{role.value}-token')}"}


async def test_reports_download_as_onair_report_makes_them(served: Served, yesterday: str) -> None:
    director = _bearer(served, Role.PROGRAM_DIRECTOR)
    client = served.client
    audit = await client.get("/api/v1/compliance/audit", headers=director)
    assert audit.status_code == 200
    assert audit.json()["ok"] is True
    assert audit.json()["entries_checked"] >= 8

    as_run = await client.get("/api/v1/compliance/reports/asrun", params={"day": yesterday},
                              headers=director)  # fmt: skip
    assert as_run.status_code == 200, as_run.text
    assert as_run.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_run.headers["content-disposition"] == (
        f'attachment; filename="demo-asrun-{yesterday}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(as_run.text)))
    assert [r["listeners"] for r in rows] == [str(n) for n in range(1, 9)]

    month = yesterday[:7]
    sx = await client.get("/api/v1/compliance/reports/soundexchange",
                          params={"month": month, "format": "json"}, headers=director)  # fmt: skip
    assert sx.status_code == 200, sx.text
    assert sx.json()["station"] == "demo"
    assert len(sx.json()["rows"]) == 8
    for kind in ("licensing", "affidavit", "dmca"):
        made = await client.get(f"/api/v1/compliance/reports/{kind}",
                                params={"from": yesterday, "to": yesterday},
                                headers=director)  # fmt: skip
        assert made.status_code == 200, (kind, made.text)
    legal_id = await client.get("/api/v1/compliance/reports/legal-id",
                                params={"day": yesterday}, headers=director)  # fmt: skip
    assert legal_id.status_code == 409  # no station file: no call letters to check against
    assert "station apply" in legal_id.json()["detail"]

    missing = await client.get("/api/v1/compliance/reports/asrun", headers=director)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["query", "day"]
    future = (datetime.fromisoformat(yesterday) + timedelta(days=5)).date().isoformat()
    early = await client.get("/api/v1/compliance/reports/asrun", params={"day": future},
                             headers=director)  # fmt: skip
    assert early.status_code == 422
    assert "has not begun" in early.json()["detail"]
    span = {"from": yesterday, "to": "9999-12-31"}
    beyond = await client.get("/api/v1/compliance/reports/dmca", params=span, headers=director)
    assert beyond.status_code == 422
    assert beyond.json()["errors"][0]["loc"] == ["query", "to"]
    unending = await client.get("/api/v1/compliance/audit", params={"to": "9999-12-31"},
                                headers=director)  # fmt: skip
    assert unending.status_code == 422
    assert unending.json()["detail"] == (
        "query.to: 9999-12-31 runs past the calendar: ask for days that have aired"
    )
    garbled = await client.get("/api/v1/compliance/reports/dmca", params={"from": "tuesday"},
                               headers=director)  # fmt: skip
    assert garbled.status_code == 422
    assert garbled.json()["errors"][0]["loc"] == ["query", "from"]


async def test_a_changed_ledger_row_fails_the_audit_and_refuses_reports(
    served: Served, yesterday: str
) -> None:
    director = _bearer(served, Role.PROGRAM_DIRECTOR)
    database = sqlite3.connect(served.station.settings.data_dir / "onair.sqlite3")
    with database:
        triggers = database.execute(
            "SELECT name FROM sqlite_master"
            " WHERE type = 'trigger' AND tbl_name = 'compliance_ledger'"
        ).fetchall()
        for (name,) in triggers:
            database.execute(f'DROP TRIGGER "{name}"')
        (seq,) = database.execute(
            "SELECT seq FROM compliance_ledger WHERE body LIKE '%\"Song 1\"%'"
        ).fetchone()
        database.execute("UPDATE compliance_ledger SET body = replace(body, 'Song 1', 'Song X')"
                         " WHERE seq = ?", (seq,))  # fmt: skip
    database.close()

    audit = await served.client.get("/api/v1/compliance/audit", headers=director)
    assert audit.json()["ok"] is False
    hash_fails = f"ledger demo entry {seq}: its contents do not match its hash"
    assert audit.json()["problem"] == f"{hash_fails} (changed after it was written)"
    refused = await served.client.get("/api/v1/compliance/reports/asrun",
                                      params={"day": yesterday}, headers=director)  # fmt: skip
    assert refused.status_code == 409
    assert "allow_unverified=true" in refused.json()["detail"]
    anyway = await served.client.get("/api/v1/compliance/reports/asrun",
                                     params={"day": yesterday, "allow_unverified": True},
                                     headers=director)  # fmt: skip
    assert anyway.status_code == 200
    assert anyway.text.startswith(
        "# WARNING: built on a ledger that does not verify: ledger demo"
        f" entry {seq}: its contents do not match its hash"
    )


async def test_the_operator_action_log_pages_newest_first(served: Served) -> None:
    for name in ("one", "two", "three"):
        served.token(Role.OPERATOR, name)
    director = _bearer(served, Role.PROGRAM_DIRECTOR)  # the fourth action
    url = "/api/v1/compliance/operator-actions"
    first = await served.client.get(url, params={"limit": 3}, headers=director)
    assert first.status_code == 200
    page = first.json()
    named = [e["body"]["after"]["name"] for e in page["items"]]
    assert named == ["program_director-token", "three", "two"]
    assert {e["body"]["who"] for e in page["items"]} == {"shell:test"}
    assert {e["kind"] for e in page["items"]} == {"operator_action"}
    rest = await served.client.get(url, params={"limit": 3, "cursor": page["next_cursor"]},
                                   headers=director)  # fmt: skip
    assert [e["body"]["after"]["name"] for e in rest.json()["items"]] == ["one"]
    assert rest.json()["next_cursor"] is None
    viewer = await served.client.get(url, headers=_bearer(served, Role.VIEWER))
    assert viewer.status_code == 403
