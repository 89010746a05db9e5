"""Every command explains itself; the core stays free of UI and NLP imports."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from casebook.cli.main import COMMAND_MODULES, cli


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, f"casebook {prefix}{name} is listed but cannot be loaded"
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_and_option_has_help(name: str, command: click.Command) -> None:
    assert command.help and command.help.strip(), f"casebook {name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help, f"casebook {name} {param.opts[0]} has no help text"


def test_help_runs_for_every_command(run_cli) -> None:
    for name, _ in _commands(cli):
        result = run_cli(*name.split(), "--help", project=None)
        assert result.exit_code == 0 and "Usage:" in result.stdout, name


def test_core_imports_load_no_textual_or_spacy() -> None:
    code = (
        "import sys, casebook.services.importer, casebook.services.study, casebook.cli.main;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'spacy', 'docx'});"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_missing_project_is_explained(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CASEBOOK_PROJECT", raising=False)
    result = run_cli("sources", project=None)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "casebook: error: no project given: use --project PATH or set CASEBOOK_PROJECT"
    )
    result = run_cli("sources", project=tmp_path / "finnes-ikke.casebook")
    assert "no project file there" in result.stderr and "casebook --project PATH init" in result.stderr


def test_the_migration_list_matches_the_registered_migrations() -> None:
    from casebook.storage import migrations, schema

    assert migrations.known() == list(schema.MIGRATIONS)


def test_opening_the_workbench_loads_no_nlp_or_sqlite_utils() -> None:
    code = (
        "import sys, casebook.tui.app;"
        "heavy = {'spacy', 'numpy', 'sqlite_utils', 'docx'};"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in heavy);"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_command_module_is_mapped_and_a_run_loads_only_its_own() -> None:
    import importlib
    import pkgutil

    import casebook.cli

    names = {m.name for m in pkgutil.iter_modules(casebook.cli.__path__) if m.name.startswith("cmd_")}
    assert set(COMMAND_MODULES.values()) == names
    for module_name in names:
        module = importlib.import_module(f"casebook.cli.{module_name}")
        for command in module.COMMANDS:
            assert COMMAND_MODULES[command.name or ""] == module_name
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from casebook.cli.main import cli;"
            " cli.get_command(None, 'tui'); print(sorted(m for m in sys.modules if 'cmd_' in m))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "cmd_tui" in loaded and "cmd_report" not in loaded and "cmd_analysis" not in loaded
