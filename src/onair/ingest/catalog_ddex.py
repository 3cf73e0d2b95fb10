"""Catalog feeds as DDEX ERN 4 (NewReleaseMessage): recordings, releases and deals.

One :class:`CatalogEntry` per SoundRecording and deal: the recording's tags come
from the resource (ISRC, title, artists, contributors, parental warning) and
the release that contains it (album, album artist, label, genre, date); each
deal on that release becomes the entry's usage rights. A recording in no deal
gets the default rights. Rows are numbered by the recording's position in the
message. The XML is parsed with defusedxml, which refuses DTDs, entity
declarations and external references (billion laughs, XXE).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException
from pydantic import ValidationError

from onair.domain.rights import WORLDWIDE, UsageRights, Use
from onair.domain.tags import TrackTags
from onair.ingest.catalog_csv import CatalogEntry, CatalogReject, InvalidCatalog, safe_file
from onair.ingest.credits import split_credit
from onair.ingest.isrc import InvalidIsrc, normalize_isrc
from onair.ingest.text import clean_text

__all__ = ["read_catalog_ddex"]

_ERN4 = re.compile(r"^\{http://ddex\.net/xml/ern/4\d*\}NewReleaseMessage$")
_USES = {
    "NonInteractiveStream": Use.NON_INTERACTIVE_WEBCAST,
    "Webcast": Use.NON_INTERACTIVE_WEBCAST,
    "OnDemandStream": Use.INTERACTIVE_STREAM,
    "Stream": Use.INTERACTIVE_STREAM,
    "PermanentDownload": Use.DOWNLOAD,
    "ConditionalDownload": Use.DOWNLOAD,
    "Broadcast": Use.BROADCAST,
    "SimulcastBroadcast": Use.BROADCAST,
}
_EXPLICIT = {"Explicit": True, "ExplicitContentEdited": False, "NotExplicit": False}


def read_catalog_ddex(path: Path) -> Iterator[CatalogEntry | CatalogReject]:
    """Every recording of the message at ``path``, accepted or rejected, in order."""
    root = _parse(path)
    parties = {_text(p, "PartyReference"): _party_name(p) for p in _all(root, "Party")}
    releases = {_text(r, "ReleaseReference"): r for r in _all(root, "Release")}
    release_of = {
        _text(ref): release
        for release in releases.values()
        for ref in _all(release, "ReleaseResourceReference")
    }
    deals = _deals(root, releases)
    for number, recording in enumerate(_all(root, "SoundRecording"), start=1):
        reference = _text(recording, "ResourceReference")
        release = release_of.get(reference)
        try:
            tags = _tags(recording, release, parties)
            file = safe_file(_text(recording, "URI") or _text(recording, "FileName"))
            terms = deals.get(_text(release, "ReleaseReference"), []) if release else []
            for rights in [_rights(t) for t in terms] or [UsageRights()]:
                yield CatalogEntry(number, tags, rights, file)
        except (InvalidIsrc, ValueError) as exc:
            reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            reason = reason.removeprefix("Value error, ")
            yield CatalogReject(number, f"SoundRecording {reference or number}: {reason}")


def _parse(path: Path) -> Element:
    try:
        root = SafeTree.parse(path, forbid_dtd=True).getroot()
    except DefusedXmlException as exc:
        why = type(exc).__name__
        refused = f"refused, it declares a DTD or entities ({why})"
        raise InvalidCatalog(f"catalog {path.name}: {refused}") from None
    except ParseError as exc:
        raise InvalidCatalog(f"catalog {path.name}: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise InvalidCatalog(f"catalog {path.name}: cannot be read ({exc.strerror})") from None
    if root is None or not _ERN4.match(root.tag):
        raise InvalidCatalog(
            f"catalog {path.name}: root is {getattr(root, 'tag', None)}, "
            "not a DDEX ERN 4 NewReleaseMessage"
        )
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _all(element: Element, name: str) -> list[Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _text(element: Element | None, name: str | None = None) -> str:
    """The first ``name`` descendant's text (or the element's own), stripped; '' if none."""
    if element is None:
        return ""
    found = element if name is None else next(iter(_all(element, name)), None)
    return (found.text or "").strip() if found is not None else ""


def _party_name(party: Element) -> str:
    return _text(party, "FullName") or _text(party, "KeyName")


def _tags(recording: Element, release: Element | None, parties: dict[str, str]) -> TrackTags:
    title = clean_text(_text(recording, "DisplayTitleText") or _text(recording, "TitleText"))
    mains = _artists_by_role(recording, parties, "MainArtist")
    featured = _artists_by_role(recording, parties, "FeaturedArtist")
    shown = ", ".join(mains) + (f" feat. {', '.join(featured)}" if featured and mains else "")
    artist = clean_text(_text(recording, "DisplayArtistName")) or clean_text(shown)
    if not title or not artist:
        raise ValueError("title and artist are required")
    isrc = _text(recording, "ISRC")
    # The message names each artist as a party: no need to split the display credit.
    credited = [*mains, *featured] if mains else split_credit(artist)
    label = _text(release, "LabelName") or parties.get(_text(release, "ReleaseLabelReference"), "")
    return TrackTags(
        title=title,
        artist=artist,
        artists=tuple(credited),
        album=clean_text(_text(release, "DisplayTitleText")) if release is not None else None,
        album_artist=clean_text(_text(release, "DisplayArtistName")) or None,
        isrc=normalize_isrc(isrc) if isrc else None,
        label=clean_text(label) or None,
        year=_year(recording, release),
        genre=clean_text(_text(recording, "GenreText") or _text(release, "GenreText")) or None,
        language=(_text(recording, "LanguageOfPerformance") or "").lower() or None,
        explicit=_EXPLICIT.get(_text(recording, "ParentalWarningType")),
        composer=_contributors(recording, parties, ("Composer", "ComposerLyricist")),
        publisher=_contributors(recording, parties, ("MusicPublisher",)),
    )


def _artists_by_role(recording: Element, parties: dict[str, str], role: str) -> list[str]:
    names = [
        clean_text(parties.get(_text(a, "ArtistPartyReference"), ""))
        for a in _all(recording, "DisplayArtist")
        if _text(a, "DisplayArtistRole") == role
    ]
    return [n for n in names if n]


def _contributors(
    recording: Element, parties: dict[str, str], roles: tuple[str, ...]
) -> str | None:
    names = [
        parties.get(_text(c, "ContributorPartyReference"), "")
        for c in _all(recording, "Contributor")
        if _text(c, "Role") in roles
    ]
    return clean_text(", ".join(n for n in names if n)) or None


def _year(recording: Element, release: Element | None) -> int | None:
    for value in (
        _text(recording, "Year"),
        _text(release, "OriginalReleaseDate"),
        _text(release, "ReleaseDate"),
    ):
        if value[:4].isdigit() and 1800 <= int(value[:4]) <= 2100:
            return int(value[:4])
    return None


def _deals(root: Element, releases: dict[str, Element]) -> dict[str, list[Element]]:
    """Each release's deal terms, by release reference."""
    terms: dict[str, list[Element]] = {}
    for deal in _all(root, "ReleaseDeal"):
        for reference in _all(deal, "DealReleaseReference"):
            terms.setdefault(_text(reference), []).extend(_all(deal, "DealTerms"))
    return terms


def _rights(terms: Element) -> UsageRights:
    excluded = [_text(e) for e in _all(terms, "ExcludedTerritoryCode")]
    if excluded:
        raise ValueError(
            f"a deal excludes territories {excluded}, which onair cannot represent yet"
        )
    codes = {_text(t) for t in _all(terms, "TerritoryCode")}
    territories = frozenset(WORLDWIDE if c == "Worldwide" else c.upper() for c in codes if c)
    uses = {_USES[u] for u in (_text(e) for e in _all(terms, "UseType")) if u in _USES}
    fields: dict[str, object] = {"territories": territories or frozenset({WORLDWIDE})}
    if uses:
        fields["uses"] = frozenset(uses)
    for key, names in (("valid_from", ("StartDate", "StartDateTime")),
                       ("valid_until", ("EndDate", "EndDateTime"))):  # fmt: skip
        value = next((_text(terms, n) for n in names if _text(terms, n)), "")
        if value:
            fields[key] = _date(key, value)
    return UsageRights.model_validate(fields)


def _date(key: str, value: str) -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{key} {value!r} is not a date (YYYY-MM-DD)") from None
