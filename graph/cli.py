"""The ``computekg`` command line: parse options, call one library function, format the result.

Heavy modules (rdflib, networkx, pyvis, pyshacl) are imported only inside the commands that
need them; ``company``, ``deals`` and ``query`` run on pyoxigraph alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .choices import (DEAL_KINDS, DEAL_STATUSES, GRAPH_FORMATS, QUERY_FORMATS, RANK_MEASURES, RANK_ROLES, RDF_FORMATS,
                      VIEW_COLOR_BY, VIEW_MAX_NODES, VIEW_SIZE_BY)
from .clikit import (PROBLEMS_SHOWN, CLIError, Group, State, as_of_option, comma_list, emit_rows,  # noqa: F401
                     format_option, note, parse_date_option, pass_state, terminal, terminal_options)
from .output import (COMPANY_COLUMNS, COMPANY_DEAL_COLUMNS, CYCLE_COLUMNS, DEAL_COLUMNS, FACILITY_COLUMNS,
                     PATH_COLUMNS, company_note, cycle_rows, rank_columns, write_rows)

# Commands kept in their own modules, loaded only when run (start-up stays light):
# command name -> "module:attribute".
LAZY_COMMANDS: dict[str, str] = {
    "diff": "graph.changes_cli:diff",
    "changes": "graph.changes_cli:changes",
    "serve": "graph.serve.command:serve",
    "site": "graph.write_cli:site",
    "validate": "graph.write_cli:validate",
    "load": "graph.write_cli:load",
    "unload": "graph.write_cli:unload",
}
Group.lazy = LAZY_COMMANDS

# The names the CLI's options were known by (tests and scripts import them from here).
VIZ_COLOR_BY, VIZ_SIZE_BY, VIZ_MAX_NODES, EXPORT_FORMATS = VIEW_COLOR_BY, VIEW_SIZE_BY, VIEW_MAX_NODES, RDF_FORMATS


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data", "data", multiple=True, type=click.Path(), metavar="PATH",
              help="Record files or folders to use instead of the bundled data/ (repeatable).")
@click.option("--store", "store", metavar="DIR|URL",
              help="A persistent store folder filled by `computekg --store DIR load`, or the query URL "
                   "of a SPARQL 1.1 endpoint (http://host:port/query).")
@click.option("--update-url", "update_url", metavar="URL", envvar="COMPUTEKG_UPDATE_URL", show_envvar=True,
              help="With --store URL: the endpoint's SPARQL Update URL, where it differs from the query URL "
                   "with 'query' replaced by 'update' (Virtuoso: http://host:8890/sparql-auth). Credentials: "
                   "COMPUTEKG_SPARQL_USER and COMPUTEKG_SPARQL_PASSWORD in the environment.")
@click.option("--records-graph", "records_graph", metavar="IRI", envvar="COMPUTEKG_RECORDS_GRAPH", show_envvar=True,
              help="With --store URL: keep the records in this named graph of the endpoint, for servers whose "
                   "default graph is the union of all graphs (Virtuoso, GraphDB, Fuseki with a union default "
                   "graph). Default: the endpoint's default graph (Oxigraph).")
@click.option("--no-epoch", "no_epoch", is_flag=True,
              help="Use the curated source only: leave out Epoch AI's datasets (included by default "
                   "when the data holds them).")
@click.version_option(__version__, prog_name="computekg")
@click.pass_context
def main(ctx: click.Context, data: tuple[str, ...], store: str | None, update_url: str | None,
         records_graph: str | None, no_epoch: bool) -> None:
    """computekg: an open knowledge graph of AI compute deals.

    Who leases compute from whom, how much (MW, accelerators, money), where, when, and who says so.
    With no options, commands answer from the bundled, sourced data.

    \b
    Examples:
      computekg company Anthropic
      computekg deals --kind lease --as-of 2027-01-01
      computekg query leases
    """
    ctx.obj = State(data, store, not no_epoch, update_url=update_url, records_graph=records_graph)


# ---------------------------------------------------------------------------- lookups

@main.command()
@click.argument("name")
@as_of_option
@click.option("--roll-up", "roll_up", is_flag=True, help="Include the company's subsidiaries.")
@format_option()
@terminal_options
@pass_state
def company(state: State, name: str, as_of, roll_up: bool, fmt: str) -> None:
    """Every deal a company is in, as customer, provider or otherwise.

    NAME is the company's id, name or an alias, in any case. When the graph holds Epoch AI's
    data, the sites the company owns or uses compute at follow the deals, as rows of kind
    owns_facility or uses_compute_at (role "user (likely)" carries Epoch's confidence; sources
    name the Epoch dataset). They are left out with --as-of, which keeps deals in force.

    \b
    Example:
      computekg company Anthropic --as-of 2027-01-01
    """
    report = state.kg().company(name, as_of=as_of, roll_up=roll_up)
    term = terminal()
    if fmt == "table" and term.tty:
        from .readable import company_text

        term.emit(company_text(report, term))
    else:
        write_rows(report.rows(), fmt, COMPANY_DEAL_COLUMNS)
    note(company_note(report))


@main.command()
@click.argument("deal_id", metavar="ID")
@format_option(choices=("table", "json"))
@terminal_options
@pass_state
def deal(state: State, deal_id: str, fmt: str) -> None:
    """One deal, whole, as a card: parties and roles, facilities, every figure with every
    sourced value (disputed ones marked), dates with their precision, status and what it
    supersedes or is superseded by, terms, notes, and the sources numbered.

    --format json gives the deal as `company --format json` lists it (without the company's
    role and counterparty). An unknown ID exits 1 with "did you mean".

    \b
    Example:
      computekg deal anthropic-xai-colossus-1
    """
    kg = state.kg()
    found = kg.deal(deal_id)
    if fmt == "json":
        import json

        click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    from .readable import deal_card

    term = terminal()
    term.emit(deal_card(found, term, superseded_by=kg.superseded_by(found.id)))


@main.command()
@click.option("--provider", help="Only deals with this provider (id, name or alias).")
@click.option("--customer", help="Only deals with this customer (id, name or alias).")
@click.option("--kind", type=click.Choice(list(DEAL_KINDS)), help="Only deals of this kind.")
@click.option("--status", type=click.Choice(list(DEAL_STATUSES)), help="Only deals with this status.")
@as_of_option
@format_option()
@terminal_options
@pass_state
def deals(state: State, provider, customer, kind, status, as_of, fmt: str) -> None:
    """List deals, filtered by party, kind, status or date.

    \b
    Example:
      computekg deals --customer OpenAI --kind cloud_capacity --format csv
    """
    found = state.kg().deals(provider=provider, customer=customer, kind=kind, status=status, as_of=as_of)
    from .readable import DEAL_COLS

    emit_rows([d.as_dict() for d in found], fmt, DEAL_COLUMNS, person=DEAL_COLS)
    note(f"{len(found)} deal(s)")


@main.command()
@format_option()
@terminal_options
@pass_state
def companies(state: State, fmt: str) -> None:
    """List every company with its id, kind, parent and aliases.

    \b
    Example:
      computekg companies --format csv
    """
    emit_rows([c.as_dict() for c in state.kg().companies()], fmt, COMPANY_COLUMNS)


@main.command()
@click.argument("name")
@click.option("--as-of", "as_of", callback=parse_date_option, metavar="DATE",
              help="Say the capacity on DATE (the latest observed snapshot on or before it, and apart the "
                   "latest projection), and keep the deals in force on DATE.")
@format_option()
@terminal_options
@pass_state
def facility(state: State, name: str, as_of, fmt: str) -> None:
    """One facility: facts, power, users, GPU clusters, deals and capacity timeline.

    NAME is the facility's id, name, an alias or its Epoch AI name, in any case. Users and
    timelines come from Epoch AI's data (see `computekg --no-epoch`); timeline readings dated
    after the snapshot Epoch's files were taken on are projections, kept apart from observations.

    \b
    Example:
      computekg facility "Stargate Abilene" --as-of 2025-10-01
    """
    from .facilities import report_sections
    from .output import facility_note

    report = state.kg().facility(name, as_of=as_of).as_dict()
    if fmt == "json":
        write_rows([report], fmt)
    elif fmt == "table":
        term = terminal()
        if term.tty:
            from .readable import columns_of
            from .terminal import table

            term.emit("".join(f"{term.paint('# ' + title, 'bold')}\n" + table(rows, columns_of(
                [(k, (lambda k: lambda r: r.get(k))(k)) for k in rows[0]]), term) + "\n"
                for title, rows in report_sections(report) if rows))
        else:
            for title, rows in report_sections(report):
                if rows:
                    click.echo(f"# {title}")
                    write_rows(rows, fmt)
                    click.echo()
    else:
        write_rows([{"section": title, **r} for title, rows in report_sections(report) for r in rows], fmt)
    note(facility_note(report))


@main.command()
@format_option()
@terminal_options
@pass_state
def facilities(state: State, fmt: str) -> None:
    """List every facility: curated sites and Epoch AI's GPU clusters and data centres.

    MW is the headline figure; EPOCH_MW is Epoch AI's (reported if it has one, else calculated).

    \b
    Example:
      computekg facilities --format csv
    """
    rows = state.kg().facilities()
    emit_rows(rows, fmt, FACILITY_COLUMNS)
    note(f"{len(rows)} facilities ({sum(1 for r in rows if r['from_epoch'])} from Epoch AI)")


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "file", type=click.Path(exists=True, dir_okay=False), help="Read the query from FILE.rq.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query variable (?NAME) to a text value; repeatable.")
@click.option("--list", "list_", is_flag=True, help="List the named queries.")
@click.option("--allow-service", "allow_service", is_flag=True,
              help="Let SERVICE clauses send requests to the endpoints they name (refused otherwise).")
@click.option("--timeout", "timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stop a query that runs longer than SECONDS (exit 1).")
@format_option(choices=QUERY_FORMATS)
@terminal_options
@pass_state
def query(state: State, sparql: str | None, file: str | None, params: tuple[str, ...], list_: bool,
          allow_service: bool, timeout: float | None, fmt: str) -> None:
    """Run SPARQL: text, a file (-f), or a named query.

    SELECT, ASK, CONSTRUCT and DESCRIBE work; the ontology's prefixes (ckg:, schema:, prov:,
    org:, xsd:...) are predeclared. Values given with -p are bound as literals, never pasted.
    A named query checks its parameters (names and forms, e.g. dates as YYYY-MM-DD). Updates
    are not accepted (use `load`); SERVICE is refused unless --allow-service.

    \b
    Examples:
      computekg query --list
      computekg query leases
      computekg query providers-of -p company_name=Anthropic
      computekg query 'SELECT ?name WHERE { ?c a ckg:Company ; schema:name ?name } LIMIT 5'
    """
    from .api import named_queries

    if list_:
        write_rows([{"name": n.name, "summary": n.summary, "params": n.params} for n in named_queries()], fmt)
        return
    if file:
        sparql = Path(file).read_text(encoding="utf-8")
    elif sparql is None:
        raise click.UsageError("give a SPARQL query, -f FILE.rq, or a query name (see --list)")
    bindings = {}
    for p in params:
        key, sep, value = p.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{p!r} is not NAME=VALUE", param_hint="-p/--param")
        bindings[key.strip().lstrip("?$")] = value
    result = state.kg().query(sparql, bindings, allow_service=allow_service, timeout=timeout)
    if result.form == "ask":
        write_rows([{"boolean": result.boolean}], fmt)
    elif result.form == "select":
        emit_rows(result.rows, fmt, [(v, (lambda v: lambda r: r.get(v))(v)) for v in result.variables])
        note(f"{len(result)} row(s)")
    elif fmt == "json":
        write_rows([{"triple": line} for line in result.triples], fmt)
    else:
        for line in result.triples:
            click.echo(line)


# ---------------------------------------------------------------------------- relationship analytics

kinds_option = click.option("--kinds", "kinds", metavar="K,...",
                            help="Only deals of these kinds, comma-separated: " + ", ".join(DEAL_KINDS) + ".")


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--max-hops", "max_hops", type=int, default=4, show_default=True, help="Longest chain to look for.")
@kinds_option
@as_of_option
@click.option("--limit", type=int, default=20, show_default=True, help="At most N shortest paths.")
@format_option()
@terminal_options
@pass_state
def path(state: State, a: str, b: str, max_hops: int, kinds, as_of, limit: int, fmt: str) -> None:
    """The shortest chains of deals linking companies A and B, one row per hop and deal.

    Deals are followed either way; DIRECTION says where the money goes: `->` from FROM to TO,
    `<-` from TO to FROM, `--` a joint venture (no money). Exit 1 when no chain links them.

    \b
    Example:
      computekg path Nvidia Anthropic --max-hops 3
      computekg path OpenAI Oracle --kinds investment,cloud_capacity --format json
    """
    rows = [h.as_dict() for h in state.kg().path(a, b, max_hops=max_hops, kinds=kinds, as_of=as_of, limit=limit)]
    emit_rows(rows, fmt, PATH_COLUMNS if fmt != "table" else PATH_COLUMNS[:-1])
    note(f"{rows[-1]['path']} shortest path(s) of {rows[-1]['hop']} hop(s)")


@main.command()
@click.option("--roll-up", "roll_up", is_flag=True,
              help="Merge subsidiaries into their ultimate parent first (from their parent_since on).")
@kinds_option
@as_of_option
@click.option("--max-length", "max_length", type=int, default=6, show_default=True,
              help="Longest cycle, in companies.")
@click.option("--limit", type=int, default=100, show_default=True, help="Stop after N cycles.")
@format_option()
@terminal_options
@pass_state
def cycles(state: State, roll_up: bool, kinds, as_of, max_length: int, limit: int, fmt: str) -> None:
    """Circular chains of money: companies whose payments run round a closed loop.

    Money flows customer -> provider in leases, cloud capacity, colocation, power and chip deals,
    investor -> investee in investments, acquirer -> acquired in acquisitions. Table and CSV show
    one row per step of a cycle with the deals behind it; JSON gives one object per cycle.

    \b
    Example:
      computekg cycles --max-length 3
      computekg cycles --roll-up --kinds investment,cloud_capacity,chip_supply
    """
    found = state.kg().cycles(roll_up=roll_up, kinds=kinds, as_of=as_of, max_length=max_length, limit=limit)
    if fmt in ("json", "jsonl"):
        write_rows([c.as_dict() for c in found.cycles], fmt)
    else:
        emit_rows(cycle_rows(found), fmt, CYCLE_COLUMNS)
    cut = f"; stopped at --limit {limit}" if found.truncated else ""
    note(f"{len(found.cycles)} cycle(s) of 2 to {max_length} companies{cut}")


@main.command()
@click.option("--by", "by", type=click.Choice(RANK_MEASURES), required=True,
              help="mw: headline MW; money: headline total value; deals: number of deals.")
@click.option("--role", "role", type=click.Choice(RANK_ROLES), required=True, help="Rank providers or customers.")
@kinds_option
@as_of_option
@click.option("--roll-up", "roll_up", is_flag=True, help="Count subsidiaries as their ultimate parent.")
@click.option("--currency", default="USD", show_default=True,
              help="For --by money: the currency summed (others count as missing).")
@format_option()
@terminal_options
@pass_state
def rank(state: State, by: str, role: str, kinds, as_of, roll_up: bool, currency: str, fmt: str) -> None:
    """League tables: the biggest providers or customers by MW, money or number of deals.

    QUALIFIED counts the figures behind a total that are not exact ("up to", "about"...);
    MISSING the deals that give no figure. Equal totals share a rank.

    \b
    Example:
      computekg rank --by mw --role provider --kinds lease,cloud_capacity
      computekg rank --by money --role customer --roll-up --as-of 2027-01-01
    """
    rows = state.kg().rank(by=by, role=role, kinds=kinds, as_of=as_of, roll_up=roll_up, currency=currency)
    emit_rows([r.as_dict() for r in rows], fmt, rank_columns(by, roll_up=roll_up))
    note(f"{len(rows)} {role}(s)")


# ---------------------------------------------------------------------------- interactive views


@main.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="With NAMEs: how many deals away from them to go.")
@kinds_option
@click.option("--status", "statuses", metavar="S,...",
              help="Only deals with these statuses, comma-separated: " + ", ".join(DEAL_STATUSES) + ".")
@as_of_option
@click.option("--roll-up", "roll_up", is_flag=True,
              help="Draw each company as its ultimate parent (from parent_since on).")
@click.option("--color-by", "color_by", type=click.Choice(VIZ_COLOR_BY), default="kind", show_default=True,
              help="Colour deals by kind, status or year announced.")
@click.option("--size-by", "size_by", type=click.Choice(VIZ_SIZE_BY), default="mw", show_default=True,
              help="Edge width and node size: headline MW, headline money (USD) or number of deals.")
@click.option("--max-nodes", "max_nodes", type=click.IntRange(min=0), default=VIZ_MAX_NODES, show_default=True,
              help="Keep the best-connected N nodes (0: all); the page says what was left out.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, writable=True), required=True,
              metavar="FILE.html", help="The page to write (one self-contained file).")
@click.option("--open", "open_", is_flag=True, help="Open the page in the default web browser.")
@pass_state
def viz(state: State, names: tuple[str, ...], depth: int, kinds, statuses, as_of, roll_up: bool, color_by: str,
        size_by: str, max_nodes: int, output: str, open_: bool) -> None:
    """Write an interactive graph view: one HTML file that works offline.

    Companies are dots, facilities squares; each deal is an edge from provider to customer. Hover
    for facts, click for the sources, search and filter in the page. With no NAME, the whole graph
    (up to --max-nodes); with NAMEs, their neighbourhood to --depth deals.

    \b
    Example:
      computekg viz Anthropic --depth 2 -o anthropic.html
      computekg viz --kinds lease,cloud_capacity --as-of 2027-01-01 --color-by status -o leases.html
    """
    view = state.kg().view(names, depth=depth, kinds=comma_list(kinds), statuses=comma_list(statuses), as_of=as_of,
                           roll_up=roll_up, color_by=color_by, size_by=size_by, max_nodes=max_nodes)
    path = view.write(output)
    note(f"wrote {output}: {view.meta['summary']}")
    if open_:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


@main.command()
@click.option("--rdf-format", "rdf_format", type=click.Choice(EXPORT_FORMATS), default=None,
              help="RDF serialisation (default: turtle).")
@click.option("--graph-format", "graph_format", type=click.Choice(GRAPH_FORMATS), default=None,
              help="Instead of RDF, the company graph (one edge per deal) for Gephi and networkx.")
@click.option("--with-ontology/--without-ontology", "with_ontology", default=False, show_default=True,
              help="Include the ontology's own triples.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), help="Write to FILE instead of stdout.")
@pass_state
def export(state: State, rdf_format: str | None, graph_format: str | None, with_ontology: bool,
           output: str | None) -> None:
    """Export the whole graph as RDF (sorted, with the project's prefixes), or the company graph.

    --graph-format writes companies as nodes and one edge per deal (payer -> payee, the deal's
    attributes on the edge) as GraphML, GEXF or node-link JSON.

    \b
    Examples:
      computekg export --rdf-format turtle -o computekg.ttl
      computekg export --graph-format gexf -o computekg.gexf
    """
    data = state.kg().export(rdf_format=rdf_format, graph_format=graph_format, with_ontology=with_ontology)
    if output:
        Path(output).write_bytes(data)
        note(f"wrote {output}")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@main.command()
@format_option()
@pass_state
def stats(state: State, fmt: str) -> None:
    """Coverage of the graph: counts by kind, status and year, primary sources, missing fields.

    \b
    Example:
      computekg stats --format json
    """
    from .output import stats_rows

    s = state.kg().stats()
    write_rows([s] if fmt in ("json", "jsonl") else stats_rows(s), fmt)


if __name__ == "__main__":  # pragma: no cover
    main()

