/**
 * What the On Air screen shows, put together from the REST reads (what playout saved,
 * up to a second old) and the live connection (what playout just said). The live
 * connection wins where it is newer: a skip shows at once, not at the next save.
 */
import type { AirMode, NextItem, NowPlaying } from "../../api/air";
import type { LiveNext, LiveNowPlaying, Stamped } from "../../live";

export interface OnAirItem {
  playId: string | null;
  title: string;
  artist: string | null;
  startedAt: number;
  /** When the next item is due (epoch ms), or null while that is not known yet. */
  endsAt: number | null;
}

export interface NextLine {
  key: string;
  title: string;
  artist: string | null;
  kind: string | null;
  /** The exact start (epoch ms); null for an operator's insert the schedule has no time for. */
  startsAt: number | null;
  inserted: boolean;
  hard: boolean;
}

export interface AirView {
  now: OnAirItem | null;
  next: NextLine[];
  mode: AirMode | null;
  /** How far from the next hard post the air arrives (ms, negative early), when known. */
  underOverMs: number | null;
}

const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

// What an item without a title of its own is called: a voice link, a spot break...
const UNTITLED: Record<string, string> = {
  voice: "Voice link", spot: "Spot", promo: "Promo", station_id: "Station ID", id: "Station ID",
  jingle: "Jingle", liner: "Liner", sweeper: "Sweeper", bed: "Bed", news: "News",
};

function named(title: string | null | undefined, kind: string | null | undefined): string {
  return title ?? (kind ? UNTITLED[kind] ?? kind : null) ?? "(untitled)";
}

export function airView(input: {
  rest: NowPlaying | null | undefined;
  restNext: NextItem[] | undefined;
  mode: AirMode | undefined;
  live: Stamped<LiveNowPlaying> | null;
  liveNext: Stamped<LiveNext> | null;
}): AirView {
  const { rest, restNext, mode, live, liveNext } = input;
  // The live next items time the item on air only when they came after it started.
  const timedLive = live && liveNext && liveNext.seq > live.seq ? liveNext.data : null;
  let now: OnAirItem | null = null;
  if (live) {
    const same = rest && rest.play_id === live.data.play_id;
    const due = timedLive?.items[0]?.expected_start ?? (same ? rest.ends_at : null);
    now = {
      playId: live.data.play_id,
      title: named(live.data.title, live.data.kind),
      artist: live.data.artist,
      startedAt: Date.parse(live.data.actual_start),
      endsAt: at(due),
    };
  } else if (rest) {
    now = {
      playId: rest.play_id,
      title: rest.title ?? "(untitled)",
      artist: rest.artist,
      startedAt: Date.parse(rest.started_at),
      endsAt: Date.parse(rest.ends_at),
    };
  }
  // Playout times only what lies within its look-ahead; past that (a fallback stretch
  // before the next hour, say) the schedule's own times say what comes.
  const next: NextLine[] = timedLive && timedLive.items.length > 0
    ? timedLive.items.map((item, n) => ({
        key: `${n}-${item.asset_id ?? ""}`,
        title: named(item.title, item.kind),
        artist: item.artist,
        kind: item.kind,
        startsAt: at(item.expected_start),
        inserted: item.inserted === true,
        hard: item.hard,
      }))
    : (restNext ?? []).map((item, n) => ({
        key: `${n}-${item.schedule_item_id ?? item.asset_id ?? ""}`,
        title: named(item.title, item.kind),
        artist: item.artist,
        kind: item.kind,
        startsAt: at(item.starts_at),
        inserted: item.inserted,
        hard: false,
      }));
  return { now, next, mode: mode ?? null, underOverMs: timedLive?.under_over_ms ?? null };
}

/** How far behind the air a listener hears: the MP3 mount's delay (most listeners'), else the first. */
export function listenerDelay(delays: Record<string, number> | undefined): { mount: string; ms: number } | null {
  const mounts = Object.entries(delays ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const chosen = mounts.find(([mount]) => mount === "stream.mp3") ?? mounts[0];
  return chosen ? { mount: chosen[0], ms: chosen[1] } : null;
}
