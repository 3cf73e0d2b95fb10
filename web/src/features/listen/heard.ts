/**
 * What a listener hears now. The server's now-playing changes when the air does; the
 * stream reaches a listener `delay` later, so a page keeps showing the item before until
 * then, and switches when the listener hears the change.
 */
export interface Heard {
  title: string | null;
  artist: string | null;
  /** When the item started on the air (epoch ms). */
  startedAt: number;
}

/** Remember an answer of the server: the items seen, oldest first, the last few kept. */
export function remember(seen: Heard[], item: Heard | null): Heard[] {
  if (item === null || seen.some((s) => s.startedAt === item.startedAt)) return seen;
  return [...seen, item].sort((a, b) => a.startedAt - b.startedAt).slice(-4);
}

/** The item a listener `delayMs` behind the air hears at `now`, if any has reached them. */
export function heardAt(seen: Heard[], now: number, delayMs: number): Heard | null {
  const reached = seen.filter((s) => s.startedAt + delayMs <= now);
  return reached[reached.length - 1] ?? null;
}
