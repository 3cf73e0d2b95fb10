"""An asset as operators and the studio read it (``onair library show --json``, the API).

Times are seconds from the start of the file, rounded to the millisecond.
"""

from __future__ import annotations

from typing import Any

from onair.domain.library import LibraryAsset
from onair.domain.placeholder_tags import artist_is_unknown
from onair.domain.rights import UsageRights

__all__ = ["asset_view", "rights_view"]


def asset_view(asset: LibraryAsset) -> dict[str, Any]:
    """One JSON-ready object with the asset's tags, sound, identity and rights."""
    tags, audio = asset.tags, asset.audio
    view: dict[str, Any] = {
        "id": asset.id,
        "kind": asset.kind.value,
        "status": "ready" if audio else "awaiting_audio",
        "title": asset.title,
        "title_is_file_name": asset.title_is_file_name,  # shown, never spoken
        "artist": tags.artist,
        "artist_is_unknown": artist_is_unknown(tags.artist),
        "artists": list(tags.artists),
        "album": tags.album,
        "album_artist": tags.album_artist,
        "isrc": tags.isrc,
        "label": tags.label,
        "year": tags.year,
        "genre": tags.genre,
        "language": tags.language,
        "explicit": tags.explicit,
        "vocal_gender": tags.vocal_gender.value if tags.vocal_gender else None,
        "composer": tags.composer,
        "publisher": tags.publisher,
        "sha256": asset.sha256,
        "source_name": asset.source_name,
        "master_key": asset.master_key,
        "waveform_key": asset.waveform_key,
        "rights": rights_view(asset.rights[0]) if asset.rights else None,
        "deals": [rights_view(r) for r in asset.rights],
        "tags": list(asset.semantic_tags),
        "tag_problems": list(tags.problems),
        "tags_original": tags.original,
    }
    sound: dict[str, Any] = {
        "duration_s": None, "cue_in_s": None, "cue_out_s": None, "intro_end_s": None,
        "segue_s": None, "ending": None, "loudness_lufs": None, "loudness_range_lu": None,
        "true_peak_dbtp": None, "gain_db": None, "bpm": tags.bpm, "energy": None,
        "codec": None, "sample_rate": None, "channels": None, "bitrate": None,
        "fingerprint": None, "analysis_version": None,
    }  # fmt: skip
    if audio is not None:
        sound.update(
            duration_s=round(audio.duration_s, 3),
            cue_in_s=round(audio.cue_in_s, 3),
            cue_out_s=round(audio.cue_out_s, 3),
            intro_end_s=round(audio.intro_end_s, 3),
            segue_s=round(audio.segue_s, 3),
            ending=audio.ending.value,
            loudness_lufs=_db(audio.loudness_lufs),
            loudness_range_lu=_db(audio.loudness_range_lu),
            true_peak_dbtp=_db(audio.true_peak_dbtp),
            gain_db=_db(audio.gain_db),
            bpm=None if audio.bpm is None else round(audio.bpm, 1),
            energy=round(audio.energy, 3),
            codec=audio.codec,
            sample_rate=audio.sample_rate,
            channels=audio.channels,
            bitrate=audio.bitrate,
            fingerprint=audio.fingerprint,
            analysis_version=audio.version,
        )
    return view | sound


def _db(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def rights_view(rights: UsageRights) -> dict[str, Any]:
    return {
        "territories": sorted(rights.territories),
        "valid_from": rights.valid_from.isoformat() if rights.valid_from else None,
        "valid_until": rights.valid_until.isoformat() if rights.valid_until else None,
        "uses": sorted(u.value for u in rights.uses),
    }
