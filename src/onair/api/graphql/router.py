"""``POST /graphql``: the studio's reads, behind the same credentials and roles as REST.

The route declares ``viewer`` like any read: a caller without a token or a
session is refused (401) before the query is parsed, and a session's POST needs
its CSRF token as every unsafe method does. Queries only: no mutations (changes
go through REST), no subscriptions (live updates have their own WebSocket), no
IDE page, and no GET, so a query is never left in a proxy's or a browser's log.
"""

from __future__ import annotations

from fastapi.routing import APIRoute
from strawberry.fastapi import GraphQLRouter

from onair.api.auth import CurrentPrincipal, requires
from onair.api.graphql.loaders import ReadContext
from onair.api.graphql.schema import schema
from onair.api.state import StateDep
from onair.api.stores import StoresDep
from onair.domain.access import Role

__all__ = ["graphql_router"]


async def _context(state: StateDep, stores: StoresDep, _: CurrentPrincipal) -> ReadContext:
    return ReadContext(stores, state.discovery)


def graphql_router() -> GraphQLRouter[ReadContext, None]:
    """The GraphQL endpoint, to mount at ``/graphql``."""
    router: GraphQLRouter[ReadContext, None] = GraphQLRouter(
        schema, graphql_ide=None, allow_queries_via_get=False, context_getter=_context,
        include_in_schema=False,
    )  # fmt: skip
    # Only the POST route (a GET is a 405), declaring its role where authorize reads it.
    router.routes[:] = [
        r for r in router.routes if isinstance(r, APIRoute) and r.methods == {"POST"}
    ]
    for route in router.routes:
        assert isinstance(route, APIRoute)
        route.openapi_extra = requires(Role.VIEWER)["openapi_extra"]
    return router
