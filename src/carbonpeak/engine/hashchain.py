"""Tamper-evident hash chain over append-only records (ledger entries, audit log).

Each entry stores the hash of its predecessor and its own hash

.. math:: h_i = \\mathrm{SHA256}(h_{i-1} \\,\\|\\, \\mathrm{JSON}_c(p_i)),\\quad h_0^{prev} = \\text{GENESIS}

where :math:`\\mathrm{JSON}_c` is canonical JSON (keys sorted, no whitespace, UTF-8 kept
as is). Editing, deleting or reordering any entry changes its hash or breaks the link to
the next one, so :func:`verify_chain` finds the first entry that no longer fits.

References
----------
.. [1] S. Haber, W. S. Stornetta, "How to time-stamp a digital document",
   Journal of Cryptology 3 (1991) 99-111: linking each record to the hash of the
   previous one.
.. [2] FIPS 180-4, Secure Hash Standard: SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: ``prev_hash`` of the first entry of a chain.
GENESIS = "0" * 64


def canonical_json(payload: Mapping[str, Any]) -> str:
    """The canonical JSON text of ``payload`` (sorted keys, compact, non-ASCII kept)."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(prev_hash: str, payload: dict) -> str:
    """SHA-256 hex digest of ``prev_hash`` followed by the canonical JSON of ``payload``.

    Parameters
    ----------
    prev_hash : str
        Hash of the previous entry (64 hex characters), :data:`GENESIS` for the first.
    payload : dict
        The entry's content: JSON-serialisable values only (str, int, float, bool, None,
        lists and dicts of them).

    Returns
    -------
    str
        64 lowercase hex characters.
    """
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    """One stored entry: its payload, the predecessor hash it recorded and its own hash."""

    payload: dict
    prev_hash: str
    hash: str


def verify_chain(entries: Iterable[Any], *, start_hash: str = GENESIS) -> int | None:
    """Index (0-based) of the first entry that does not fit the chain, or None if all fit.

    An entry fits when its ``prev_hash`` equals the previous entry's ``hash`` (``start_hash``
    for the first) and its ``hash`` equals :func:`entry_hash` of that predecessor and its
    ``payload``.

    Parameters
    ----------
    entries : iterable
        Objects with attributes ``payload`` (dict), ``prev_hash`` and ``hash`` (str), or
        mappings with those keys, in chain order.
    start_hash : str, optional
        Hash the first entry must link to (default :data:`GENESIS`); pass the last verified
        hash to check a continuation.

    Returns
    -------
    int or None
    """
    prev = start_hash
    for i, entry in enumerate(entries):
        if isinstance(entry, Mapping):
            payload, recorded_prev, recorded = entry["payload"], entry["prev_hash"], entry["hash"]
        else:
            payload, recorded_prev, recorded = entry.payload, entry.prev_hash, entry.hash
        if recorded_prev != prev or entry_hash(prev, payload) != recorded:
            return i
        prev = recorded
    return None
