from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from onair.domain import WORLDWIDE, UsageRights, Use


def test_a_deal_allows_only_its_window_territories_and_uses() -> None:
    deal = UsageRights(
        territories=frozenset({"US", "CA"}),
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
        uses=frozenset({Use.NON_INTERACTIVE_WEBCAST}),
    )
    assert deal.allows(Use.NON_INTERACTIVE_WEBCAST, "US", date(2026, 6, 1))
    assert deal.allows(Use.NON_INTERACTIVE_WEBCAST, "CA", date(2026, 12, 31))
    assert not deal.allows(Use.NON_INTERACTIVE_WEBCAST, "DE", date(2026, 6, 1))
    assert not deal.allows(Use.NON_INTERACTIVE_WEBCAST, "US", date(2027, 1, 1))
    assert not deal.allows(Use.NON_INTERACTIVE_WEBCAST, "US", date(2025, 12, 31))
    assert not deal.allows(Use.PODCAST, "US", date(2026, 6, 1))


def test_the_default_deal_is_worldwide_and_open_ended() -> None:
    deal = UsageRights()
    assert deal.territories == {WORLDWIDE}
    assert deal.allows(Use.BROADCAST, "JP", date(2099, 1, 1))


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"territories": frozenset({"USA"})}, "ISO 3166-1"),
        ({"territories": frozenset()}, "at least one"),
        ({"valid_from": date(2026, 2, 1), "valid_until": date(2026, 1, 1)}, "before"),
    ],
)
def test_impossible_deals_are_refused(fields: dict[str, object], why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        UsageRights.model_validate(fields)
