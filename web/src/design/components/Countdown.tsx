import { clockDuration, secondsLeft } from "../time";

export type CountdownState = "normal" | "warn" | "critical" | "done";

/** Which state a countdown is in with `ms` left: warn at 10 s, critical at 5 s. */
export function countdownState(ms: number, warnS = 10, criticalS = 5): CountdownState {
  const left = secondsLeft(ms);
  if (left <= 0) return "done";
  if (left <= criticalS) return "critical";
  if (left <= warnS) return "warn";
  return "normal";
}

const LOOKS: Record<CountdownState, { text: string; tag: string | null; frame: string }> = {
  normal: { text: "text-text", tag: null, frame: "border-transparent" },
  warn: { text: "text-warn", tag: "▲ ending", frame: "border-warn border-dashed" },
  critical: { text: "text-critical", tag: "■ last seconds", frame: "border-critical border-solid" },
  done: { text: "text-muted", tag: "ended", frame: "border-transparent" },
};

export interface CountdownProps {
  /** What it counts down to, in epoch milliseconds. */
  until: number;
  now: number;
  label: string;
  warnS?: number;
  criticalS?: number;
  size?: "lg" | "md";
}

/**
 * A countdown (role=timer). Its state shows three ways, never by colour alone: the
 * colour, a frame (dashed when warning, solid when critical) and a word beside the time.
 * A critical countdown pulses once a second, unless the system asks for reduced motion.
 */
export function Countdown({ until, now, label, warnS = 10, criticalS = 5, size = "lg" }: CountdownProps) {
  const ms = until - now;
  const state = countdownState(ms, warnS, criticalS);
  const look = LOOKS[state];
  const digits = size === "lg" ? "text-4xl" : "text-2xl";
  return (
    <div role="timer" aria-label={label} data-state={state}
      className={`inline-flex flex-col rounded-md border-4 px-3 py-1 ${look.frame}`}>
      <span className="text-xs uppercase tracking-wider text-muted">{label}</span>
      <span className={`font-mono font-bold tabular-nums ${digits} ${look.text}
        ${state === "critical" ? "pulse-critical" : ""}`}>
        −{clockDuration(Math.ceil(Math.max(0, ms) / 1000) * 1000)}
      </span>
      <span className={`h-4 text-xs font-semibold uppercase ${look.text}`}>{look.tag ?? ""}</span>
    </div>
  );
}

/** Time since a start (role=timer), counting up; no states. */
export function Elapsed({ since, now, label, size = "lg" }: { since: number; now: number; label: string; size?: "lg" | "md" }) {
  const digits = size === "lg" ? "text-4xl" : "text-2xl";
  return (
    <div role="timer" aria-label={label}
      className="inline-flex flex-col rounded-md border-4 border-transparent px-3 py-1">
      <span className="text-xs uppercase tracking-wider text-muted">{label}</span>
      <span className={`font-mono font-bold tabular-nums text-text ${digits}`}>
        {clockDuration(now - since)}
      </span>
      <span className="h-4" />
    </div>
  );
}
