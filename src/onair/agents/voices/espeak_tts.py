"""eSpeak NG, the default voice: offline, over a hundred languages, from the espeakng-loader wheel.

The library is driven through ctypes in synchronous mode: ``espeak_Synth``
returns once every sample has been handed to our callback. It keeps global
state and is not thread-safe, so it is initialised once per process (on the
first call, never at import) and every call into it holds one lock.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from pathlib import Path

import espeakng_loader
import numpy as np

from onair.agents.errors import SynthesisFailed, UnknownVoice
from onair.agents.ports import Speech
from onair.agents.writing_systems import check_speakable

__all__ = ["EspeakSynthesizer"]

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAM_RATE = 1
_EE_OK = 0
_DEFAULT_WPM = 175


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


@dataclass(frozen=True)
class _VoiceEntry:
    name: str  # what the station configures, e.g. "en-US"
    identifier: str  # the library's own, e.g. "gmw/en-US"
    languages: tuple[tuple[int, str], ...]  # (priority, tag); a lower priority is a better fit


class _Engine:
    """The process's one eSpeak NG instance; every method must be called holding ``lock``."""

    lock = threading.Lock()
    _instance: _Engine | None = None

    def __init__(self) -> None:
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
        except OSError as exc:
            raise SynthesisFailed(f"eSpeak NG library did not load: {exc}") from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self.data_path = Path(espeakng_loader.get_data_path())
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, str(self.data_path).encode(), 0)
        if rate <= 0:
            raise SynthesisFailed(f"eSpeak NG did not start (data in {self.data_path})")
        self.sample_rate = int(rate)
        self._lib = lib
        self._chunks: list[np.ndarray] = []
        # Held on the instance: ctypes would free the trampoline under the library's feet.
        self._callback = _SynthCallback(self._collect)
        lib.espeak_SetSynthCallback(self._callback)
        self.voices = self._list_voices()
        self.languages = _best_voices(self.voices)

    @classmethod
    def get(cls) -> _Engine:
        """The engine, started on first use (call holding ``lock``)."""
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def _collect(
        self, wav: ctypes._Pointer[ctypes.c_short] | None, count: int, _events: int
    ) -> int:
        if wav and count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def _list_voices(self) -> list[_VoiceEntry]:
        listed = self._lib.espeak_ListVoices(None)
        entries = []
        index = 0
        while listed[index]:
            voice = listed[index].contents
            identifier = (voice.identifier or b"").decode()
            entries.append(
                _VoiceEntry(
                    name=identifier.rsplit("/", 1)[-1],
                    identifier=identifier,
                    languages=_languages(voice.languages),
                )
            )
            index += 1
        return entries

    def speak(self, text: str, voice: str, words_per_minute: int) -> np.ndarray:
        """16-bit samples of ``text`` in ``voice``."""
        if self._lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
            raise UnknownVoice(f"eSpeak NG could not load voice {voice!r}")
        self._lib.espeak_SetParameter(_PARAM_RATE, words_per_minute, 0)
        encoded = text.encode()
        self._chunks = []
        status = self._lib.espeak_Synth(
            encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        chunks, self._chunks = self._chunks, []
        if status != _EE_OK:
            raise SynthesisFailed(f"eSpeak NG failed ({status}) on {text[:40]!r}")
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


def _languages(address: int | None) -> tuple[tuple[int, str], ...]:
    """Decode a voice's language list: (priority byte, NUL-terminated tag) pairs, then a 0 byte."""
    found = []
    while address:
        priority = ctypes.c_ubyte.from_address(address).value
        if priority == 0:
            break
        tag = ctypes.string_at(address + 1)
        found.append((priority, tag.decode().lower()))
        address += len(tag) + 2
    return tuple(found)


def _best_voices(voices: list[_VoiceEntry]) -> dict[str, str]:
    """Each language tag with the voice that lists it at the best (lowest) priority."""
    best: dict[str, tuple[int, str]] = {}
    for voice in voices:
        for priority, tag in voice.languages:
            if tag not in best or priority < best[tag][0]:
                best[tag] = (priority, voice.name)
    return {tag: name for tag, (_, name) in sorted(best.items())}


class EspeakSynthesizer:
    """The ``SpeechSynthesizer`` on eSpeak NG.

    Languages are the library's own tags ("en", "en-us", "es-419", "cmn"...);
    a tag it lacks falls back to its primary subtag ("de-AT" speaks "de").
    A voice is a library voice name ("en-US" or "gmw/en-US"),
    optionally with a variant ("en-US+f3").
    """

    name = "espeak"

    def __init__(self, *, words_per_minute: int = _DEFAULT_WPM) -> None:
        if not 80 <= words_per_minute <= 450:
            raise ValueError(f"words_per_minute {words_per_minute}: eSpeak NG speaks 80 to 450")
        self.words_per_minute = words_per_minute
        # The name keys measured speaking rates, so a faster setting is another voice.
        if words_per_minute != _DEFAULT_WPM:
            self.name = f"espeak-{words_per_minute}wpm"

    def voices(self) -> dict[str, str]:
        """Every language tag eSpeak NG speaks, each with its best-fitting voice."""
        with _Engine.lock:
            return dict(_Engine.get().languages)

    def synthesize(self, text: str, *, language: str, voice: str | None = None) -> Speech:
        """``text`` in eSpeak NG's voice for ``language`` (or ``voice``), mono float32."""
        script = text.strip()
        if not script:
            raise SynthesisFailed("nothing to say: the script is empty")
        chosen = self._voice_for(language) if voice is None else self._check_voice(voice)
        check_speakable(script, language)
        with _Engine.lock:
            engine = _Engine.get()
            samples = engine.speak(script, chosen, self.words_per_minute)
        if samples.size == 0:
            raise SynthesisFailed(f"eSpeak NG gave no audio for {script[:40]!r}")
        return Speech(
            samples=(samples.astype(np.float32) / 32768.0), sample_rate=engine.sample_rate
        )

    def _voice_for(self, language: str) -> str:
        voices = self.voices()
        tag = language.lower()
        for candidate in (tag, tag.split("-", 1)[0]):
            if candidate in voices:
                return voices[candidate]
        some = ", ".join(sorted(voices)[:8])
        raise UnknownVoice(f"eSpeak NG has no voice for language {language!r} (it has {some}...)")

    def _check_voice(self, voice: str) -> str:
        base, _, variant = voice.partition("+")
        with _Engine.lock:
            engine = _Engine.get()
        wanted = base.lower()
        known = [
            entry
            for entry in engine.voices
            if wanted in {entry.name.lower(), entry.identifier.lower()}
        ]
        if not known:
            some = ", ".join(entry.name for entry in engine.voices[:: len(engine.voices) // 8])
            raise UnknownVoice(f"eSpeak NG has no voice {voice!r} (it has {some}...)")
        if variant and not (engine.data_path / "voices" / "!v" / variant).is_file():
            raise UnknownVoice(f"eSpeak NG has no voice variant {variant!r} (try m1..m7, f1..f4)")
        return known[0].identifier + (f"+{variant}" if variant else "")
