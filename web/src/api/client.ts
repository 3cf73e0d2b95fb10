/**
 * The studio's HTTP client, typed by the schema generated from the server's OpenAPI
 * document at build time (`npm run api`: schema.d.ts, never committed). A route or a
 * field the server no longer has fails the type check, and so the build.
 *
 * The browser's session cookie goes with every request; unsafe methods also send the
 * CSRF token the login set in the `onair_csrf` cookie (a signed double submit).
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function csrfToken(): string | null {
  const found = document.cookie.split("; ").find((c) => c.startsWith("onair_csrf="));
  return found ? decodeURIComponent(found.slice("onair_csrf=".length)) : null;
}

const withCsrf: Middleware = {
  onRequest({ request }) {
    const token = csrfToken();
    if (UNSAFE.has(request.method) && token) request.headers.set("X-CSRF-Token", token);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: "same-origin" });
api.use(withCsrf);

/** An answer that was not a success: its status and the problem's detail (RFC 9457). */
export class ApiError extends Error {
  constructor(readonly status: number, detail: string) {
    super(detail);
    this.name = "ApiError";
  }
}

function detailOf(error: unknown, status: number): string {
  if (error && typeof error === "object" && "detail" in error) {
    const detail = (error as { detail: unknown }).detail;
    if (typeof detail === "string") return detail;
  }
  return `the server answered ${status}`;
}

/** The data of an openapi-fetch answer, or an ApiError naming what went wrong. */
export async function unwrap<T>(
  answer: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await answer;
  if (!response.ok) throw new ApiError(response.status, detailOf(error, response.status));
  return data as T;
}
