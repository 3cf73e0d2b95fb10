/** The studio's GraphQL reads (`POST /graphql`): queries only, with the session and CSRF. */
import { useQuery } from "@tanstack/react-query";
import { ApiError, csrfToken } from "./client";

export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = csrfToken();
  if (token) headers["X-CSRF-Token"] = token;
  const answer = await fetch("/graphql", {
    method: "POST", headers, credentials: "same-origin", body: JSON.stringify({ query, variables }),
  });
  if (!answer.ok) throw new ApiError(answer.status, `the studio's read failed (${answer.status})`);
  const body = (await answer.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new ApiError(200, body.errors.map((e) => e.message).join("; "));
  return body.data as T;
}

/** The station's IANA time zone, which its clocks and logs use; read once a session. */
export function useStationZone(): string | undefined {
  const zone = useQuery({
    queryKey: ["station", "timezone"],
    queryFn: () => graphql<{ station: { timezone: string } }>("{ station { timezone } }"),
    staleTime: Infinity,
  });
  return zone.data?.station.timezone;
}
