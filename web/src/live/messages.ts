/**
 * The live WebSocket's messages (docs/api.md, "Live updates"): `{seq, type, time, data}`.
 * They are not in the OpenAPI document, so their shapes are written here; a client
 * ignores types it does not know.
 */
export interface LiveMessage<T = unknown> {
  seq: number;
  type: string;
  time: string;
  data: T;
}

export interface Hello {
  session: string;
  who: string;
  role: string;
  resumed: boolean;
}

export interface LiveNowPlaying {
  title: string | null;
  artist: string | null;
  asset_id: string | null;
  play_id: string;
  scheduled_start: string | null;
  actual_start: string;
  kind: string;
  category: string | null;
}

export interface LiveNextItem {
  asset_id: string | null;
  title: string | null;
  artist: string | null;
  kind: string;
  category: string | null;
  hard: boolean;
  scheduled_start: string | null;
  expected_start: string;
  inserted?: boolean;
}

export interface LiveNext {
  items: LiveNextItem[];
  hard_post: { schedule_item_id: string; at: string } | null;
  under_over_ms: number | null;
}

export interface LiveMeters {
  peak_dbfs: [number, number];
  momentary_lufs: number;
}

export interface LiveState {
  state: "on_air" | "held";
  why: string;
}

export interface Snapshot {
  now_playing: LiveNowPlaying | null;
  next: LiveNext | null;
  state: LiveState | null;
  meters: LiveMeters | null;
}

/** A value from the live connection with the sequence number it came with. */
export interface Stamped<T> {
  seq: number;
  data: T;
}
