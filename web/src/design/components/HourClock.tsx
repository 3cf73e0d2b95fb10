import { useClockTime } from "../time";

export interface ClockItem {
  /** Epoch milliseconds. */
  start: number;
  durationMs: number;
  kind: string;
  hard?: boolean;
  title?: string;
}

const KIND_FILL: Record<string, string> = {
  music: "var(--accent)",
  id: "var(--on-air)",
  voice: "var(--ok)",
};

const R = 90;
const C = 100;

function point(fraction: number, radius: number): [number, number] {
  const angle = fraction * 2 * Math.PI - Math.PI / 2;
  return [C + radius * Math.cos(angle), C + radius * Math.sin(angle)];
}

function wedge(from: number, to: number): string {
  const [x1, y1] = point(from, R);
  const [x2, y2] = point(to, R);
  const large = to - from > 0.5 ? 1 : 0;
  return `M${C},${C} L${x1},${y1} A${R},${R} 0 ${large} 1 ${x2},${y2} Z`;
}

export interface HourClockProps {
  /** The hour's start, epoch milliseconds. */
  hourStart: number;
  items: ClockItem[];
  now: number;
  label?: string;
}

/**
 * The hour as a pie: each item a wedge from its start, hard posts as long ticks at
 * the rim, the time now as a hand. Kinds differ by shade, and are named in the legend
 * beside it and in each wedge's title, so the clock is read by more than colour.
 */
export function HourClock({ hourStart, items, now, label = "The hour" }: HourClockProps) {
  const hour = 3_600_000;
  const clockTime = useClockTime();
  const at = (t: number) => Math.min(1, Math.max(0, (t - hourStart) / hour));
  const [hx, hy] = point(at(now), R + 4);
  const kinds = [...new Set(items.map((i) => i.kind))].sort();
  return (
    <figure className="m-0 flex flex-wrap items-center gap-4">
      <svg viewBox="0 0 200 200" role="img" aria-label={`${label}: ${items.length} items, now ${clockTime(now)}`}
        className="h-auto w-56">
        <circle cx={C} cy={C} r={R} fill="var(--surface-sunken)" stroke="var(--line)" />
        {items.map((item) => {
          const from = at(item.start);
          const to = at(item.start + item.durationMs);
          if (to <= from) return null;
          return (
            <path key={`${item.start}-${item.kind}`} d={wedge(from, to)}
              fill={KIND_FILL[item.kind] ?? "var(--text-muted)"}
              fillOpacity={item.start + item.durationMs < now ? 0.35 : 0.85}
              stroke="var(--surface-raised)" strokeWidth={0.8}>
              <title>{`${clockTime(item.start)} ${item.kind}${item.title ? `: ${item.title}` : ""}`}</title>
            </path>
          );
        })}
        {items.filter((i) => i.hard).map((item) => {
          const [x1, y1] = point(at(item.start), R - 14);
          const [x2, y2] = point(at(item.start), R + 8);
          return <line key={`post-${item.start}`} x1={x1} y1={y1} x2={x2} y2={y2}
            stroke="var(--text)" strokeWidth={3} strokeLinecap="square" />;
        })}
        <line x1={C} y1={C} x2={hx} y2={hy} stroke="var(--focus)" strokeWidth={2.5} />
        <circle cx={C} cy={C} r={4} fill="var(--focus)" />
      </svg>
      <figcaption className="flex flex-col gap-1 text-sm">
        <span className="sr-only">{label}</span>
        {kinds.map((kind) => (
          <span key={kind} className="flex items-center gap-2">
            <svg width="14" height="14" aria-hidden="true">
              <rect width="14" height="14" rx="2" fill={KIND_FILL[kind] ?? "var(--text-muted)"} />
            </svg>
            {kind}
          </span>
        ))}
        <span className="flex items-center gap-2">
          <svg width="14" height="14" aria-hidden="true"><rect x="5" width="4" height="14" fill="var(--text)" /></svg>
          hard post
        </span>
        <span className="flex items-center gap-2">
          <svg width="14" height="14" aria-hidden="true"><rect y="6" width="14" height="3" fill="var(--focus)" /></svg>
          now
        </span>
        <span className="text-xs text-muted">faded: aired</span>
      </figcaption>
    </figure>
  );
}
