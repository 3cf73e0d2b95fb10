/** Who is logged in: the session's queries and the login and logout changes. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "./client";

export type Session = Schemas["SessionPublic"];
export type Role = Session["role"];

const ORDER: Role[] = ["viewer", "voice", "operator", "program_director", "admin"];

/** Whether `role` may do what `needed` may (roles are ordered, each with all before it). */
export function mayAct(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && ORDER.indexOf(role) >= ORDER.indexOf(needed);
}

export const sessionKey = ["auth", "me"] as const;

/** The session, or null when nobody is logged in (the server answered 401). */
export function useSession() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        return await unwrap(api.GET("/api/v1/auth/me"));
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; password: string }) =>
      unwrap(api.POST("/api/v1/auth/login", { body })),
    onSuccess: (session) => client.setQueryData(sessionKey, session),
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/auth/logout")),
    onSettled: () => {
      client.clear();
      client.setQueryData(sessionKey, null);
    },
  });
}
