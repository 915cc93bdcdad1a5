"""Commands that write: ``site`` (the static website), ``validate`` (check records), ``load`` and
``unload`` (a store folder or endpoint): registered by name in :data:`graph.cli.LAZY_COMMANDS`, so
loading the command line does not import them.
"""

from __future__ import annotations

import click

from .clikit import PROBLEMS_SHOWN, State, note, pass_state


@click.command()
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), required=True, metavar="DIR",
              help="The folder to write (created; a site written here before is replaced, all or nothing).")
@click.option("--base-url", "base_url", metavar="URL",
              help="Where the site will be published, for canonical links and download addresses in void.ttl.")
@click.option("--tiles", "tiles", metavar="URL",
              help="A map tile URL template ({z}/{x}/{y}); without it the map draws bundled country outlines only.")
@click.option("--history", "history_n", type=click.IntRange(min=0), default=5, show_default=True, metavar="N",
              help="Deal pages show their history across the newest N git revisions of the data folder "
                   "(each compiled once, then cached); 0: no history. Left out outside a git checkout.")
@pass_state
def site(state: State, output: str, base_url: str | None, tiles: str | None, history_n: int) -> None:
    """Write the static website: a page per company, deal and facility, map, timeline, what's new
    (with an Atom feed, feed.xml), downloads.

    Every page works offline, from file:// and under any sub-path (relative links only).

    \b
    Example:
      computekg site -o public/
      computekg site -o public/ --base-url https://example.org/computekg/ --history 10
    """
    from .ontology import DATA_DIR
    from .site import build_site

    history = None
    folders = state.data or [DATA_DIR]
    if history_n and state.store_path is None and len(folders) == 1:
        import time

        from .history import folder_history

        state.progress(f"reading the history of {folders[0]} (the newest {history_n} revisions)")
        t0 = time.perf_counter()
        history = folder_history(folders[0], limit=history_n, sources=state.sources)
        if history is not None:
            note(f"history: {len(history.revisions)} revision(s) of {folders[0]} read in "
                 f"{time.perf_counter() - t0:.1f} s"
                 + (f"; {len(history.skipped)} could not be read" if history.skipped else "")
                 + (f"; {history.older} older not read" if history.older else ""))
    report = build_site(state.store(), output, base_url=base_url, tiles=tiles, progress=state.progress,
                        history=history)
    note(f"wrote {output}: {report.summary}")


# ---------------------------------------------------------------------------- records and stores

def report_notes(notes, listed: bool) -> None:
    """Notes (warnings) on stderr: all of them with --notes, else one line that counts them."""
    if listed or len(notes) <= 3:
        for message in notes:
            note(f"note: {message}")
    elif notes:
        import textwrap

        note(f"note: {len(notes)} notes (e.g. {textwrap.shorten(notes[0].message, 90)}); list them with --notes")


notes_option = click.option("--notes", "list_notes", is_flag=True,
                            help="List every note (warnings such as unmapped Epoch AI names) instead of a count.")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--no-shacl", "no_shacl", is_flag=True, help="Skip the SHACL shapes (record checks still run).")
@click.option("--all-problems", "all_problems", is_flag=True,
              help=f"List every problem (by default the first {PROBLEMS_SHOWN} and a count).")
@notes_option
@pass_state
def validate(state: State, paths: tuple[str, ...], no_shacl: bool, all_problems: bool, list_notes: bool) -> None:
    """Check record files: report every problem (exit 1), or a one-line summary (exit 0).

    \b
    Example:
      computekg validate data/
      computekg validate data/ --notes
    """
    from .build import compile_paths

    state.all_problems = all_problems
    compiled = compile_paths(list(paths), sources=state.sources, shacl=not no_shacl, progress=state.progress)
    report_notes(compiled.report.notes, list_notes)
    cat = compiled.catalog
    more = f"; {compiled.summary}" if compiled.summary else ""
    click.echo(f"ok: {len(cat.companies)} companies, {len(cat.facilities)} facilities, {len(cat.deals)} deals, "
               f"{len(compiled.graph)} triples; no problems{more}")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--replace", is_flag=True, help="Empty the store first (otherwise records are added).")
@notes_option
@pass_state
def load(state: State, paths: tuple[str, ...], replace: bool, list_notes: bool) -> None:
    """Validate records, then load them into the --store folder or endpoint, all or nothing.

    Readers keep answering from the store as it was until the load is complete; a load that
    fails or is killed changes nothing. A file the store already holds is replaced by its new
    content (unchanged files: nothing to do).

    \b
    Example:
      computekg --store ./kg load data/
    """
    if state.store_path is None:
        raise click.UsageError("load needs a store folder: computekg --store DIR load PATH...")
    from .writes import load_into

    result = load_into(state.store_target(), list(paths), sources=state.sources, replace=replace, progress=state.progress)
    report_notes(result.report.notes, list_notes)
    for message in result.notes:
        note(message)
    if result.action == "unchanged":
        click.echo(f"unchanged: {state.store_path} already holds {', '.join(paths)} as they are")
    elif result.action == "reloaded":
        click.echo(f"reloaded {', '.join(paths)} into {state.store_path} (replacing their earlier content)")
    else:
        click.echo(f"loaded {', '.join(paths)} into {state.store_path}")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pass_state
def unload(state: State, paths: tuple[str, ...]) -> None:
    """Remove the records of files the --store folder holds, all or nothing.

    The store becomes exactly what its other files give (derived relations included). Refused,
    with nothing changed, when the remaining records refer to what would go.

    \b
    Example:
      computekg --store ./kg unload data/deals/meta.yaml
    """
    if state.store_path is None:
        raise click.UsageError("unload needs a store folder: computekg --store DIR unload FILE...")
    from .writes import unload_from

    result = unload_from(state.store_target(), list(paths), progress=state.progress)
    for message in result.notes:
        note(message)
    click.echo(f"unloaded {', '.join(paths)} from {state.store_path}; it holds {len(result.files)} file(s)")
