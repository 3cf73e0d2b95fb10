import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import type { Stamped } from "./messages";
import { LiveConnection, type Connection } from "./socket";

export { liveKeys } from "./socket";
export type { Connection } from "./socket";
export type * from "./messages";

const LiveContext = createContext<LiveConnection | null>(null);

/** Opens the live connection while mounted (the studio mounts it once logged in). */
export function LiveProvider({ children }: { children: ReactNode }) {
  const cache = useQueryClient();
  const [live] = useState(() => new LiveConnection(cache));
  useEffect(() => {
    live.start();
    return () => live.stop();
  }, [live]);
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

const never = () => () => undefined;

export function useConnection(): Connection {
  const live = useContext(LiveContext);
  return useSyncExternalStore(live ? live.subscribe : never, live ? live.connection : () => "stopped");
}

/** A value the live connection keeps in the cache (null until it has one). */
export function useLive<T>(key: readonly string[]): Stamped<T> | null {
  const { data } = useQuery<Stamped<T> | null>({
    queryKey: key,
    queryFn: () => null,
    enabled: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return data ?? null;
}
