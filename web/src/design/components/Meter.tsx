export interface MeterProps {
  label: string;
  /** The reading, in `unit`; below `min` reads as the floor. */
  value: number;
  min?: number;
  max?: number;
  unit?: string;
  /** Above this the meter warns (amber and "hot"); above `over` it is critical ("over"). */
  hot?: number;
  over?: number;
}

/**
 * A level meter (role=meter): a bar from `min` to `max` with the number beside it, and a
 * word when it runs hot or over, so the reading never depends on colour alone.
 */
export function Meter({ label, value, min = -60, max = 0, unit = "dBFS", hot = -3, over = -1 }: MeterProps) {
  const shown = Math.min(max, Math.max(min, value));
  const fraction = (shown - min) / (max - min);
  const state = value >= over ? "over" : value >= hot ? "hot" : "ok";
  const fill = state === "over" ? "bg-critical" : state === "hot" ? "bg-warn" : "bg-ok";
  return (
    <div className="flex items-center gap-2" data-state={state}>
      <span className="w-10 text-xs font-semibold uppercase text-muted">{label}</span>
      <div role="meter" aria-label={label} aria-valuemin={min} aria-valuemax={max}
        aria-valuenow={Math.round(shown * 10) / 10} aria-valuetext={`${value.toFixed(1)} ${unit}`}
        className="relative h-3 flex-1 overflow-hidden rounded-sm bg-surface-sunken">
        <div className={`h-full ${fill}`} style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <span className="w-24 text-right font-mono text-xs tabular-nums">
        {value <= -120 ? "silence" : `${value.toFixed(1)} ${unit}`}
      </span>
      <span className="w-9 text-xs font-bold uppercase">{state === "ok" ? "" : state}</span>
    </div>
  );
}
