"""Deadline and period settings are whole numbers of at least their minimum, or the portal does not start,
saying which environment variable is wrong and what it holds."""
from __future__ import annotations

import re

import pytest

from portal import create_app
from portal import config
from portal.config import PERIOD_SETTINGS

WORKDAY_SETTINGS = [name for name in PERIOD_SETTINGS if name.endswith("_WORKDAYS")]


def test_every_workday_and_day_setting_of_the_configuration_is_checked(tmp_path):
    """A deadline or period setting added later is checked too, or this fails."""
    numbers = re.compile(r"_(WORKDAYS|DAYS|MONTHS|HOURS|MINUTES|COUNT|FAILURES)$")
    read = {name for name in vars(config.TestConfig(tmp_path)) if numbers.search(name)}
    assert read == set(PERIOD_SETTINGS)


@pytest.mark.parametrize("name", list(PERIOD_SETTINGS))
@pytest.mark.parametrize("value", ["below the least", "-3", "ten", "2.5", "", "5 days"])
def test_a_bad_setting_in_the_environment_stops_the_start(monkeypatch, tmp_path, name, value):
    minimum = PERIOD_SETTINGS[name]
    if value == "below the least":
        value = str(minimum - 1)  # "0" for a deadline
    monkeypatch.setenv(f"PORTAL_{name}", value)
    expected = f"PORTAL_{name} must be a whole number of at least {minimum}, got {value!r}"
    with pytest.raises(ValueError, match=re.escape(expected)):
        create_app(config.TestConfig(tmp_path))


def test_the_message_names_the_variable_and_its_value(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "test-secret")
    monkeypatch.setenv("PORTAL_CORRECTION_WORKDAYS", "0")
    with pytest.raises(ValueError) as info:
        create_app()
    assert str(info.value) == "PORTAL_CORRECTION_WORKDAYS must be a whole number of at least 1, got '0'"


@pytest.mark.parametrize("name", WORKDAY_SETTINGS + ["APPLICATION_MAX_DAYS", "USAGE_REPORT_DAYS"])
@pytest.mark.parametrize("value", [0, -1, "x", None, 2.0, True])
def test_a_bad_setting_given_to_create_app_stops_the_start(tmp_path, name, value):
    with pytest.raises(ValueError, match=f"^PORTAL_{name} must be a whole number of at least 1, got "):
        create_app(config.TestConfig(tmp_path, **{name: value}))


def test_access_events_must_be_kept_two_years(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ACCESS_LOG_RETENTION_DAYS", "365")
    with pytest.raises(ValueError, match=re.escape(
            "PORTAL_ACCESS_LOG_RETENTION_DAYS must be a whole number of at least 730, got '365'")):
        create_app(config.TestConfig(tmp_path))


def test_the_clock_rule_must_be_known(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_APPLICATION_CLOCK", "sometimes")
    with pytest.raises(ValueError, match=re.escape(
            "PORTAL_APPLICATION_CLOCK must be one of run, pause, restart, got 'sometimes'")):
        create_app(config.TestConfig(tmp_path))


def test_good_settings_are_numbers(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_CORRECTION_WORKDAYS", " 7 ")
    app = create_app(config.TestConfig(tmp_path, REVIEW_WORKDAYS="3"))
    assert app.config["CORRECTION_WORKDAYS"] == 7 and app.config["REVIEW_WORKDAYS"] == 3
    assert app.config["APPLICATION_WORKDAYS"] == 10 and app.config["ACCESS_LOG_RETENTION_DAYS"] == 730
    assert app.config["APPLICATION_CLOCK"] == "run"
