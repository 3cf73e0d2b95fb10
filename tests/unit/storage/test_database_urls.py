"""A database URL the engine cannot use is one storage error that keeps the password in."""

from __future__ import annotations

import pytest

from onair.storage.db import StorageError, create_engine_for


@pytest.mark.parametrize(
    "url", ["postgresql+nodriver://u:s3cret@db/onair", "postgresql://u:s3cret@db:port/onair"]
)
def test_an_unusable_url_is_a_storage_error_without_the_password(url: str) -> None:
    with pytest.raises(StorageError, match="ONAIR_DATABASE_URL") as refused:
        create_engine_for(url)
    assert "s3cret" not in str(refused.value)
