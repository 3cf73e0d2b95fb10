/** The air, read over REST (what playout last saved) and changed by an operator's triggers. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap, type Schemas } from "./client";

export type NowPlaying = Schemas["NowPlaying"];
export type NextItem = Schemas["NextItem"];
export type PublicNowPlaying = Schemas["PublicNowPlaying"];
export type AirMode = "auto" | "hold" | "fallback" | "off_air";
export type Trigger = "skip" | "hold" | "resume" | "break_now";

export const airKeys = {
  all: ["air"] as const,
  now: ["air", "now"] as const,
  next: ["air", "next"] as const,
  state: ["air", "state"] as const,
  listener: ["air", "listener"] as const,
};

/** The item on the air, or null while the station is off the air (a 404). */
export function useNowPlaying() {
  return useQuery({
    queryKey: airKeys.now,
    queryFn: async (): Promise<NowPlaying | null> => {
      try {
        return await unwrap(api.GET("/api/v1/playout/now"));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    refetchInterval: 15_000,
  });
}

export function useNextItems(count = 5) {
  return useQuery({
    queryKey: airKeys.next,
    queryFn: () => unwrap(api.GET("/api/v1/playout/next", { params: { query: { count } } })),
    refetchInterval: 15_000,
  });
}

export function useAirMode() {
  return useQuery({
    queryKey: airKeys.state,
    queryFn: async () => (await unwrap(api.GET("/api/v1/playout/state"))).state as AirMode,
    refetchInterval: 5_000,
  });
}

/** What a listener hears and how far behind the server (per stream mount). */
export function useListenerView() {
  return useQuery({
    queryKey: airKeys.listener,
    queryFn: () => unwrap(api.GET("/api/v1/public/now-playing")),
    refetchInterval: 10_000,
  });
}

/** An operator's trigger; what it changed arrives over the live connection. */
export function useTrigger() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (trigger: Trigger) =>
      unwrap(api.POST("/api/v1/playout/{trigger}", { params: { path: { trigger } }, body: {} })),
    onSuccess: () => client.invalidateQueries({ queryKey: airKeys.all }),
  });
}

/** An asset to air after the item on air (an operator's insert), with a note for the log. */
export function useInsertNext() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (assetId: string) => unwrap(api.POST("/api/v1/playout/{trigger}", {
      params: { path: { trigger: "insert_next" } }, body: { asset_id: assetId },
    })),
    onSuccess: () => client.invalidateQueries({ queryKey: airKeys.all }),
  });
}
