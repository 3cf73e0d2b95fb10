"""The errors a GraphQL caller reads as written; every other error is masked.

Each error a resolver raised carries ``extensions.code``, as GraphQL servers
commonly label them: ``BAD_USER_INPUT`` for the caller's own (fix the query and
ask again), ``INTERNAL_SERVER_ERROR`` for the masked rest (the station's fault:
asking again as it is may work). A query that fails validation has no code and
no path: it never ran.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult as GraphQLResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from onair.domain.errors import DomainError

__all__ = ["LabelledErrors", "QueryRefused", "shown_to_caller"]

CALLERS_FAULT = "BAD_USER_INPUT"
STATIONS_FAULT = "INTERNAL_SERVER_ERROR"
# What a caller reads of the station's own faults: their text may name tables, paths or hosts.
_MASKED = "Unexpected error."


class QueryRefused(Exception):
    """A query asked for more than the API answers, or named something that is not there."""


def shown_to_caller(error: GraphQLError) -> bool:
    """Whether ``error`` is the caller's to read: a bad query, a refusal or a domain rule.

    Anything else (a database away, a bug) reaches the caller as "Unexpected error."
    and the server's log with its traceback: its text may name tables, paths or hosts.
    """
    original = error.original_error
    return original is None or isinstance(original, QueryRefused | DomainError)


def _labelled(error: GraphQLError, code: str, masked: bool) -> GraphQLError:
    return GraphQLError(
        message=_MASKED if masked else error.message, nodes=error.nodes, source=error.source,
        positions=error.positions, path=error.path,
        original_error=None if masked else error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )  # fmt: skip


class LabelledErrors(SchemaExtension):
    """Masks what is not the caller's to read, and labels every resolver's error."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, GraphQLResult | ExecutionResult) and result.errors:
            result.errors = [_label(error) for error in result.errors]


def _label(error: GraphQLError) -> GraphQLError:
    if not shown_to_caller(error):
        return _labelled(error, STATIONS_FAULT, masked=True)
    if error.original_error is not None:
        return _labelled(error, CALLERS_FAULT, masked=False)
    return error  # the query did not validate: it never ran
