"""Entry point: the ``casebook`` group, the global ``--project`` option, error handling."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from casebook import __version__
from casebook.cli.options import install_passphrase_prompt
from casebook.cli.output import CliError
from casebook.cli.terminal import show_notices
from casebook.errors import CasebookError

PROJECT_ENV = "CASEBOOK_PROJECT"


@dataclass
class CliState:
    """What every command needs: where the project file is (if given)."""

    project: Path | None

    def project_path(self) -> Path:
        """The project file, or an error telling the researcher how to name one."""
        if self.project is not None:
            return self.project
        found = sorted(Path.cwd().glob("*.casebook"))
        if len(found) == 1:
            return found[0]
        raise CliError(f"no project given: use --project PATH or set {PROJECT_ENV}")


class CasebookGroup(click.Group):
    """A click group that turns expected failures into one line and a non-zero exit, and
    loads each command's module only when that command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _load_command(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CasebookError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:  # a file that cannot be read or written: name it, no traceback
            where = f"{exc.filename}: " if exc.filename else ""
            raise CliError(f"{where}{exc.strerror or exc}") from None
        except KeyboardInterrupt:
            click.echo("casebook: interrupted; the project is unchanged", err=True)
            sys.exit(130)
        except Exception as exc:
            problem = _project_problem(ctx, exc)
            if problem is None:
                raise
            raise CliError(str(problem)) from None


def _project_problem(ctx: click.Context, exc: Exception) -> CasebookError | None:
    """An SQLite error met while rows were read (a damaged page): the project's problem."""
    from casebook.services.project import database_problem

    state = ctx.find_object(CliState)
    try:
        path = state.project_path() if state is not None else Path("project")
    except CliError:
        path = Path("project")
    return database_problem(path, exc)


@click.group(cls=CasebookGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    "-p",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar=PROJECT_ENV,
    help=f"Project file (.casebook). Also read from ${PROJECT_ENV}; defaults to the only"
    " .casebook file in the current folder.",
)
@click.version_option(__version__, prog_name="casebook")
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """casebook: code interview transcripts and follow cases across rounds."""
    ctx.obj = CliState(project)
    show_notices()
    install_passphrase_prompt()


def _set_project(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    """``--project`` given after the subcommand (``casebook init --project f.casebook``)."""
    if value is not None:
        ctx.ensure_object(CliState).project = value


def _accept_project_anywhere(command: click.Command) -> None:
    """Give a command (and a group's subcommands) its own ``--project`` option."""
    if not any(getattr(p, "name", None) == "project" for p in command.params):
        command.params.append(
            click.Option(
                ["--project", "-p"],
                type=click.Path(path_type=Path, dir_okay=False),
                expose_value=False,
                is_eager=True,
                callback=_set_project,
                help="Project file (.casebook); the same as the global --project.",
            )
        )
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _accept_project_anywhere(sub)


# Which module defines each command: a run imports only the module of its command, so
# ``casebook tui`` does not pay for the report, matrix and search code (cold start).
COMMAND_MODULES: dict[str, str] = {
    "init": "cmd_project",
    "check": "cmd_project",
    "import": "cmd_import",
    "cases": "cmd_lists",
    "rounds": "cmd_lists",
    "persons": "cmd_lists",
    "sources": "cmd_lists",
    "memos": "cmd_lists",
    "attrs": "cmd_lists",
    "source": "cmd_source",
    "study": "cmd_study",
    "case": "cmd_study",
    "round": "cmd_study",
    "codebook": "cmd_codebook",
    "code": "cmd_coding",
    "uncode": "cmd_coding",
    "codings": "cmd_coding",
    "segments": "cmd_retrieval",
    "search": "cmd_retrieval",
    "matrix": "cmd_analysis",
    "cooccur": "cmd_analysis",
    "report": "cmd_report",
    "pseudonyms": "cmd_pseudonyms",
    "event": "cmd_events",
    "timeline": "cmd_longitudinal",
    "changes": "cmd_longitudinal",
    "direction": "cmd_directions",
    "rollup": "cmd_directions",
    "summary": "cmd_summary",
    "backup": "cmd_backup",
    "restore": "cmd_backup",
    "encrypt": "cmd_encryption",
    "decrypt": "cmd_encryption",
    "suggest": "cmd_suggest",
    "tui": "cmd_tui",
    "demo": "cmd_tui",
}


def _load_command(name: str) -> click.Command | None:
    """Import the module of command ``name`` and register its commands (once)."""
    module_name = COMMAND_MODULES.get(name)
    if module_name is None:
        return None
    if name not in cli.commands:
        module = importlib.import_module(f"casebook.cli.{module_name}")
        for command in module.COMMANDS:
            _accept_project_anywhere(command)
            cli.add_command(command)
    return cli.commands.get(name)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="casebook")
