"""GraphQL for the studio's aggregated reads: types, loaders, limits and the route."""

from onair.api.graphql.router import graphql_router

__all__ = ["graphql_router"]
