import type { AirMode } from "../../api/air";

const MODES: Record<AirMode, { mark: string; text: string; says: string; look: string }> = {
  auto: { mark: "▶", text: "Auto", says: "the schedule airs", look: "border-ok text-ok" },
  hold: { mark: "❚❚", text: "Hold", says: "the air stops after this item", look: "border-warn text-warn" },
  fallback: { mark: "⚠", text: "Fallback", says: "something unscheduled airs", look: "border-critical text-critical" },
  off_air: { mark: "■", text: "Off air", says: "playout has not reported for 15 s", look: "border-line text-muted" },
};

/** The air's mode as a word, a mark and a sentence, so it never rests on colour. */
export function ModeBadge({ mode }: { mode: AirMode | null }) {
  if (mode === null) return <span className="text-sm text-muted">mode unknown</span>;
  const look = MODES[mode];
  return (
    <span data-mode={mode} title={look.says}
      className={`inline-flex items-center gap-2 rounded-md border-2 px-2 py-0.5 text-sm font-bold uppercase ${look.look}`}>
      <span aria-hidden="true">{look.mark}</span>
      <span>Mode: {look.text}</span>
      <span className="sr-only">, {look.says}</span>
    </span>
  );
}
