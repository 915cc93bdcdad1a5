"""Commands about change over time, ``diff`` and ``changes``: registered by name in
:data:`graph.cli.LAZY_COMMANDS`, so loading the command line does not import them.
"""

from __future__ import annotations

import click

from .choices import DEAL_KINDS
from .clikit import State, format_option, note, pass_state
from .errors import BadValue
from .output import write_rows


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="table: one row per changed field; markdown: a changelog entry.")
@pass_state
def diff(state: State, old: str, new: str, fmt: str) -> None:
    """What changed from OLD to NEW: companies, facilities and deals added, removed and changed.

    OLD and NEW are each a record folder or file, a store folder, a SPARQL endpoint URL, or
    git:REV (the data/ folder at a git revision of the repository you are in; git:REV:PATH for
    another folder). Both are compiled to RDF through the same pipeline and compared by id; a
    changed figure shows with its source, so a change of source shows too.

    \b
    Examples:
      computekg diff git:HEAD~5 .
      computekg diff old-data/ data/ --format markdown >> data/CHANGELOG.md
    """
    from .diff import diff as compute
    from .difftext import rows, summary_line, to_json, to_markdown

    d = compute(old, new, sources=state.sources)
    if fmt == "json":
        click.echo(_json_text(to_json(d)))
    elif fmt == "markdown":
        click.echo(to_markdown(d), nl=False)
    else:
        write_rows(rows(d), "table", max_width=70)
    note(summary_line(d))


def _json_text(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, indent=2)


@click.command()
@click.option("--since", metavar="DATE", help="First day (a partial date counts from its first day).")
@click.option("--until", metavar="DATE", help="Last day (a partial date counts to its last day); default today.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(list(DEAL_KINDS)), help="Only deals of this kind (repeatable).")
@click.option("--company", help="Only deals this company is a party to (id, name or alias).")
@click.option("--event", "events", multiple=True, type=click.Choice(["announced", "started", "ended", "terminated", "superseded"]),
              help="Only these events (repeatable).")
@format_option()
@pass_state
def changes(state: State, since, until, kinds, company, events, fmt: str) -> None:
    """Deal events in a period, newest first: announced, started, ended, terminated, superseded.

    A partial date counts by its period: a deal announced "2026-06" is in any window that
    overlaps June 2026. Without --until the period ends today (scheduled starts and ends later
    than today are left out unless --until reaches them).

    \b
    Example:
      computekg changes --since 2026-06 --kind lease
    """
    from .changes import deal_events, select, window
    from .feed import event_row
    from .lookup import fetch_deals, resolve_company

    try:
        first, last = window(since, until)
    except ValueError as exc:
        raise BadValue(f"--since/--until: {exc}", "write YYYY, YYYY-MM or YYYY-MM-DD") from None
    if first > last:
        raise BadValue(f"--since {since} is after --until {until or 'today'}", "swap them")
    store = state.store()
    who = resolve_company(store, company)["id"] if company else None
    found = select(deal_events(fetch_deals(store)), first=first, last=last, kinds=kinds, company=who, events_of=events)
    write_rows([event_row(e) for e in found], fmt,
               None if fmt in ("json", "jsonl") else [(k, (lambda k: lambda r: r[k])(k)) for k in
                                                      ("date", "event", "deal", "kind", "provider", "customer", "mw", "money", "status")])
    note(f"{len(found)} event(s) from {'the start' if since is None else first} to {last}")
