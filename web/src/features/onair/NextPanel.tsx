import { Panel, useClockTime } from "../../design";
import type { NextLine } from "./airView";

function underOver(ms: number | null): string | null {
  if (ms === null) return null;
  if (Math.abs(ms) <= 1000) return "on time at the next post";
  const s = (Math.abs(ms) / 1000).toFixed(1);
  return ms < 0 ? `−${s} s under (early) at the next post` : `+${s} s over (late) at the next post`;
}

/** The next items with the exact time each starts. */
export function NextPanel({ items, underOverMs }: { items: NextLine[]; underOverMs: number | null }) {
  const post = underOver(underOverMs);
  const clockTime = useClockTime();
  return (
    <Panel title="Next" aside={post ? <span className="text-sm font-semibold" data-testid="under-over">{post}</span> : null}>
      {items.length === 0 ? (
        <p className="text-muted">Nothing scheduled next.</p>
      ) : (
        <ol className="flex flex-col divide-y divide-line" data-testid="next-items">
          {items.map((item) => (
            <li key={item.key} className="flex items-baseline gap-4 py-2">
              <span className="w-20 font-mono tabular-nums">
                {item.startsAt !== null ? clockTime(item.startsAt) : "next"}
              </span>
              <span className="flex-1">
                <span className="font-semibold">{item.title}</span>
                {item.artist ? <span className="text-muted"> — {item.artist}</span> : null}
              </span>
              <span className="text-xs uppercase text-muted">
                {item.inserted ? "inserted" : item.kind ?? ""}
                {item.hard ? " · hard post" : ""}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
