import { describe, expect, it } from "vitest";
import { airView, listenerDelay } from "../src/features/onair/airView";

const rest = {
  play_id: "p1", asset_id: "a1", schedule_item_id: "s1", title: "Saved Song", artist: "Band",
  started_at: "2026-12-07T21:00:00Z", ends_at: "2026-12-07T21:03:00Z", state: "auto",
};
const live = (play: string, title: string, seq: number) => ({
  seq,
  data: { play_id: play, title, artist: "X", asset_id: "a", scheduled_start: null,
    actual_start: "2026-12-07T21:02:00Z", kind: "music", category: "gold" },
});
const next = (seq: number) => ({
  seq,
  data: {
    items: [{ asset_id: "n", title: "Up Next", artist: "Y", kind: "music", category: null, hard: false,
      scheduled_start: null, expected_start: "2026-12-07T21:05:30Z" }],
    hard_post: null, under_over_ms: -1500,
  },
});

describe("the On Air screen's view of the air", () => {
  it("reads what playout saved while nothing live has come", () => {
    const view = airView({ rest, restNext: [], mode: "auto", live: null, liveNext: null });
    expect(view.now?.title).toBe("Saved Song");
    expect(view.now?.endsAt).toBe(Date.parse("2026-12-07T21:03:00Z"));
  });

  it("shows a live change at once, timed by the next items that came after it", () => {
    const view = airView({ rest, restNext: [], mode: "auto", live: live("p2", "Skipped To", 10), liveNext: next(11) });
    expect(view.now?.title).toBe("Skipped To");
    expect(view.now?.endsAt).toBe(Date.parse("2026-12-07T21:05:30Z"));
    expect(view.next.map((n) => n.title)).toEqual(["Up Next"]);
    expect(view.underOverMs).toBe(-1500);
  });

  it("lists the schedule's next items when playout has none within its look-ahead", () => {
    const empty = { seq: 11, data: { items: [], hard_post: null, under_over_ms: null } };
    const restNext = [{ schedule_item_id: "s9", asset_id: "a9", title: "Top of the Hour", artist: null,
      kind: "station_id", starts_at: "2026-12-07T22:00:00Z", inserted: false }];
    const view = airView({ rest, restNext, mode: "fallback", live: live("p2", "Filler", 10), liveNext: empty });
    expect(view.next.map((n) => [n.title, n.startsAt])).toEqual([["Top of the Hour", Date.parse("2026-12-07T22:00:00Z")]]);
  });

  it("names an item without a title by its kind", () => {
    const restNext = [{ schedule_item_id: "s1", asset_id: null, title: null, artist: null, kind: "voice",
      starts_at: "2026-12-07T21:04:00Z", inserted: false }];
    const view = airView({ rest, restNext, mode: "auto", live: null, liveNext: null });
    expect(view.next[0]?.title).toBe("Voice link");
  });

  it("does not time a new item by next items from before it started", () => {
    const view = airView({ rest, restNext: [], mode: "auto", live: live("p2", "Skipped To", 12), liveNext: next(11) });
    expect(view.now?.endsAt).toBeNull();
  });

  it("takes the listener's delay from the MP3 stream when there is one", () => {
    expect(listenerDelay({ "stream.aac": 4000, "stream.mp3": 5096 })).toEqual({ mount: "stream.mp3", ms: 5096 });
    expect(listenerDelay({})).toBeNull();
  });
});
