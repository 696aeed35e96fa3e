"""lib/server_settings.py: every SOFTMAX_* variable read in one place, checked, documented."""

import re
from pathlib import Path

import pytest

from lib import server_settings
from lib.server_settings import ServerSettings, SettingsError, env_names

ROOT = Path(__file__).resolve().parents[1]


def test_nothing_set_gives_the_defaults():
    assert ServerSettings.from_env({}) == ServerSettings()
    s = ServerSettings()
    assert (s.db_url, s.max_trainings, s.max_waiting, s.max_steps) == (None, None, 60, 60_000)
    assert (s.retention_days, s.hosted, s.train_processes) == (30.0, False, True)


def test_values_are_read_and_converted():
    s = ServerSettings.from_env(
        {
            "SOFTMAX_DB_URL": " sqlite:///x.db ",
            "SOFTMAX_MAX_TRAININGS": "2",
            "SOFTMAX_MAX_IN_TRAINING": "30",
            "SOFTMAX_MAX_WAITING": "0",
            "SOFTMAX_MAX_STEPS": "93750",
            "SOFTMAX_RETENTION_DAYS": "0.5",
            "SOFTMAX_HOSTED": "1",
            "SOFTMAX_UNKNOWN": "ignored",
        }
    )
    assert s == ServerSettings("sqlite:///x.db", 0.5, 2, 30, 0, 93_750, True)
    assert ServerSettings.from_env({"SOFTMAX_HOSTED": "no"}).hosted is False
    assert ServerSettings.from_env({"SOFTMAX_TRAIN_PROCESSES": "0"}).train_processes is False
    assert ServerSettings.from_env({"SOFTMAX_MAX_STEPS": "  "}).max_steps == 60_000  # empty


@pytest.mark.parametrize(
    "name, raw",
    [
        ("SOFTMAX_MAX_TRAININGS", "0"),
        ("SOFTMAX_MAX_TRAININGS", "two"),
        ("SOFTMAX_MAX_WAITING", "-1"),
        ("SOFTMAX_MAX_STEPS", "1e5"),
        ("SOFTMAX_RETENTION_DAYS", "0"),
        ("SOFTMAX_RETENTION_DAYS", "nan"),
        ("SOFTMAX_RETENTION_DAYS", "inf"),
        ("SOFTMAX_HOSTED", "maybe"),
        ("SOFTMAX_TRAIN_PROCESSES", "sometimes"),
    ],
)
def test_a_bad_value_is_one_clear_line(name, raw):
    with pytest.raises(SettingsError) as exc_info:
        ServerSettings.from_env({name: raw})
    message = str(exc_info.value)
    assert message.startswith(f"{name}={raw!r}: expected") and "\n" not in message


def test_the_app_reads_them_through_the_settings_object_only():
    """No other file of the server reads a SOFTMAX_* variable from the environment."""
    sources = [ROOT / "app.py", *ROOT.glob("ui/*.py"), *ROOT.glob("lessons/*.py")]
    sources += [p for p in ROOT.glob("lib/**/*.py") if p.name != "server_settings.py"]
    reading = re.compile(r"""(environ\.get|environ\[|getenv)\(?\s*["']SOFTMAX_""")
    assert [str(p) for p in sources if reading.search(p.read_text())] == []


def hosting_table() -> set[str]:
    text = (ROOT / "docs" / "hosting.md").read_text()
    return set(re.findall(r"^\| `(SOFTMAX_[A-Z_]+)` \|", text, re.M))


def test_docs_hosting_lists_exactly_the_variables_read():
    assert hosting_table() == set(env_names())


@pytest.mark.parametrize(
    "raw, url",
    [
        ("https://school.example/softmax", "https://school.example/softmax/"),
        (" http://192.168.1.20:8501/ ", "http://192.168.1.20:8501/"),
        ("http://[fe80::1]:8501", "http://[fe80::1]:8501/"),
    ],
)
def test_the_public_url_is_normalised(raw, url):
    assert ServerSettings.from_env({"SOFTMAX_PUBLIC_URL": raw}).public_url == url


@pytest.mark.parametrize(
    "raw, why",
    [
        ("school.example", "http:// or https://"),
        ("ftp://school.example/", "http:// or https://"),
        ("https://", "no host name"),
        ("https://school.example/?class=X", "?query"),
        ("https://user@school.example/", "user name"),
        ("https://school.example:99999/", "not an address"),
        ("https://school .example/", "spaces"),
    ],
)
def test_a_bad_public_url_is_logged_once_and_ignored(raw, why, caplog, monkeypatch):
    monkeypatch.setattr(server_settings, "_WARNED", set())  # another test may have logged it
    with caplog.at_level("WARNING", logger="lib.server_settings"):
        for _ in range(3):  # settings are read on every script run
            assert ServerSettings.from_env({"SOFTMAX_PUBLIC_URL": raw}).public_url is None
    (record,) = caplog.records
    assert record.getMessage().startswith(f"SOFTMAX_PUBLIC_URL={raw!r} is ignored: ")
    assert why in record.getMessage()


def test_the_member_cap_is_a_whole_number():
    assert ServerSettings().class_max_members == 200
    assert ServerSettings.from_env({"SOFTMAX_CLASS_MAX_MEMBERS": "30"}).class_max_members == 30
    with pytest.raises(SettingsError, match="SOFTMAX_CLASS_MAX_MEMBERS='0': expected"):
        ServerSettings.from_env({"SOFTMAX_CLASS_MAX_MEMBERS": "0"})
