"""Static SVG charts for the pages: a deal term chart and a facility's power over time.

Drawn in Python, so the content needs no script; every text goes through ``markupsafe.escape``,
and the SVG uses presentation attributes and classes only (no ``style`` attributes, which the
pages' Content-Security-Policy forbids).
"""

from __future__ import annotations

import datetime as _dt
from typing import Callable

from markupsafe import Markup, escape

ROW = 22
LEFT = 230
WIDTH = 900
TOP = 26


def _year_frac(d: _dt.date) -> float:
    start = _dt.date(d.year, 1, 1)
    days = (_dt.date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


def term_chart(bars: dict, link: Callable[[str], str], *, label: Callable[[dict], str] | None = None) -> Markup:
    """One bar per deal from start to end; partial dates drawn as their whole period (lighter),
    an open end as a fading bar to the chart's edge; a dashed line marks today."""
    rows = bars["bars"]
    if not rows:
        return Markup("")
    today: _dt.date = bars["today"]
    ds = [today]
    for b in rows:
        ds += [x for x in (b["start_first"], b["start_last"], b["end_first"], b["end_last"]) if x]
    lo = min(_year_frac(d) for d in ds)
    hi = max(_year_frac(d) for d in ds)
    y0, y1 = int(lo), int(hi) + 1
    span = WIDTH - LEFT - 16

    def x(d: _dt.date | float) -> float:
        v = _year_frac(d) if isinstance(d, _dt.date) else d
        return round(LEFT + (v - y0) / (y1 - y0) * span, 1)

    height = TOP + ROW * len(rows) + 8
    out = [f'<svg class="chart term-chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
           f'aria-labelledby="term-title" xmlns="http://www.w3.org/2000/svg">',
           '<title id="term-title">Deal terms: one bar per deal from start to end; lighter parts are the '
           'periods of partial dates; a dashed line marks today</title>']
    step = 1 if y1 - y0 <= 12 else 2 if y1 - y0 <= 24 else 5
    for year in range(y0, y1 + 1, step):
        out.append(f'<line class="grid" x1="{x(float(year))}" y1="{TOP - 6}" x2="{x(float(year))}" y2="{height - 4}"/>')
        out.append(f'<text class="axis" x="{x(float(year))}" y="{TOP - 10}" text-anchor="middle">{year}</text>')
    for i, b in enumerate(rows):
        y = TOP + i * ROW
        name = label(b) if label else b["id"]
        out.append(f'<a href="{escape(link(b["id"]))}"><text class="bar-label" x="{LEFT - 6}" y="{y + 14}" '
                   f'text-anchor="end">{escape(_clip(name, 34))}</text></a>')
        kind = escape(b["kind"])
        tip = escape(f'{name}: {b["start"] or "?"} to {b["end"] or "open"} ({b["kind"].replace("_", " ")}'
                     f'{", " + b["status"].replace("_", " ") if b["status"] else ""})')
        out.append(f'<g class="bar kind-{kind}"><title>{tip}</title>')
        sf, sl, ef, el = b["start_first"], b["start_last"], b["end_first"], b["end_last"]
        solid_from = sl or None
        solid_to = ef or None
        if sf and sl and sf != sl:
            out.append(_rect("partial", x(sf), x(sl), y))
        if ef and el and ef != el:
            out.append(_rect("partial", x(ef), x(el), y))
        if solid_from and solid_to and solid_to > solid_from:
            out.append(_rect("solid", x(solid_from), x(solid_to), y))
        elif solid_from and not ef:
            out.append(_rect("open", x(solid_from), x(float(y1)), y))
        elif solid_to and not sf:
            out.append(_rect("open", x(float(y0)), x(solid_to), y))
        out.append('</g>')
    tx = x(today)
    out.append(f'<line class="today" x1="{tx}" y1="{TOP - 6}" x2="{tx}" y2="{height - 4}"/>')
    out.append(f'<text class="today-label" x="{tx + 3}" y="{height - 6}">today</text>')
    out.append('</svg>')
    return Markup("".join(out))


def _rect(cls: str, x1: float, x2: float, y: int) -> str:
    w = max(round(x2 - x1, 1), 2.0)
    return f'<rect class="{cls}" x="{x1}" y="{y + 4}" width="{w}" height="{ROW - 8}" rx="2"/>'


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def power_chart(timeline: list[dict]) -> Markup:
    """Power over time (Epoch AI readings): observed as a solid line, projections dashed."""
    pts = [s for s in timeline if s.get("power_mw") is not None]
    if len(pts) < 1:
        return Markup("")
    w, h, left, bottom, top = 760, 260, 60, 30, 14
    dates = [s["date"] for s in pts]
    lo, hi = _year_frac(min(dates)), _year_frac(max(dates))
    if hi - lo < 0.25:
        lo, hi = lo - 0.25, hi + 0.25
    vmax = max(float(s["power_mw"]) for s in pts) or 1.0

    def x(d: _dt.date) -> float:
        return round(left + (_year_frac(d) - lo) / (hi - lo) * (w - left - 16), 1)

    def y(v: float) -> float:
        return round(h - bottom - float(v) / vmax * (h - bottom - top), 1)

    out = [f'<svg class="chart power-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
           f'aria-labelledby="power-title" xmlns="http://www.w3.org/2000/svg">',
           '<title id="power-title">Power over time in MW: observed readings (solid) and projections '
           '(dashed), per Epoch AI</title>']
    for i in range(5):
        v = vmax * i / 4
        out.append(f'<line class="grid" x1="{left}" y1="{y(v)}" x2="{w - 10}" y2="{y(v)}"/>')
        out.append(f'<text class="axis" x="{left - 6}" y="{y(v) + 4}" text-anchor="end">{v:,.0f}</text>')
    for year in range(int(lo) + 1, int(hi) + 1):
        xx = x(_dt.date(year, 1, 1))
        out.append(f'<text class="axis" x="{xx}" y="{h - 10}" text-anchor="middle">{year}</text>')
    observed = [s for s in pts if not s["projected"]]
    projected = [s for s in pts if s["projected"]]
    if observed:
        out.append('<polyline class="observed" points="'
                   + " ".join(f'{x(s["date"])},{y(s["power_mw"])}' for s in observed) + '"/>')
    if projected:
        chain = (observed[-1:] if observed else []) + projected
        out.append('<polyline class="projected" points="'
                   + " ".join(f'{x(s["date"])},{y(s["power_mw"])}' for s in chain) + '"/>')
    for s in pts:
        cls = "projected" if s["projected"] else "observed"
        tip = escape(f'{s["date"].isoformat()}: {float(s["power_mw"]):,.0f} MW '
                     f'({"projected" if s["projected"] else "observed"})')
        out.append(f'<circle class="{cls}" cx="{x(s["date"])}" cy="{y(s["power_mw"])}" r="4"><title>{tip}</title></circle>')
    out.append(f'<text class="axis" x="{left}" y="{top - 2}">MW</text>')
    out.append('</svg>')
    return Markup("".join(out))
