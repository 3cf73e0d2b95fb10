"""The hash-chained as-run ledger, audits and reports (issue 7)."""

__all__: list[str] = []
