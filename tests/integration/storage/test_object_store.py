"""One suite for every object store: the folder and S3 (moto over real HTTP)."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from pathlib import Path

import pytest

from onair.storage import (
    FilesystemObjectStore,
    InvalidObjectKey,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreUnavailable,
    master_key,
    put_master,
)
from onair.storage.s3_store import S3ObjectStore


@pytest.fixture
def store(object_store: ObjectStore) -> ObjectStore:
    return object_store


class Pattern(io.RawIOBase):
    """``size`` bytes made on the fly: a large master that never exists whole."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.block = bytes(range(256)) * 4096  # 1 MiB

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left, len(self.block))
        buffer[:n] = self.block[:n]
        self.left -= n
        return n


def test_put_get_head_delete(store: ObjectStore) -> None:
    info = store.put(
        "waveforms/a.json", io.BytesIO(b'{"peaks": []}'), content_type="application/json"
    )
    assert info.size == 13
    assert info.sha256 == hashlib.sha256(b'{"peaks": []}').hexdigest()
    assert store.get_bytes("waveforms/a.json") == b'{"peaks": []}'
    head = store.head("waveforms/a.json")
    assert (head.size, head.content_type) == (13, "application/json")
    assert store.exists("waveforms/a.json")
    store.put("waveforms/a.json", io.BytesIO(b"[]"))
    assert store.get_bytes("waveforms/a.json") == b"[]"
    store.delete("waveforms/a.json")
    store.delete("waveforms/a.json")  # deleting twice is fine
    assert not store.exists("waveforms/a.json")
    with pytest.raises(ObjectNotFound, match=r"waveforms/a\.json"):
        store.get_bytes("waveforms/a.json")
    with pytest.raises(ObjectNotFound):
        store.head("waveforms/a.json")


def test_list_by_prefix_in_key_order(store: ObjectStore) -> None:
    for key in ["voice/2026/b.mp3", "voice/2026/a.mp3", "masters/x", "voice/2025/z.mp3"]:
        store.put(key, io.BytesIO(key.encode()))
    assert [o.key for o in store.list("voice/2026/")] == ["voice/2026/a.mp3", "voice/2026/b.mp3"]
    assert [o.key for o in store.list()] == [
        "masters/x", "voice/2025/z.mp3", "voice/2026/a.mp3", "voice/2026/b.mp3",
    ]  # fmt: skip
    assert [o.size for o in store.list("masters/")] == [len(b"masters/x")]


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "a//b", "trailing/", "tab\tkey", "./x"])
def test_unsafe_keys_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidObjectKey):
        store.put(key, io.BytesIO(b"x"))


def test_masters_are_content_addressed_and_stored_once(store: ObjectStore, tmp_path: Path) -> None:
    audio = tmp_path / "song.flac"
    audio.write_bytes(b"fLaC" + os.urandom(10_000))
    digest = hashlib.sha256(audio.read_bytes()).hexdigest()
    first = put_master(store, audio, content_type="audio/flac")
    assert first.key == master_key(digest) == f"masters/{digest[:2]}/{digest[2:4]}/{digest}"
    again = put_master(store, io.BytesIO(audio.read_bytes()))
    assert again.key == first.key
    assert again.content_type == "audio/flac"  # the first upload stands
    assert [o.key for o in store.list("masters/")] == [first.key]
    with pytest.raises(InvalidObjectKey):
        master_key("not-a-hash")


def test_a_large_master_streams_through_in_bounded_memory(store: ObjectStore) -> None:
    size = 128 * 1024 * 1024
    tracemalloc.start()
    try:
        info = store.put("masters/large.wav", Pattern(size))  # type: ignore[arg-type]
        digest = hashlib.sha256()
        read = 0
        with store.open("masters/large.wav") as stream:
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
                read += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.size == read == size
    assert digest.hexdigest() == info.sha256
    assert peak < 64 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB for a 128 MiB object"


def test_presigned_url_serves_the_object(s3_store: S3ObjectStore) -> None:
    s3_store.put("voice/link.mp3", io.BytesIO(b"ID3 voice"), content_type="audio/mpeg")
    url = s3_store.presigned_url("voice/link.mp3", expires_s=60)
    assert "Signature" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback moto
        assert response.read() == b"ID3 voice"
    with pytest.raises(ObjectNotFound):
        s3_store.presigned_url("voice/missing.mp3")


def test_unreachable_s3_names_the_endpoint_quickly() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = S3ObjectStore(
        "onair", endpoint_url=f"http://127.0.0.1:{port}", access_key_id="k",
        secret_access_key="hunter2", connect_timeout_s=1, max_attempts=1,
    )  # fmt: skip
    started = time.monotonic()
    with pytest.raises(ObjectStoreUnavailable) as caught:
        store.check()
    assert time.monotonic() - started < 5
    assert f"http://127.0.0.1:{port}" in str(caught.value)
    assert "hunter2" not in str(caught.value)


_WRITER = """
import sys, time
from pathlib import Path
from onair.storage import FilesystemObjectStore

class Slow:
    def read(self, n=-1):
        time.sleep(0.01)
        return b"x" * 65536

print("writing", flush=True)
FilesystemObjectStore(Path(sys.argv[1])).put("masters/partial.wav", Slow())
"""


def test_a_writer_killed_mid_write_leaves_no_partial_object(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(root)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    time.sleep(0.5)  # about 3 MiB written into the temp file
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    store = FilesystemObjectStore(root)
    assert not store.exists("masters/partial.wav")
    assert list(store.list()) == []
    store.put("masters/partial.wav", io.BytesIO(b"whole"))
    assert store.get_bytes("masters/partial.wav") == b"whole"
