"""The HTML page of a view: one self-contained, offline, script-safe file.

:func:`render_html` fills the Jinja2 template in ``graph/templates/`` (autoescape on) with the
view's data as JSON inside ``<script type="application/json">`` and inlines vis-network (read
from the installed pyvis package), the page script and its style, each allowed by the
Content-Security-Policy only through its SHA-256 hash. :func:`write_html` writes the page and
nothing else; :func:`show` puts it in a notebook. Views themselves are built in :mod:`graph.render`.
"""

from __future__ import annotations

import base64
import hashlib
import html as _html
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from .errors import ComputeKGError

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network script shipped inside the installed pyvis package (newest version there)."""
    try:
        import pyvis
    except ImportError:  # pragma: no cover - pyvis is a dependency
        err = ComputeKGError("interactive views need the vis-network script that ships with pyvis, "
                             "which is not installed")
        err.hint = "pip install pyvis"
        raise err from None
    base = Path(pyvis.__file__).resolve().parent
    found = sorted(base.glob("**/vis-*/vis-network.min.js"),
                   key=lambda p: (tuple(int(x) for x in re.findall(r"\d+", p.parent.name)), -len(p.parts)))
    if not found:  # pragma: no cover
        err = ComputeKGError(f"no vis-network.min.js inside the pyvis package at {base}")
        err.hint = "reinstall pyvis (pip install --force-reinstall pyvis)"
        raise err
    text = found[-1].read_text(encoding="utf-8")
    # no source-map reference: the page must never ask for another file
    return re.sub(r"\n?//# sourceMappingURL=\S*\s*$", "\n", text)


def json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/2029."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False, default=str)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render_html(view: Mapping) -> str:
    """The view as one self-contained HTML page (a string)."""
    from markupsafe import Markup

    env = _environment()
    vis_js = vis_network_js()
    app_js = (TEMPLATES / "view.js").read_text(encoding="utf-8")
    css = (TEMPLATES / "view.css").read_text(encoding="utf-8")
    for name, text in (("vis-network", vis_js), ("view.js", app_js), ("view.css", css)):
        if re.search(r"</(script|style)", text, re.IGNORECASE) or "<!--" in text:
            raise ComputeKGError(f"{name} cannot be inlined: it contains a closing tag or comment opener")
    csp = "; ".join([
        "default-src 'none'",
        "script-src " + " ".join([csp_hash(vis_js), csp_hash(app_js)]),
        "style-src " + csp_hash(css),
        "img-src data:",
        "font-src 'none'",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    meta = view["meta"]
    return env.get_template("view.html.j2").render(
        title=meta["title"], meta=meta, csp=csp,
        vis_js=Markup(vis_js), app_js=Markup(app_js), css=Markup(css),
        data_json=Markup(json_for_script(view)),
    )


def write_html(view: Mapping, path: str | Path) -> Path:
    """Write the page to ``path`` (UTF-8) and nothing else; returns the path."""
    path = Path(path)
    page = render_html(view)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(page)
    return path


class NotebookView:
    """What :func:`show` returns without IPython: any notebook front end calls ``_repr_html_``."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html


def show(view: Mapping, *, height: int = 720):
    """Display a view in a Jupyter notebook: ``from graph.render import build_view, show``.

    The page goes into a sandboxed ``<iframe srcdoc>`` (scripts allowed, no same-origin access to
    the notebook, links may open new tabs), so its Content-Security-Policy and scripts stay its
    own. Returns ``IPython.display.HTML`` when IPython is installed, else an object with
    ``_repr_html_``.
    """
    page = render_html(view)
    wrapper = (f'<div class="computekg-view"><iframe title="{_html.escape(str(view["meta"]["title"]))}" '
               f'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
               f'width="100%" height="{int(height)}" style="border:1px solid #ddd" '
               f'srcdoc="{_html.escape(page, quote=True)}"></iframe></div>')
    try:
        from IPython.display import HTML
    except ImportError:
        return NotebookView(wrapper)
    return HTML(wrapper)
