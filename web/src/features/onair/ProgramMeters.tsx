import { Meter, Panel } from "../../design";
import type { LiveMeters, Stamped } from "../../live";

/** The program's peak (L, R) and momentary loudness, as playout measures what it sends. */
export function ProgramMeters({ meters }: { meters: Stamped<LiveMeters> | null }) {
  return (
    <Panel title="Program">
      {meters === null ? (
        <p className="text-sm text-muted">No meter readings (the Liquidsoap engine sends none).</p>
      ) : (
        <div className="flex flex-col gap-2" data-testid="meters">
          <Meter label="L" value={meters.data.peak_dbfs[0]} />
          <Meter label="R" value={meters.data.peak_dbfs[1]} />
          <Meter label="LUFS" unit="LUFS" value={meters.data.momentary_lufs} min={-40} max={0} hot={-12} over={-8} />
        </div>
      )}
    </Panel>
  );
}
