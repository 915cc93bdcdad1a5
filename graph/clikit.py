"""The command line's plumbing, shared by every command module: the group that turns typed
errors into one-line messages, lazily registered commands, the shared options, and the state
holding the one :class:`graph.api.KnowledgeGraph` a command asks.

A command module (``graph/cli.py``, ``graph/changes_cli.py``, a later ``site`` or ``serve``
module) imports from here; ``graph/cli.py`` registers the others by name in
:data:`graph.cli.LAZY_COMMANDS`, so start-up imports none of them.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from .choices import FORMATS
from .errors import BadValue, ComputeKGError, ValidationFailed


def note(message: str) -> None:
    """A message for the user on stderr, after any data already written to stdout."""
    sys.stdout.flush()
    click.echo(message, err=True)


PROBLEMS_SHOWN = 100  # problems listed before the count of the rest


class CLIError(click.ClickException):
    """One line on stderr: the cause, then how to fix it."""

    def __init__(self, message: str, hint: str = "", exit_code: int = 1):
        super().__init__(message + (f" ({hint})" if hint else ""))
        self.exit_code = exit_code


class Group(click.Group):
    """Turns the library's typed errors into one-line messages and exit codes (1 data, 2 usage);
    loads commands registered by name (``lazy``: command name -> ``"module:attribute"``) only
    when they are run or listed in help."""

    lazy: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str):
        cmd = super().get_command(ctx, name)
        if cmd is None and name in self.lazy:
            module, _, attr = self.lazy[name].partition(":")
            cmd = getattr(importlib.import_module(module), attr)
        return cmd

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            shown = exc.problems if getattr(ctx.obj, "all_problems", False) else exc.problems[:PROBLEMS_SHOWN]
            for p in shown:
                note(str(p))
            if len(shown) < len(exc.problems):
                note(f"... and {len(exc.problems) - len(shown)} more problem(s); "
                     "`computekg validate --all-problems PATH` lists them all")
            raise CLIError(str(exc), exc.hint) from None
        except BadValue as exc:
            raise CLIError(str(exc), exc.hint, exit_code=2) from None
        except ComputeKGError as exc:
            raise CLIError(str(exc), getattr(exc, "hint", "")) from None
        except BrokenPipeError:  # pragma: no cover - e.g. `computekg deals | head`
            sys.stderr.close()
            raise SystemExit(0)
        except OSError as exc:  # a file the user named cannot be read or written
            import errno

            where = f" {exc.filename}" if exc.filename else ""
            hint = ("free some disk space and run the command again" if exc.errno == errno.ENOSPC else
                    "the disk or folder is read-only: choose a writable path" if exc.errno == errno.EROFS else
                    "check the path exists and is writable")
            raise CLIError(f"cannot use{where}: {exc.strerror or exc}", hint) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except RecursionError:
            raise CLIError("the input is nested too deeply to read",
                           "records need only a few levels of nesting; check the file") from None
        except Exception as exc:  # a bug: say so, plainly, and how to report it
            import os
            import traceback

            if os.environ.get("COMPUTEKG_DEBUG"):
                traceback.print_exc()
            first = str(exc).splitlines()[0][:200] if str(exc).strip() else ""
            raise CLIError(f"internal error ({type(exc).__name__}{': ' + first if first else ''})",
                           "this is a bug in computekg: please report it with the command you ran; "
                           "COMPUTEKG_DEBUG=1 shows the traceback") from None


def format_option(choices=FORMATS, default="table"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
                        help="Output format: data goes to stdout, messages to stderr.")


def parse_date_option(ctx, param, value):
    if value is None:
        return None
    from .dates import parse_as_of

    try:
        return parse_as_of(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


as_of_option = click.option("--as-of", "as_of", callback=parse_date_option, metavar="DATE",
                            help="Keep deals in force on DATE (start <= DATE <= end; partial dates cover "
                                 "their whole period; deals without dates are left out).")


def comma_list(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


class State:
    """What the global options chose: the data, the store, the sources; ``kg()`` opens the graph."""

    def __init__(self, data: tuple[str, ...], store: str | None, epoch: bool, *, update_url: str | None = None,
                 records_graph: str | None = None):
        self.data = [Path(p) for p in data]
        self.store_path = store or None  # a folder or a SPARQL endpoint URL (kept as text)
        self.remote = {"update_url": update_url or None, "records_graph": records_graph or None}
        self.all_problems = False  # validate --all-problems
        self.sources = None if epoch else ("curated",)  # --no-epoch: the curated source only (graph.sources)
        self._kg = None

    def progress(self, message: str) -> None:
        """Long steps, on stderr when it is a terminal (nothing on a pipe or in a CI log): a
        counted step (:class:`graph.progress.Step`) as click's progress bar, others as a line."""
        if not sys.stderr.isatty():
            return
        from .progress import Step

        if not isinstance(message, Step):
            note(f"... {message}")
            return
        bars = self.__dict__.setdefault("_bars", {})
        bar = bars.get(message.label)
        if bar is None:
            bar = bars[message.label] = click.progressbar(length=message.total, label=message.label,
                                                          file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(message.done - bar.pos)
        if message.done >= message.total:
            bar.__exit__(None, None, None)
            del bars[message.label]

    def kg(self):
        """The knowledge graph to answer from: --store (read-only), else the cached compiled records."""
        if self._kg is None:
            from .api import open as open_graph

            if self.store_path is not None:
                self._kg = open_graph(store=self.store_target(read_only=True), sources=self.sources,
                                      progress=self.progress)
            else:
                self._kg = open_graph(self.data or None, sources=self.sources, progress=self.progress)
        return self._kg

    def store_target(self, *, read_only: bool = False):
        """What --store names: a folder path (text), or an endpoint opened with --update-url and
        --records-graph (which only an endpoint takes)."""
        from .remote import open_store
        from .store import backend_for

        if self.store_path is None or backend_for(self.store_path) != "sparql":
            for option, value in (("--update-url", self.remote["update_url"]),
                                  ("--records-graph", self.remote["records_graph"])):
                if value:
                    raise click.UsageError(f"{option} goes with --store URL (a SPARQL endpoint), "
                                           "not with a store folder or the bundled data")
            return self.store_path
        return open_store(self.store_path, read_only=read_only, **self.remote)

    def store(self):
        """The store behind :meth:`kg`."""
        return self.kg().store


pass_state = click.make_pass_decorator(State)


# ---------------------------------------------------------------------------- a person at a terminal

def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta[f"term.{param.name}"] = value
    return value


def terminal_options(f):
    """--wide, --columns, --no-color, --no-pager: how a table reads on a terminal (pipes, files
    and csv/json are never cut, coloured or paged)."""
    for opt in reversed([
        click.option("--wide", is_flag=True, expose_value=False, callback=_remember,
                     help="On a terminal: every column, whole (no fitting to the window)."),
        click.option("--columns", metavar="A,B,...", expose_value=False, callback=_remember,
                     help="On a terminal: these columns, in this order."),
        click.option("--no-color", "no_color", is_flag=True, expose_value=False, callback=_remember,
                     help="No colour (also: the NO_COLOR environment variable)."),
        click.option("--no-pager", "no_pager", is_flag=True, expose_value=False, callback=_remember,
                     help="Do not page long output through $PAGER (default less -FRX)."),
    ]):
        f = opt(f)
    return f


def terminal():
    """The :class:`graph.terminal.Terminal` for this command's stdout and options."""
    from .terminal import Terminal

    m = click.get_current_context().meta
    return Terminal.detect(no_color=bool(m.get("term.no_color")), no_pager=bool(m.get("term.no_pager")),
                           wide=bool(m.get("term.wide")), columns=comma_list(m.get("term.columns")))


def emit_rows(rows, fmt: str, columns=None, *, person=None) -> None:
    """Rows to stdout: fitted to the window for a person at a terminal (``person``: its columns,
    else ``columns`` by position), otherwise :func:`graph.output.write_rows`, unchanged."""
    from .output import write_rows

    rows = list(rows)
    if fmt == "table":
        term = terminal()
        if term.tty:
            from .readable import columns_of
            from .terminal import table

            if person is None:
                keys: list[str] = []
                for r in rows:
                    keys.extend(k for k in r if k not in keys)
                person = columns_of(columns or [(k, (lambda k: lambda r: r.get(k))(k)) for k in keys])
            term.emit(table(rows, person, term))
            return
    write_rows(rows, fmt, columns)
