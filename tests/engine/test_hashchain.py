"""Hash chain: hand-computed digests, and every kind of tampering is found."""

from __future__ import annotations

import hashlib

from carbonpeak.engine.hashchain import GENESIS, ChainEntry, canonical_json, entry_hash, verify_chain


def test_entry_hash_is_sha256_of_prev_and_canonical_json() -> None:
    payload = {"b": 1, "a": "碳普惠", "c": [1.5, None]}
    text = '{"a":"碳普惠","b":1,"c":[1.5,null]}'
    assert canonical_json(payload) == text
    assert entry_hash(GENESIS, payload) == hashlib.sha256((GENESIS + text).encode()).hexdigest()
    # key order does not matter, values do
    assert entry_hash(GENESIS, {"c": [1.5, None], "a": "碳普惠", "b": 1}) == entry_hash(GENESIS, payload)
    assert entry_hash(GENESIS, {**payload, "b": 2}) != entry_hash(GENESIS, payload)


def _chain(n: int) -> list[ChainEntry]:
    out, prev = [], GENESIS
    for i in range(n):
        payload = {"seq": i, "points": 10 * i}
        h = entry_hash(prev, payload)
        out.append(ChainEntry(payload, prev, h))
        prev = h
    return out


def test_intact_chain_verifies() -> None:
    assert verify_chain(_chain(5)) is None
    assert verify_chain([]) is None


def test_edited_payload_is_found_at_its_index() -> None:
    chain = _chain(5)
    chain[2] = ChainEntry({"seq": 2, "points": 999}, chain[2].prev_hash, chain[2].hash)
    assert verify_chain(chain) == 2


def test_recomputed_edit_breaks_the_next_link() -> None:
    chain = _chain(5)
    forged = {"seq": 2, "points": 999}
    chain[2] = ChainEntry(forged, chain[2].prev_hash, entry_hash(chain[2].prev_hash, forged))
    assert verify_chain(chain) == 3


def test_deleted_and_reordered_entries_are_found() -> None:
    chain = _chain(5)
    assert verify_chain(chain[:1] + chain[2:]) == 1
    assert verify_chain([chain[1], chain[0], *chain[2:]]) == 0


def test_mappings_and_continuation() -> None:
    chain = _chain(4)
    dicts = [{"payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash} for e in chain]
    assert verify_chain(dicts) is None
    assert verify_chain(chain[2:], start_hash=chain[1].hash) is None
    assert verify_chain(chain[2:]) == 0
