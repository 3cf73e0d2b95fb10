"""Station settings from ``ONAIR_*`` environment variables and an optional TOML file.

Environment variables win over the TOML file, which wins over the defaults.
Nothing here runs at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = [
    "BusKind",
    "GeneratorKind",
    "InvalidSetting",
    "Mode",
    "ObjectStoreKind",
    "PlayoutEngineKind",
    "Settings",
    "SpeechKind",
    "TracingExporter",
    "load_settings",
    "mask_url",
]

# Values that mean "nobody set this yet"; refused outside development.
_PLACEHOLDERS = frozenset({"", "changeme", "change-me", "secret", "password", "development"})
_MIN_SECRET_KEY = 32  # characters: what secrets.token_urlsafe(32) gives is 43
_MAKE_A_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
_DATABASE_SCHEMES = re.compile(r"^(sqlite(\+pysqlite)?|postgresql(\+psycopg)?)://")
_NATS_SCHEMES = ("nats", "tls", "ws", "wss")


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class ObjectStoreKind(StrEnum):
    FILESYSTEM = "filesystem"
    S3 = "s3"


class BusKind(StrEnum):
    MEMORY = "memory"
    NATS = "nats"


class TracingExporter(StrEnum):
    NONE = "none"
    CONSOLE = "console"
    OTLP = "otlp"


class InvalidSetting(ValueError):
    """A setting whose value cannot be used; the message is one line for the operator."""


class GeneratorKind(StrEnum):
    RULES = "rules"  # templates with variation, offline
    LLM = "llm"  # an OpenAI-compatible chat model, the rules as its fallback


class SpeechKind(StrEnum):
    ESPEAK = "espeak"  # eSpeak NG from the espeakng-loader wheel, offline, many languages
    PIPER = "piper"  # a Piper voice model file the station supplies
    HTTP = "http"  # an OpenAI-compatible /v1/audio/speech provider


class PlayoutEngineKind(StrEnum):
    BUILTIN = "builtin"
    LIQUIDSOAP = "liquidsoap"


class Settings(BaseSettings):
    """Everything an onair process needs to know to wire itself up."""

    model_config = SettingsConfigDict(env_prefix="ONAIR_", extra="forbid", validate_default=True)

    mode: Mode = Mode.DEVELOPMENT
    station: str = Field(default="demo", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    timezone: str = "UTC"
    data_dir: Path = Path("onair-data")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = Field(default="info", pattern=r"^(debug|info|warning|error)$")
    secret_key: SecretStr = SecretStr("changeme")
    # Other sites whose pages may open the live WebSocket with a browser's session.
    live_origins: list[str] = Field(default_factory=list)
    # The largest file the API takes (an audio upload, a voice track), in MiB.
    upload_max_mb: int = Field(default=512, ge=1, le=16384)
    # A built studio to serve at / instead of the one built into the package (make studio).
    studio_dir: Path | None = None

    database_url: str | None = None

    object_store: ObjectStoreKind = ObjectStoreKind.FILESYSTEM
    s3_endpoint_url: str | None = None
    s3_bucket: str = "onair"
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None

    bus: BusKind = BusKind.MEMORY
    nats_url: str = "nats://127.0.0.1:4222"
    nats_connect_timeout_s: float = Field(default=5.0, gt=0)

    loudness_target_lufs: float = Field(default=-16.0, ge=-40.0, le=-5.0)
    true_peak_ceiling_dbtp: float = Field(default=-1.0, ge=-12.0, le=0.0)
    silence_threshold_dbfs: float = Field(default=-60.0, ge=-120.0, le=-20.0)
    max_gain_db: float = Field(default=12.0, ge=0.0, le=40.0)

    # Playout: how the engine bends sound and time (see docs/playout.md).
    playout_window_s: float = Field(default=600.0, ge=30.0, le=7200.0)
    playout_duck_db: float = Field(default=12.0, ge=0.0, le=40.0)
    playout_early_fade_s: float = Field(default=2.0, ge=0.1, le=15.0)
    playout_silence_dbfs: float = Field(default=-50.0, ge=-90.0, le=-20.0)
    playout_silence_s: float = Field(default=5.0, ge=1.0, le=60.0)
    playout_fallback_categories: list[str] = Field(default_factory=list)
    # builtin: onair mixes and serves its own stream; liquidsoap: Liquidsoap mixes to Icecast.
    playout_engine: PlayoutEngineKind = PlayoutEngineKind.BUILTIN
    stream_bitrate: int = Field(default=128_000, ge=32_000, le=320_000)
    # Also stream to an Icecast 2.4 mount as its source: http://host:port/mount.
    icecast_url: str | None = Field(default=None, pattern=r"^http://[^/]+/.+")
    icecast_password: SecretStr | None = None
    # Icecast's admin password, to read its listener counts when /status-json.xsl is not served.
    icecast_admin_password: SecretStr | None = None

    # Agents: who writes and who voices the spoken segments (see docs/agents.md).
    agents_generator: GeneratorKind = GeneratorKind.RULES
    agents_llm_base_url: str | None = Field(default=None, pattern=r"^https?://")
    agents_llm_model: str = "gpt-4o-mini"
    agents_llm_api_key: SecretStr | None = None
    agents_llm_timeout_s: float = Field(default=20.0, gt=0, le=300)
    agents_tts: SpeechKind = SpeechKind.ESPEAK
    agents_piper_model: Path | None = None
    agents_tts_base_url: str | None = Field(default=None, pattern=r"^https?://")
    agents_tts_model: str = "tts-1"
    agents_tts_api_key: SecretStr | None = None
    agents_concurrency: int = Field(default=2, ge=1, le=32)
    agents_slot_timeout_s: float = Field(default=30.0, gt=0, le=600)
    agents_lead_s: float = Field(default=60.0, ge=0, le=3600)
    agents_hours_ahead: int = Field(default=2, ge=1, le=48)

    # Compliance: the ledger's sealed days (see docs/compliance.md).
    compliance_retain_days: int = Field(default=2557, ge=1, le=36500)  # S3 Object Lock, 7 years
    compliance_interval_s: float = Field(default=60.0, ge=1.0, le=3600.0)

    tracing: TracingExporter = TracingExporter.NONE
    otlp_endpoint: str = "http://127.0.0.1:4318/v1/traces"

    @field_validator("timezone")
    @classmethod
    def _iana(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("an IANA timezone such as 'Europe/Berlin'") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not _DATABASE_SCHEMES.match(value):
            raise ValueError("a URL starting sqlite:/// or postgresql+psycopg://")
        if _split_url(value) is None:
            raise ValueError("a URL such as postgresql+psycopg://user:password@host:5432/onair")
        return value

    @field_validator("nats_url")
    @classmethod
    def _nats_url(cls, value: str) -> str:
        parts = _split_url(value)
        if parts is None or parts.scheme not in _NATS_SCHEMES or not parts.hostname:
            raise ValueError("a NATS URL such as nats://127.0.0.1:4222")
        return value

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> Settings:
        if self.mode is Mode.DEVELOPMENT:
            return self
        key = self.secret_key.get_secret_value().strip()
        if key.lower() in _PLACEHOLDERS or len(key) < _MIN_SECRET_KEY:
            raise ValueError(
                f"secret_key is a placeholder or shorter than {_MIN_SECRET_KEY} characters:"
                f" set ONAIR_SECRET_KEY outside development to a new key, made with {_MAKE_A_KEY}"
            )
        s3_key = self.s3_secret_access_key
        if self.object_store is ObjectStoreKind.S3 and (
            s3_key is None or s3_key.get_secret_value().strip().lower() in _PLACEHOLDERS
        ):
            raise ValueError(
                "s3_secret_access_key is a placeholder: set ONAIR_S3_SECRET_ACCESS_KEY"
            )
        return self

    @model_validator(mode="after")
    def _agents_complete(self) -> Settings:
        if self.agents_generator is GeneratorKind.LLM and not self.agents_llm_base_url:
            raise ValueError("agents_generator llm needs ONAIR_AGENTS_LLM_BASE_URL")
        if self.agents_tts is SpeechKind.PIPER and self.agents_piper_model is None:
            raise ValueError("agents_tts piper needs ONAIR_AGENTS_PIPER_MODEL, a voice .onnx file")
        if self.agents_tts is SpeechKind.HTTP and not self.agents_tts_base_url:
            raise ValueError("agents_tts http needs ONAIR_AGENTS_TTS_BASE_URL")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured database, or the SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'onair.sqlite3').resolve()}"

    @property
    def signing_key(self) -> bytes | None:
        """``secret_key`` as bytes to sign sessions with, or None while it is a placeholder."""
        key = self.secret_key.get_secret_value().strip()
        if key.lower() in _PLACEHOLDERS or len(key) < _MIN_SECRET_KEY:
            return None
        return key.encode()

    @property
    def operator_token_file(self) -> Path:
        """Where ``onair serve`` leaves the local operator's token for this machine's CLI."""
        return self.data_dir / "operator.token"

    @property
    def objects_dir(self) -> Path:
        return self.data_dir / "objects"

    @property
    def bus_spool_dir(self) -> Path:
        """Where NATS publishes wait while the server is unreachable."""
        return self.data_dir / "bus-spool"

    def public_view(self) -> dict[str, Any]:
        """The effective settings with secrets and URL passwords masked."""
        view: dict[str, Any] = {}
        for name, value in self.model_dump(mode="json").items():
            raw = getattr(self, name)
            if isinstance(raw, SecretStr):
                view[name] = "**********" if raw.get_secret_value() else ""
            elif isinstance(value, str) and "://" in value:
                view[name] = mask_url(value)
            else:
                view[name] = value
        view["resolved_database_url"] = mask_url(self.resolved_database_url)
        return view

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = cls.model_config.get("toml_file")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)


def mask_url(url: str) -> str:
    """Hide the password in ``scheme://user:password@host`` so it can be printed.

    It holds for a URL too malformed to parse, so an error about the URL can
    still name it: everything from the user's ``:`` to the last ``@`` goes.
    """
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    return f"{scheme}{sep}{userinfo.split(':', 1)[0]}:***@{host}"


def _split_url(url: str) -> SplitResult | None:
    """``url`` split, or None when its host or port cannot be read (``[::1``, ``:http``)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    return parts


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read settings, raising :class:`InvalidSetting` with one line per first bad key."""
    if config_file is not None and not config_file.is_file():
        raise InvalidSetting(f"config file {config_file} does not exist")

    class _FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=config_file)

    try:
        return _FromFile(**overrides) if config_file else Settings(**overrides)
    except ValidationError as exc:
        raise InvalidSetting(_one_line(exc)) from exc
    except ValueError as exc:  # TOML syntax errors surface as ValueError subclasses
        raise InvalidSetting(f"config file {config_file}: {exc}") from exc


def _one_line(exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"])
    if not key:
        return f"invalid settings: {err['msg'].removeprefix('Value error, ')}"
    value = err.get("input")
    field = Settings.model_fields.get(key)
    shown = repr(mask_url(value) if isinstance(value, str) else value)
    if field is not None and "SecretStr" in str(field.annotation):
        shown = "**********"  # a secret is never printed, not even a wrong one
    expected = err["msg"].removeprefix("Value error, ")
    env = f"ONAIR_{key.upper()}"
    return f"invalid setting {key} ({env}) = {shown}: expected {expected}"
