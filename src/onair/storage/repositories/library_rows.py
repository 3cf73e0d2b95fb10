"""The library's rows and the domain's assets, each made from the other."""

from __future__ import annotations

from typing import Any, Protocol

from onair.domain.albums import album_key
from onair.domain.library import (
    AssetKind,
    AudioFacts,
    Ending,
    LibraryAsset,
    artist_key,
    title_key,
)
from onair.domain.rights import UsageRights, Use
from onair.domain.tags import TrackTags, VocalGender
from onair.storage.tables import Asset, AssetAnalysis, AssetRight, utc_now

__all__ = [
    "KEPT_WHEN_NONE",
    "CatalogFacts",
    "analysis_row",
    "asset_of",
    "asset_row",
    "audio_of",
    "credited",
    "rights_of",
    "rights_row",
]


class CatalogFacts(Protocol):
    """What a catalog row says for scheduling beyond the tags; None keeps what is stored."""

    @property
    def duration_s(self) -> float | None: ...
    @property
    def energy(self) -> float | None: ...
    @property
    def category(self) -> str | None: ...


# Columns a save without them (None) leaves as they were: the catalog's, kept
# when the audio arrives or a later feed leaves them empty.
KEPT_WHEN_NONE = ("duration_s", "category", "tag_energy")


def credited(tags: TrackTags) -> list[str]:
    names = list(tags.artists) or ([tags.artist] if tags.artist else [])
    seen: set[str] = set()
    unique = []
    for name in names:  # one row per artist even if a credit names them twice
        key = artist_key(name)
        if key and key not in seen:
            seen.add(key)
            unique.append(name)
    return unique


def asset_row(asset: LibraryAsset, catalog: CatalogFacts | None = None) -> dict[str, Any]:
    """The ``assets`` row; ``indexed_at`` is not in it, so a save leaves it as it was.

    The duration is the analysed audio's, else the catalog's.
    """
    tags, audio = asset.tags, asset.audio
    title = asset.title[:500]
    duration = audio.duration_s if audio else catalog.duration_s if catalog else None
    return {
        "id": asset.id,
        "station_id": asset.station,
        "sha256": asset.sha256,
        "kind": asset.kind.value,
        "title": title,
        "title_key": title_key(title),
        "title_is_file_name": asset.title_is_file_name,
        "artist": tags.artist,
        "album": tags.album,
        "duration_s": duration,
        "created_at": asset.created_at or utc_now(),
        "album_artist": tags.album_artist,
        "album_key": album_key(tags.album, tags.album_artist) if tags.album else None,
        "isrc": tags.isrc,
        "label": tags.label,
        "year": tags.year,
        "genre": tags.genre,
        "language": tags.language,
        "explicit": tags.explicit,
        "vocal_gender": tags.vocal_gender.value if tags.vocal_gender else None,
        "composer": tags.composer,
        "publisher": tags.publisher,
        "tag_bpm": tags.bpm,
        "tag_energy": catalog.energy if catalog else None,
        "category": catalog.category if catalog else None,
        "tags_original": tags.original,
        "tag_problems": list(tags.problems),
        "semantic_tags": list(asset.semantic_tags),
        "source_name": asset.source_name,
        "master_key": asset.master_key,
        "waveform_key": asset.waveform_key,
        "updated_at": utc_now(),
    }


def analysis_row(asset_id: str, audio: AudioFacts) -> dict[str, Any]:
    return {
        "asset_id": asset_id,
        "version": audio.version,
        "codec": audio.codec,
        "sample_rate": audio.sample_rate,
        "channels": audio.channels,
        "bitrate": audio.bitrate,
        "loudness_lufs": audio.loudness_lufs,
        "loudness_range_lu": audio.loudness_range_lu,
        "true_peak_dbtp": audio.true_peak_dbtp,
        "gain_db": audio.gain_db,
        "cue_in_s": audio.cue_in_s,
        "cue_out_s": audio.cue_out_s,
        "intro_end_s": audio.intro_end_s,
        "segue_s": audio.segue_s,
        "ending": audio.ending.value,
        "bpm": audio.bpm,
        "energy": audio.energy,
        "fingerprint": audio.fingerprint,
        "timbre": list(audio.timbre) or None,
        "analysed_at": utc_now(),
    }


def rights_row(asset_id: str, rights: UsageRights) -> dict[str, Any]:
    return {
        "asset_id": asset_id,
        "territories": sorted(rights.territories),
        "valid_from": rights.valid_from,
        "valid_until": rights.valid_until,
        "uses": sorted(u.value for u in rights.uses),
        "source": "library",
    }


def rights_of(row: AssetRight) -> UsageRights:
    return UsageRights(
        territories=frozenset(row.territories),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        uses=frozenset(Use(u) for u in row.uses),
    )


def asset_of(
    row: Asset, analysis: AssetAnalysis | None, rights: tuple[UsageRights, ...], artists: list[str]
) -> LibraryAsset:
    tags = TrackTags(
        title=row.title,
        artist=row.artist,
        artists=tuple(artists),
        album=row.album,
        album_artist=row.album_artist,
        isrc=row.isrc,
        label=row.label,
        year=row.year,
        genre=row.genre,
        language=row.language,
        explicit=row.explicit,
        vocal_gender=VocalGender(row.vocal_gender) if row.vocal_gender else None,
        composer=row.composer,
        publisher=row.publisher,
        bpm=row.tag_bpm,
        problems=tuple(row.tag_problems or ()),
        original=row.tags_original or {},
        title_is_file_name=bool(row.title_is_file_name),
    )
    return LibraryAsset(
        id=row.id,
        station=row.station_id,
        kind=AssetKind(row.kind),
        tags=tags,
        rights=rights,
        sha256=row.sha256,
        master_key=row.master_key,
        waveform_key=row.waveform_key,
        source_name=row.source_name,
        audio=None if analysis is None else audio_of(row, analysis),
        semantic_tags=tuple(row.semantic_tags or ()),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def audio_of(row: Asset, a: AssetAnalysis) -> AudioFacts:
    return AudioFacts(
        duration_s=row.duration_s or 0.0,
        codec=a.codec,
        sample_rate=a.sample_rate,
        channels=a.channels,
        bitrate=a.bitrate,
        loudness_lufs=a.loudness_lufs,
        loudness_range_lu=a.loudness_range_lu,
        true_peak_dbtp=a.true_peak_dbtp,
        gain_db=a.gain_db,
        cue_in_s=a.cue_in_s,
        cue_out_s=a.cue_out_s,
        intro_end_s=a.intro_end_s,
        segue_s=a.segue_s,
        ending=Ending(a.ending),
        bpm=a.bpm,
        energy=a.energy,
        fingerprint=a.fingerprint,
        version=a.version,
        timbre=tuple(a.timbre or ()),
    )
