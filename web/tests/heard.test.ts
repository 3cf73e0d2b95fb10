import { describe, expect, it } from "vitest";
import { heardAt, remember, type Heard } from "../src/features/listen/heard";

const song = (title: string, startedAt: number): Heard => ({ title, artist: "A", startedAt });

describe("what a listener hears", () => {
  it("switches when the listener hears the change, not when the server does", () => {
    const seen = remember(remember([], song("First", 1_000)), song("Second", 60_000));
    expect(heardAt(seen, 60_000, 5_096)?.title).toBe("First");
    expect(heardAt(seen, 65_095, 5_096)?.title).toBe("First");
    expect(heardAt(seen, 65_096, 5_096)?.title).toBe("Second");
  });

  it("shows nothing until the first item reaches the listener, and keeps a few", () => {
    expect(heardAt([song("Only", 10_000)], 12_000, 5_000)).toBeNull();
    let seen: Heard[] = [];
    for (let n = 0; n < 10; n += 1) seen = remember(seen, song(`S${n}`, n * 1000));
    expect(seen).toHaveLength(4);
    expect(remember(seen, song("S9 again", 9000))).toBe(seen);
  });
});
