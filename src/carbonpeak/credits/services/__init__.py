"""Use cases of carbon-inclusive credits, one module per concept.

- :mod:`.methodologies`: versions with factors and sources;
- :mod:`.residents`: phone accounts, one-time codes, consent and its withdrawal;
- :mod:`.ingest`: partner signatures and activity batches;
- :mod:`.ledger`: the append-only hash-chained ledger, balances, reversal, verification;
- :mod:`.rewards`: catalogue, redemption and its reversal;
- :mod:`.reports`: office totals and leaderboards.
"""
