"""The ledger's hashing: canonical JSON, the chain, the Merkle root."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from onair.domain.ledger import (
    GENESIS_HASH,
    EntryDraft,
    EntryKind,
    LedgerEntry,
    LedgerError,
    canonical_json,
    chain_break,
    merkle_root,
    seal_entry,
)

T0 = datetime(2026, 12, 6, 14, 0, tzinfo=UTC)


def chain(n: int) -> list[LedgerEntry]:
    entries: list[LedgerEntry] = []
    for i in range(n):
        body = {"title": f"Song {i}", "listeners": i * 3, "duration_s": 201.5}
        at = T0 + timedelta(minutes=4 * i)
        draft = EntryDraft("kxyz", EntryKind.AIRED, f"play-{i}", at, body)
        prev = entries[-1].hash if entries else GENESIS_HASH
        entries.append(seal_entry(draft, i + 1, prev, T0 + timedelta(minutes=4 * i, seconds=1)))
    return entries


def test_canonical_json_is_sorted_compact_and_stable() -> None:
    value = {"b": 1, "a": [1.5, "é"], "at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)}
    text = canonical_json(value)
    assert text == '{"a":[1.5,"é"],"at":"2026-01-02T03:04:05.000006Z","b":1}'
    import json

    assert canonical_json(json.loads(text)) == text


def test_a_naive_instant_or_nan_is_refused() -> None:
    with pytest.raises(LedgerError, match="naive"):
        EntryDraft("kxyz", EntryKind.AIRED, "p", datetime(2026, 1, 1), {})
    with pytest.raises(LedgerError, match="NaN"):
        EntryDraft("kxyz", EntryKind.AIRED, "p", T0, {"gain": float("nan")})


def test_an_untouched_chain_holds() -> None:
    assert chain_break(chain(50)) is None


def test_a_changed_body_breaks_the_chain_at_that_entry() -> None:
    entries = chain(10)
    entries[6] = replace(entries[6], body={**entries[6].body, "listeners": 9999})
    broken = chain_break(entries)
    assert broken is not None
    assert broken.seq == 7
    assert "do not match its hash" in str(broken)


def test_a_rehashed_change_still_breaks_the_link_after_it() -> None:
    entries = chain(10)
    changed = replace(entries[3], body={**entries[3].body, "title": "Other"})
    entries[3] = replace(changed, hash=hashlib.sha256(b"forged").hexdigest())
    broken = chain_break(entries)
    assert broken is not None
    assert broken.seq == 4  # its own hash no longer fits its fields
    fields_ok = replace(changed, hash=changed.hash)
    entries[3] = seal_entry(
        EntryDraft("kxyz", EntryKind.AIRED, fields_ok.source_id, fields_ok.at, fields_ok.body),
        4, entries[2].hash, fields_ok.recorded_at,
    )  # fmt: skip
    broken = chain_break(entries)
    assert broken is not None
    assert broken.seq == 5
    assert "prev_hash" in broken.reason


def test_a_missing_or_repeated_entry_is_named() -> None:
    entries = chain(6)
    broken = chain_break(entries[:2] + entries[3:])
    assert broken is not None
    assert (broken.seq, "missing" in broken.reason) == (3, True)
    broken = chain_break([*entries[:3], entries[2], *entries[3:]])
    assert broken is not None
    assert "repeated" in broken.reason


def test_records_round_trip_and_keep_their_hash() -> None:
    for entry in chain(5):
        back = LedgerEntry.from_record(entry.record())
        assert back == entry
    with pytest.raises(LedgerError):
        LedgerEntry.from_record({"seq": 1})


def test_merkle_root_follows_rfc6962() -> None:
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(5)]

    def leaf(h: str) -> bytes:
        return hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest()

    def node(a: bytes, b: bytes) -> bytes:
        return hashlib.sha256(b"\x01" + a + b).digest()

    assert merkle_root([]) == hashlib.sha256(b"").hexdigest()
    assert merkle_root(hashes[:1]) == leaf(hashes[0]).hex()
    four = node(node(leaf(hashes[0]), leaf(hashes[1])), node(leaf(hashes[2]), leaf(hashes[3])))
    assert merkle_root(hashes[:4]) == four.hex()
    assert merkle_root(hashes) == node(four, leaf(hashes[4])).hex()
    assert merkle_root(hashes[:4]) != merkle_root([hashes[1], hashes[0], *hashes[2:4]])
