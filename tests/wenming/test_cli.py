"""The `wenming` command wires subcommands to their owners; delegated ones get all their arguments."""

from __future__ import annotations

import pytest

from wenming.cli import main


@pytest.mark.parametrize("command", ["match", "scenario"])
def test_help_of_a_delegated_subcommand_is_its_own(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main([command, "--help"])
    except SystemExit as stop:  # argparse's own exit, when the subcommand lets it through
        code = stop.code
    assert code == 0
    assert capsys.readouterr().out.startswith(f"usage: wenming {command}")


def test_match_reports_a_missing_file_as_bad_input(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["match", str(missing)]) == 2
    assert "nowhere.json" in capsys.readouterr().err
