"""The certificates' settings are read from the environment once, and bad values are refused."""

from __future__ import annotations

import pytest

from wenming.settings import SettingsError, read_settings


def test_grace_and_notice_days_come_from_the_environment() -> None:
    default = read_settings({}).training
    assert (default.grace_days, default.notice_days) == (0, (30, 7))
    chosen = read_settings({"WENMING_CERTIFICATE_GRACE_DAYS": "14", "WENMING_CERTIFICATE_NOTICE_DAYS": "7, 60,30"})
    assert (chosen.training.grace_days, chosen.training.notice_days) == (14, (60, 30, 7))


@pytest.mark.parametrize(("name", "value"), [
    ("WENMING_CERTIFICATE_GRACE_DAYS", "-1"), ("WENMING_CERTIFICATE_GRACE_DAYS", "400"),
    ("WENMING_CERTIFICATE_NOTICE_DAYS", "30,x"), ("WENMING_CERTIFICATE_NOTICE_DAYS", "0"),
])
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        read_settings({name: value})
