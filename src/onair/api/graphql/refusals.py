"""The errors a GraphQL caller reads as written; every other error is masked."""

from __future__ import annotations

from graphql import GraphQLError

from onair.domain.errors import DomainError

__all__ = ["QueryRefused", "shown_to_caller"]


class QueryRefused(Exception):
    """A query asked for more than the API answers, or named something that is not there."""


def shown_to_caller(error: GraphQLError) -> bool:
    """Whether ``error`` is the caller's to read: a bad query, a refusal or a domain rule.

    Anything else (a database away, a bug) reaches the caller as "Unexpected error."
    and the server's log with its traceback: its text may name tables, paths or hosts.
    """
    original = error.original_error
    return original is None or isinstance(original, QueryRefused | DomainError)
