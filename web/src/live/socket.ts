/**
 * The studio's one live connection (`/api/v1/live`), feeding the query cache.
 *
 * What it hears lands under `liveKeys` (now playing with the item before it, the
 * next items as the air times them, the air's hold state, the program meters), and
 * each change of the air marks the REST reads under `airKeys` stale, so every screen
 * reads one cache. A dropped connection is retried with backoff and resumed from the
 * last `seq` it saw (or a new snapshot), without a reload; a refused credential
 * (close code 4401) sends the studio back to its login.
 */
import type { QueryClient } from "@tanstack/react-query";
import { airKeys } from "../api/air";
import { sessionKey } from "../api/session";
import type {
  Hello,
  LiveMessage,
  LiveMeters,
  LiveNext,
  LiveNowPlaying,
  LiveState,
  Snapshot,
  Stamped,
} from "./messages";

export type Connection = "connecting" | "live" | "reconnecting" | "stopped";

export const liveKeys = {
  nowPlaying: ["live", "now_playing"] as const,
  previous: ["live", "previous"] as const,
  next: ["live", "next"] as const,
  state: ["live", "state"] as const,
  meters: ["live", "meters"] as const,
};

// Playout saves where it stands once a second; the REST reads catch up after that.
const SAVED_WITHIN_MS = 1200;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

export class LiveConnection {
  private socket: WebSocket | null = null;
  private session: string | null = null;
  private seq: number | null = null;
  private attempt = 0;
  private retry: number | undefined;
  private state: Connection = "stopped";
  private readonly listeners = new Set<() => void>();

  constructor(private readonly cache: QueryClient, private readonly base = window.location) {}

  start(): void {
    if (this.socket || this.retry !== undefined) return;
    this.set("connecting");
    this.open();
  }

  stop(): void {
    window.clearTimeout(this.retry);
    this.retry = undefined;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "the studio closed");
    this.set("stopped");
  }

  /** For useSyncExternalStore: the connection's state and its changes. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly connection = (): Connection => this.state;

  private set(state: Connection): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private url(): string {
    const scheme = this.base.protocol === "https:" ? "wss:" : "ws:";
    const resume = this.session && this.seq !== null
      ? `?since=${this.seq}&session=${encodeURIComponent(this.session)}`
      : "";
    return `${scheme}//${this.base.host}/api/v1/live${resume}`;
  }

  private open(): void {
    this.retry = undefined;
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.set("live");
      this.take(JSON.parse(String(event.data)) as LiveMessage);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code === 4401) {
        // The session ended (logged out elsewhere, expired): back to the login.
        this.set("stopped");
        void this.cache.invalidateQueries({ queryKey: sessionKey });
        return;
      }
      this.set("reconnecting");
      const wait = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 4000;
      this.attempt += 1;
      this.retry = window.setTimeout(() => this.open(), wait);
    };
  }

  private take(message: LiveMessage): void {
    this.seq = message.seq;
    const put = <T>(key: readonly string[], data: T | null, seq = message.seq) => {
      const stamped: Stamped<T> | null = data === null ? null : { seq, data };
      this.cache.setQueryData(key, stamped);
    };
    switch (message.type) {
      case "hello":
        this.session = (message.data as Hello).session;
        break;
      case "snapshot": {
        const snap = message.data as Snapshot;
        // The snapshot's now playing came before its next items.
        put(liveKeys.nowPlaying, snap.now_playing, message.seq - 0.5);
        put(liveKeys.next, snap.next);
        put(liveKeys.state, snap.state);
        put(liveKeys.meters, snap.meters);
        this.refreshAir();
        break;
      }
      case "now_playing": {
        const before = this.cache.getQueryData<Stamped<LiveNowPlaying> | null>(liveKeys.nowPlaying);
        this.cache.setQueryData(liveKeys.previous, before ?? null);
        put<LiveNowPlaying>(liveKeys.nowPlaying, message.data as LiveNowPlaying);
        this.refreshAir();
        break;
      }
      case "next":
        put<LiveNext>(liveKeys.next, message.data as LiveNext);
        break;
      case "meters":
        put<LiveMeters>(liveKeys.meters, message.data as LiveMeters);
        break;
      case "state":
        put<LiveState>(liveKeys.state, message.data as LiveState);
        this.refreshAir();
        break;
      case "action":
      case "failover":
        this.refreshAir();
        break;
      default:
        break; // more types may come: ignored
    }
  }

  /** The REST reads, now and once playout has saved what changed. */
  private refreshAir(): void {
    void this.cache.invalidateQueries({ queryKey: airKeys.all });
    window.setTimeout(() => void this.cache.invalidateQueries({ queryKey: airKeys.all }), SAVED_WITHIN_MS);
  }
}
