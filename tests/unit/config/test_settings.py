from __future__ import annotations

from pathlib import Path

import pytest

from onair.config import BusKind, InvalidSetting, load_settings, mask_url


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("ONAIR_"):
            monkeypatch.delenv(key)


def test_defaults_are_the_embedded_station(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.bus is BusKind.MEMORY
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'onair.sqlite3').resolve()}"


def test_environment_overrides_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "onair.toml"
    toml.write_text('station = "kxyz"\nport = 9000\nbus = "nats"\n')
    monkeypatch.setenv("ONAIR_PORT", "9100")
    settings = load_settings(toml)
    assert (settings.station, settings.port, settings.bus) == ("kxyz", 9100, BusKind.NATS)


def test_invalid_value_names_key_value_and_expected_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ONAIR_PORT", "eighty")
    with pytest.raises(InvalidSetting) as caught:
        load_settings()
    message = str(caught.value)
    assert "port" in message
    assert "ONAIR_PORT" in message
    assert "'eighty'" in message
    assert "integer" in message
    assert "\n" not in message


def test_unknown_toml_key_is_refused(tmp_path: Path) -> None:
    toml = tmp_path / "onair.toml"
    toml.write_text('statoin = "kxyz"\n')
    with pytest.raises(InvalidSetting, match="statoin"):
        load_settings(toml)


def test_broken_toml_is_one_clear_line(tmp_path: Path) -> None:
    toml = tmp_path / "onair.toml"
    toml.write_text("station = \n")
    with pytest.raises(InvalidSetting, match=r"onair\.toml"):
        load_settings(toml)


def test_missing_config_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidSetting, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_timezone_must_be_iana(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONAIR_TIMEZONE", "Mars/Olympus")
    with pytest.raises(InvalidSetting, match="IANA"):
        load_settings()


def test_placeholder_secrets_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ONAIR_MODE", "production")
    with pytest.raises(InvalidSetting, match="secret_key"):
        load_settings()
    monkeypatch.setenv("ONAIR_SECRET_KEY", "Zt3YVj1wq8kM0n6aRb2cXe5fGh7iJk9lMn4oPq_rSsT")
    monkeypatch.setenv("ONAIR_OBJECT_STORE", "s3")
    monkeypatch.setenv("ONAIR_S3_SECRET_ACCESS_KEY", "changeme")
    with pytest.raises(InvalidSetting, match="s3_secret_access_key"):
        load_settings()
    monkeypatch.setenv("ONAIR_S3_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-real")
    assert load_settings().mode == "production"


def test_development_accepts_placeholders() -> None:
    assert load_settings().secret_key.get_secret_value() == "changeme"


def test_public_view_masks_secrets_and_url_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONAIR_DATABASE_URL", "postgresql+psycopg://onair:hunter2@db:5432/onair")
    monkeypatch.setenv("ONAIR_S3_SECRET_ACCESS_KEY", "wJalrXUtnFEMI")
    view = load_settings().public_view()
    text = str(view)
    assert "hunter2" not in text
    assert "wJalrXUtnFEMI" not in text
    assert view["database_url"] == "postgresql+psycopg://onair:***@db:5432/onair"


def test_mask_url_leaves_passwordless_urls_alone() -> None:
    assert mask_url("nats://127.0.0.1:4222") == "nats://127.0.0.1:4222"
    assert mask_url("nats://u:p@h:1") == "nats://u:***@h:1"


@pytest.mark.parametrize("key", ["x", "Zt3YVj1wq8kM0n6aRb2cXe5fGh7iJk9", " changeme "])
def test_production_refuses_a_short_secret_key_and_says_how_to_make_one(
    monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("ONAIR_MODE", "production")
    monkeypatch.setenv("ONAIR_SECRET_KEY", key)
    with pytest.raises(InvalidSetting, match="shorter than 32 characters") as refused:
        load_settings()
    assert "secrets.token_urlsafe(32)" in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:s3cret@[bad",
        "postgresql://u:s3cret@db:notaport/onair",
        "postgresql+nodriver://u:s3cret@db/onair",
        "mysql://u:s3/cret@db/onair",
    ],
)
def test_a_bad_database_url_is_refused_without_its_password(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("ONAIR_DATABASE_URL", url)
    with pytest.raises(InvalidSetting, match="ONAIR_DATABASE_URL") as refused:
        load_settings()
    assert "cret" not in str(refused.value)


@pytest.mark.parametrize("url", ["nats://[::1", "notaurl", "nats://host:port", "http://host:4222"])
def test_a_malformed_nats_url_is_refused(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("ONAIR_NATS_URL", url)
    with pytest.raises(InvalidSetting, match="expected a NATS URL such as nats://"):
        load_settings()


def test_mask_url_hides_the_password_of_a_url_it_cannot_parse() -> None:
    assert mask_url("postgresql://u:s3cret@[bad") == "postgresql://u:***@[bad"
    assert mask_url("nats://u:p@ss@host:4222") == "nats://u:***@host:4222"
    assert mask_url("nats://host:4222") == "nats://host:4222"


def test_a_secret_of_the_wrong_kind_is_refused_without_being_printed(tmp_path: Path) -> None:
    toml = tmp_path / "station.toml"
    toml.write_text("secret_key = 987654321\n")
    with pytest.raises(InvalidSetting, match="secret_key") as refused:
        load_settings(toml)
    assert "987654321" not in str(refused.value)
