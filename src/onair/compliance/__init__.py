"""The hash-chained as-run ledger, audits and reports."""

__all__: list[str] = []
