""""Did you mean": the one place that picks suggestions for a word that matched nothing.

A leaf module (it imports nothing of the package): validation, name lookups, option checks and
named queries all call it, so a misspelt company, kind, field or query gets the same kind of
suggestion everywhere.
"""

from __future__ import annotations

import difflib
from typing import Iterable

CUTOFF = 0.6


def close(word: str, candidates: Iterable[str], *, n: int = 3, lower: bool = True) -> list[str]:
    """Candidates spelt like ``word`` (best first), compared in lower case unless ``lower=False``.

    >>> close("leese", ["lease", "cloud_capacity", "investment"])
    ['lease']
    """
    key = word.strip().lower() if lower else word
    return difflib.get_close_matches(key, list(candidates), n=n, cutoff=CUTOFF)


def ids_for(name: str, pairs: Iterable[tuple[str, str]], *, n: int = 3, contains: bool = True) -> list[str]:
    """Ids to suggest for ``name`` from (text, id) pairs (an id, a name, an alias...): with
    ``contains``, ids whose text contains the name first (shortest texts first), then close
    spellings; one suggestion per id.

    >>> ids_for("abilen", [("stargate-abilene", "stargate-abilene"), ("Stargate Abilene", "stargate-abilene"),
    ...                    ("OpenAI Stargate Abilene Phase 1", "epoch-abilene-1")])
    ['stargate-abilene', 'epoch-abilene-1']
    >>> ids_for("Anthropik", [("anthropic", "anthropic"), ("Anthropic PBC", "anthropic")], contains=False)
    ['anthropic']
    """
    key = name.strip().lower()
    by_text: dict[str, list[str]] = {}
    for text, rid in pairs:
        ids = by_text.setdefault(text.strip().lower(), [])
        if rid not in ids:
            ids.append(rid)
    hits = sorted((k for k in by_text if key and key in k), key=lambda k: (len(k), k)) if contains else []
    hits += difflib.get_close_matches(key, list(by_text), n=max(10, 2 * n), cutoff=CUTOFF)
    return list(dict.fromkeys(rid for k in hits for rid in sorted(by_text[k])))[:n]


def did_you_mean(suggestions: Iterable[str]) -> str:
    """The sentence appended to a message: ``". Did you mean 'a' or 'b'?"``, or ``""``.

    >>> did_you_mean(["lease"])
    ". Did you mean 'lease'?"
    """
    found = list(suggestions)
    return (". Did you mean " + " or ".join(repr(s) for s in found) + "?") if found else ""


def choice_hint(value: str, allowed: Iterable[str]) -> str:
    """The hint for an option value not among ``allowed``: the closest one (if any), then the list.

    >>> choice_hint("leese", ["lease", "other"])
    "did you mean 'lease'? choose one of: lease, other"
    >>> choice_hint("zzz", ["lease", "other"])
    'choose one of: lease, other'
    """
    allowed = list(allowed)
    found = difflib.get_close_matches(value, allowed, n=1, cutoff=CUTOFF)
    return (f"did you mean {found[0]!r}? " if found else "") + "choose one of: " + ", ".join(allowed)
