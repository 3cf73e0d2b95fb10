from __future__ import annotations

import time

import pytest
from ulid import ULID

from onair.domain.ids import is_ulid, new_ulid


def test_a_new_id_is_a_ulid_of_the_current_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    made = new_ulid()
    after = time.time_ns() // 1_000_000
    parsed = ULID.from_str(made)
    assert str(parsed) == made
    assert before <= parsed.milliseconds <= after


def test_ids_sort_in_the_order_they_were_made() -> None:
    made = [new_ulid() for _ in range(5_000)]
    assert sorted(made) == made
    assert len(set(made)) == len(made)
    assert [ULID.from_str(m).bytes for m in made] == sorted(ULID.from_str(m).bytes for m in made)


@pytest.mark.parametrize(
    "text",
    [
        "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        "01arz3ndektsv4rrffq69g5fav",
        "7ZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "00000000000000000000000000",
        "80000000000000000000000000",
        "01ARZ3NDEKTSV4RRFFQ69G5FA",
        "01ARZ3NDEKTSV4RRFFQ69G5FAVV",
        "01ARZ3NDEKTSV4RRFFQ69G5FAI",
        "01ARZ3NDEKTSV4RRFFQ69G5FAL",
        "01ARZ3NDEKTSV4RRFFQ69G5FAO",
        "01ARZ3NDEKTSV4RRFFQ69G5FAU",
        "01ARZ3NDEKTSV4RRFFQ69G5FA-",
        "01ARZ3NDE\u212aTSV4RRFFQ69G5FAV",
        "01ARZ3NDEKTSV4RRFFQ69G5FA\n",
        "",
    ],
)
def test_a_ulid_is_recognised_as_python_ulid_reads_it(text: str) -> None:
    try:
        ULID.from_str(text)
    except ValueError:
        readable = False
    else:
        readable = True
    assert is_ulid(text) is readable
