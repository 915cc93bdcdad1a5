"""The ``computekg`` command line: parse options, call one library function, format the result.

Heavy modules (rdflib, networkx, pyvis, pyshacl) are imported only inside the commands that
need them; ``company``, ``deals`` and ``query`` run on pyoxigraph alone.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import BadValue, ComputeKGError, ValidationFailed
from .output import COMPANY_DEAL_COLUMNS, DEAL_COLUMNS, FORMATS, public_deal, write_rows
from .vocab import DEAL_KINDS, DEAL_STATUSES


def note(message: str) -> None:
    """A message for the user on stderr, after any data already written to stdout."""
    sys.stdout.flush()
    click.echo(message, err=True)


class CLIError(click.ClickException):
    """One line on stderr: the cause, then how to fix it."""

    def __init__(self, message: str, hint: str = "", exit_code: int = 1):
        super().__init__(message + (f" ({hint})" if hint else ""))
        self.exit_code = exit_code


class Group(click.Group):
    """Turns the library's typed errors into one-line messages and exit codes (1 data, 2 usage)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationFailed as exc:
            for p in exc.problems:
                note(str(p))
            raise CLIError(str(exc), exc.hint) from None
        except BadValue as exc:
            raise CLIError(str(exc), exc.hint, exit_code=2) from None
        except ComputeKGError as exc:
            raise CLIError(str(exc), getattr(exc, "hint", "")) from None
        except BrokenPipeError:  # pragma: no cover - e.g. `computekg deals | head`
            sys.stderr.close()
            raise SystemExit(0)
        except OSError as exc:  # a file the user named cannot be read or written
            where = f" {exc.filename}" if exc.filename else ""
            raise CLIError(f"cannot use{where}: {exc.strerror or exc}",
                           "check the path exists and is writable") from None


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


class State:
    def __init__(self, data: tuple[str, ...], store: str | None, epoch: bool):
        self.data = [Path(p) for p in data]
        self.store_path = store or None  # a folder or a SPARQL endpoint URL (kept as text)
        self.epoch = epoch
        self._store = None

    def progress(self, message: str) -> None:
        if sys.stderr.isatty():
            note(f"... {message}")

    def store(self):
        """The store to answer from: --store folder (read-only), else the cached compiled records."""
        if self._store is None:
            if self.store_path is not None:
                from .store import open_store

                self._store = open_store(self.store_path, read_only=True)
            else:
                from .cache import cached_store

                self._store = cached_store(self.data or None, epoch=self.epoch, progress=self.progress)
        return self._store


pass_state = click.make_pass_decorator(State)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data", "data", multiple=True, type=click.Path(), metavar="PATH",
              help="Record files or folders to use instead of the bundled data/ (repeatable).")
@click.option("--store", "store", metavar="DIR|URL",
              help="A persistent store folder filled by `computekg --store DIR load`, or the query URL "
                   "of a SPARQL 1.1 endpoint (http://host:port/query).")
@click.option("--no-epoch", "no_epoch", is_flag=True,
              help="Leave out Epoch AI's datasets (included by default when the data holds them).")
@click.version_option(__version__, prog_name="computekg")
@click.pass_context
def main(ctx: click.Context, data: tuple[str, ...], store: str | None, no_epoch: bool) -> None:
    """computekg: an open knowledge graph of AI compute deals.

    Who leases compute from whom, how much (MW, accelerators, money), where, when, and who says so.
    With no options, commands answer from the bundled, sourced data.

    \b
    Examples:
      computekg company Anthropic
      computekg deals --kind lease --as-of 2027-01-01
      computekg query leases
    """
    ctx.obj = State(data, store, not no_epoch)


# ---------------------------------------------------------------------------- lookups

@main.command()
@click.argument("name")
@as_of_option
@click.option("--roll-up", "roll_up", is_flag=True, help="Include the company's subsidiaries.")
@format_option()
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
    from .lookup import company_deals

    store = state.store()
    companies = None
    if roll_up:
        from .lookup import resolve_company, subsidiaries

        companies = subsidiaries(store, resolve_company(store, name)["id"], as_of=as_of)
    found, deals = company_deals(store, name, as_of=as_of, companies=companies)
    sites = []
    if as_of is None:
        from .facilities import facilities_of

        sites = facilities_of(store, companies or [found])
    write_rows([public_deal(d) for d in deals] + sites, fmt, COMPANY_DEAL_COLUMNS)
    what = f"{found['name']} ({found['id']})" + (f" with {len(companies) - 1} subsidiaries" if companies else "")
    note(f"{len(deals)} deal(s) for {what}" + (f" in force on {as_of}" if as_of else "")
         + (f"; {len(sites)} site(s) it owns or uses, per Epoch AI" if sites else ""))


@main.command()
@click.option("--provider", help="Only deals with this provider (id, name or alias).")
@click.option("--customer", help="Only deals with this customer (id, name or alias).")
@click.option("--kind", type=click.Choice(list(DEAL_KINDS)), help="Only deals of this kind.")
@click.option("--status", type=click.Choice(list(DEAL_STATUSES)), help="Only deals with this status.")
@as_of_option
@format_option()
@pass_state
def deals(state: State, provider, customer, kind, status, as_of, fmt: str) -> None:
    """List deals, filtered by party, kind, status or date.

    \b
    Example:
      computekg deals --customer OpenAI --kind cloud_capacity --format csv
    """
    from .lookup import fetch_deals, resolve_company, select_deals

    store = state.store()
    p = resolve_company(store, provider)["id"] if provider else None
    c = resolve_company(store, customer)["id"] if customer else None
    rows = select_deals(fetch_deals(store), provider=p, customer=c, kind=kind, status=status, as_of=as_of)
    write_rows([public_deal(d) for d in rows], fmt, DEAL_COLUMNS)
    note(f"{len(rows)} deal(s)")


@main.command()
@format_option()
@pass_state
def companies(state: State, fmt: str) -> None:
    """List every company with its id, kind, parent and aliases.

    \b
    Example:
      computekg companies --format csv
    """
    from .lookup import company_index

    rows = [{k: v for k, v in c.items() if k != "iri"} for c in company_index(state.store())]
    write_rows(rows, fmt, [("id", lambda c: c["id"]), ("name", lambda c: c["name"]),
                           ("kind", lambda c: c["kind"]), ("parent", lambda c: c["parent"]),
                           ("aliases", lambda c: c["aliases"])])


@main.command()
@click.argument("name")
@click.option("--as-of", "as_of", callback=parse_date_option, metavar="DATE",
              help="Say the capacity on DATE (the latest observed snapshot on or before it, and apart the "
                   "latest projection), and keep the deals in force on DATE.")
@format_option()
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
    from .facilities import facility_report, report_sections

    report = facility_report(state.store(), name, as_of=as_of)
    if fmt == "json":
        write_rows([report], fmt)
    elif fmt == "table":
        for title, rows in report_sections(report):
            if rows:
                click.echo(f"# {title}")
                write_rows(rows, fmt)
                click.echo()
    else:
        write_rows([{"section": title, **r} for title, rows in report_sections(report) for r in rows], fmt)
    f = report["facility"]
    a = report["as_of"]
    if a is not None:
        s = a["observed"]
        note(f"{f['name']} ({f['id']}) on {as_of}: " + (
            f"{s['power_mw']:g} MW observed on {s['date']} (latest Epoch AI reading on or before {as_of})"
            if s is not None and s["power_mw"] is not None else "no observed capacity reading on or before that date")
            + (f"; projected {a['projected']['power_mw']:g} MW for {a['projected']['date']}"
               if a["projected"] is not None and a["projected"]["power_mw"] is not None else ""))
    else:
        note(f"{f['name']} ({f['id']}): {len(report['users'])} user(s), {len(report['deals'])} deal(s), "
             f"{len(report['timeline'])} timeline reading(s)")


@main.command()
@format_option()
@pass_state
def facilities(state: State, fmt: str) -> None:
    """List every facility: curated sites and Epoch AI's GPU clusters and data centres.

    MW is the headline figure; EPOCH_MW is Epoch AI's (reported if it has one, else calculated).

    \b
    Example:
      computekg facilities --format csv
    """
    from .facilities import facilities_list

    rows = facilities_list(state.store())
    write_rows(rows, fmt, [(k, (lambda k: lambda r: r[k])(k)) for k in (
        "id", "name", "status", "owners", "operators", "mw", "epoch_mw", "h100_equivalents", "housed_in")])
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
@format_option(choices=("table", "csv", "tsv", "json"))
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
    from . import query as q
    from .store import Rows

    if list_:
        write_rows([{"name": n.name, "summary": n.summary, "params": n.params} for n in q.user_queries()], fmt)
        return
    named = None
    if file:
        text = Path(file).read_text(encoding="utf-8")
    elif sparql is None:
        raise click.UsageError("give a SPARQL query, -f FILE.rq, or a query name (see --list)")
    elif q.looks_like_query(sparql):
        text = sparql
    else:
        named = q.get(sparql)
        text = named.text
    bindings = {}
    for p in params:
        key, sep, value = p.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{p!r} is not NAME=VALUE", param_hint="-p/--param")
        bindings[key.strip().lstrip("?$")] = value
    if named is not None:
        bindings = q.check_params(named, bindings)
    q.check_read_query(text, allow_service=allow_service)
    result = q.run(state.store(), text, bindings, timeout=timeout)
    if isinstance(result, bool):
        write_rows([{"boolean": result}], fmt)
    elif isinstance(result, Rows):
        write_rows(result.rows, fmt, [(v, (lambda v: lambda r: r.get(v))(v)) for v in result.variables])
        note(f"{len(result)} row(s)")
    elif fmt == "json":
        write_rows([{"triple": line} for line in result], fmt)
    else:
        for line in result:
            click.echo(line)


# ---------------------------------------------------------------------------- relationship analytics
# The choices below equal graph.analytics' registries (checked by tests/test_analytics.py); they
# are repeated here so `computekg --help` need not import the analytics layer.
GRAPH_FORMATS = ("graphml", "gexf", "json")
RANK_MEASURES = ("mw", "money", "deals")
RANK_ROLES = ("provider", "customer")

kinds_option = click.option("--kinds", "kinds", metavar="K,...",
                            help="Only deals of these kinds, comma-separated: " + ", ".join(DEAL_KINDS) + ".")


def _figure(v: dict | None, unit: str = "") -> str:
    from .output import figure_text, money_text

    if not v:
        return ""
    return money_text(v) if "amount" in v else figure_text(v, unit)


PATH_COLUMNS = [(k, (lambda k: lambda r: r[k])(k)) for k in ("path", "hop", "from", "direction", "to", "deal", "kind")] + [
    ("mw", lambda r: _figure(r["mw"])), ("money", lambda r: _figure(r["money"])), ("date", lambda r: r["date"]),
    ("source", lambda r: r["publisher"]), ("url", lambda r: r["source"])]


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--max-hops", "max_hops", type=int, default=4, show_default=True, help="Longest chain to look for.")
@kinds_option
@as_of_option
@click.option("--limit", type=int, default=20, show_default=True, help="At most N shortest paths.")
@format_option()
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
    from .analytics import paths

    rows = paths(state.store(), a, b, max_hops=max_hops, kinds=kinds, as_of=as_of, limit=limit)
    write_rows(rows, fmt, PATH_COLUMNS if fmt != "table" else PATH_COLUMNS[:-1])
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
    from .analytics import cycles as find

    found = find(state.store(), roll_up=roll_up, kinds=kinds, as_of=as_of, max_length=max_length, limit=limit)
    if fmt in ("json", "jsonl"):
        write_rows(found.cycles, fmt)
    else:
        rows = [{"cycle": c["cycle"], "length": c["length"], "step": i, **s} for c in found.cycles
                for i, s in enumerate(c["steps"], 1)]
        write_rows(rows, fmt, [
            ("cycle", lambda r: r["cycle"]), ("length", lambda r: r["length"]), ("step", lambda r: r["step"]),
            ("from", lambda r: r["from"]), ("to", lambda r: r["to"]),
            ("deals", lambda r: [d["id"] for d in r["deals"]]),
            ("money", lambda r: [_figure(d["money"]) or "?" for d in r["deals"]])])
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
    from .analytics import rank as league
    from .output import plain, scaled

    rows = league(state.store(), by=by, role=role, kinds=kinds, as_of=as_of, roll_up=roll_up, currency=currency)
    total = (lambda r: scaled(r["total"])) if by == "money" else (lambda r: plain(r["total"]))
    columns = [("rank", lambda r: r["rank"]), ("company", lambda r: r["company"]), ("name", lambda r: r["name"]),
               ("total", total), ("unit", lambda r: r["unit"]), ("deals", lambda r: r["deals"]),
               ("qualified", lambda r: r["qualified"]), ("missing", lambda r: r["missing"])]
    write_rows(rows, fmt, columns + ([("includes", lambda r: r["includes"])] if roll_up else []))
    note(f"{len(rows)} {role}(s)")


# ---------------------------------------------------------------------------- interactive views
# Equal to graph.render.COLOR_BY / SIZE_BY / DEFAULT_MAX_NODES (tests/test_render.py checks), repeated
# so that `computekg --help` need not import the render layer.
VIZ_COLOR_BY = ("kind", "status", "year")
VIZ_SIZE_BY = ("mw", "money", "deals")
VIZ_MAX_NODES = 300


def _comma_list(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


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
    from .render import build_view, write_html

    view = build_view(state.store(), names, depth=depth, kinds=_comma_list(kinds), statuses=_comma_list(statuses),
                      as_of=as_of, roll_up=roll_up, color_by=color_by, size_by=size_by, max_nodes=max_nodes)
    path = write_html(view, output)
    note(f"wrote {output}: {view['meta']['summary']}")
    if open_:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


# ---------------------------------------------------------------------------- records and stores

@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--no-shacl", "no_shacl", is_flag=True, help="Skip the SHACL shapes (record checks still run).")
@pass_state
def validate(state: State, paths: tuple[str, ...], no_shacl: bool) -> None:
    """Check record files: report every problem (exit 1), or a one-line summary (exit 0).

    \b
    Example:
      computekg validate data/
    """
    from .build import compile_paths

    compiled = compile_paths(list(paths), epoch=state.epoch, shacl=not no_shacl, progress=state.progress)
    for message in compiled.report.notes:
        note(f"note: {message}")
    cat = compiled.catalog
    sites = cat.extras.get("epoch_sites", [])
    epoch = (f"; Epoch AI: {len(sites)} sites, {sum(len(s.users) for s in sites)} compute uses, "
             f"{len(cat.extras.get('epoch_snapshots', []))} timeline readings, "
             f"{sum(1 for c in cat.companies.values() if c.from_epoch)} companies from unmapped names (see the notes)"
             if sites else "")
    click.echo(f"ok: {len(cat.companies)} companies, {len(cat.facilities)} facilities, {len(cat.deals)} deals, "
               f"{len(compiled.graph)} triples; no problems{epoch}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--replace", is_flag=True, help="Empty the store first (otherwise records are added).")
@pass_state
def load(state: State, paths: tuple[str, ...], replace: bool) -> None:
    """Validate records, then load them into the --store folder, all or nothing.

    \b
    Example:
      computekg --store ./kg load data/
    """
    if state.store_path is None:
        raise click.UsageError("load needs a store folder: computekg --store DIR load PATH...")
    from .build import load_into

    report = load_into(state.store_path, list(paths), epoch=state.epoch, replace=replace, progress=state.progress)
    for message in report.notes:
        note(f"note: {message}")
    click.echo(f"loaded {', '.join(paths)} into {state.store_path}")


EXPORT_FORMATS = ("turtle", "nt", "nq", "trig", "jsonld")


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
    if graph_format and (rdf_format or with_ontology):
        raise BadValue("--graph-format writes the company graph, not RDF",
                       "give either --graph-format or --rdf-format/--with-ontology")
    if graph_format:
        from .analytics import export_graph

        data = export_graph(state.store(), graph_format)
    else:
        from .export import export_rdf

        data = export_rdf(state.store(), rdf_format or "turtle", with_ontology=with_ontology)
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
    from .lookup import stats as compute

    s = compute(state.store())
    if fmt in ("json", "jsonl"):
        write_rows([s], fmt)
        return
    rows = []
    for key in ("companies", "facilities", "deals", "sources", "deals_with_primary_source", "primary_source_share"):
        rows.append({"section": "total", "key": key, "value": s[key]})
    for section in ("deals_by_kind", "deals_by_status", "deals_by_year", "fields_missing"):
        for k, v in s[section].items():
            rows.append({"section": section, "key": k, "value": v})
    for section in sorted(k for k in s if k.startswith("epoch")):
        for k, v in s[section].items():
            rows.append({"section": section, "key": k, "value": v})
    write_rows(rows, fmt)


# ---------------------------------------------------------------------------- change over time

@main.command()
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
    from .diff import diff as compute, rows, summary_line, to_json, to_markdown

    d = compute(old, new, epoch=state.epoch)
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


@main.command()
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


if __name__ == "__main__":  # pragma: no cover
    main()


# ---------------------------------------------------------------------------- web server
from .serve.command import serve as _serve  # noqa: E402  (click only; the server loads when it runs)

main.add_command(_serve)
