"""The schema, and the limits on what one query may ask.

A query deeper than ``MAX_DEPTH`` (an item's hour's items' hour...), longer than
``MAX_TOKENS`` or with more than ``MAX_ALIASES`` aliases is refused before it
runs. Errors other than the caller's own (see ``refusals``) are masked.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from onair.api.graphql.query import Query
from onair.api.graphql.refusals import LabelledErrors, shown_to_caller

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_TOKENS", "schema"]

log = structlog.get_logger("onair.api")

# Counted from the root field at 0: the studio's deepest read,
# station.onAir.item.asset.rights.territories, is 5.
MAX_DEPTH = 6
# The studio's whole screen is about 50 tokens, a client's introspection query about 160.
MAX_TOKENS = 2000
MAX_ALIASES = 15
# A studio asks the same few queries over and over: each is parsed and validated once.
CACHED_QUERIES = 256

# The depth and alias rules, made once: a validation is cached under its rules as well as
# its query, and rules made afresh each request would never find it again.
_LIMIT_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class _QueryLimits(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(_LIMIT_RULES)


class _StationSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log what went wrong on the server, once a request with the first traceback (one
        fault, a database away, fails every field that reads it); a caller's bad query is
        the caller's answer, not an error of the station's."""
        failed = [error for error in errors if not shown_to_caller(error)]
        if failed:
            first, paths = failed[0], [e.path for e in failed[:5]]
            log.error("graphql_failed", error=str(first), fields=len(failed), paths=paths,
                      exc_info=first.original_error)  # fmt: skip


schema = _StationSchema(
    query=Query,
    # Factories, not instances: each request gets its own extensions.
    extensions=[
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(ParserCache, maxsize=CACHED_QUERIES),
        _QueryLimits,
        partial(ValidationCache, maxsize=CACHED_QUERIES),
        LabelledErrors,
    ],
)
