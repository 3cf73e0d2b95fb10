import { clockDuration, Countdown, Elapsed, Panel, useClockTime } from "../../design";
import type { AirMode } from "../../api/air";
import type { OnAirItem } from "./airView";
import { ModeBadge } from "./ModeBadge";

export interface ListenerView {
  /** The stream mount the delay is for (stream.mp3), and how far behind the air it is. */
  delay: { mount: string; ms: number } | null;
  /** The item before this one, which listeners may still be hearing. */
  previousTitle: string | null;
}

/** What plays now: title, artist, elapsed and remaining, and what a listener hears of it. */
export function NowPlayingPanel({ item, mode, now, listener }: {
  item: OnAirItem | null; mode: AirMode | null; now: number; listener: ListenerView;
}) {
  const clockTime = useClockTime();
  return (
    <Panel title="Now playing" aside={<ModeBadge mode={mode} />} className="col-span-2">
      {item === null ? (
        <p className="py-8 text-2xl text-muted" data-testid="now-title">Nothing on the air</p>
      ) : (
        <div className="flex flex-col gap-4">
          <div>
            <p className="text-3xl font-bold leading-tight" data-testid="now-title" data-play-id={item.playId ?? undefined}>
              {item.title}
            </p>
            <p className="text-xl text-muted" data-testid="now-artist">{item.artist ?? "—"}</p>
          </div>
          <div className="flex flex-wrap items-end gap-6">
            <Elapsed label="Elapsed" since={item.startedAt} now={now} />
            {item.endsAt !== null ? (
              <Countdown label="Remaining" until={item.endsAt} now={now} />
            ) : (
              <div className="text-muted">remaining: timing…</div>
            )}
            <dl className="grid grid-cols-[auto_auto] gap-x-3 text-sm">
              <dt className="text-muted">Started</dt>
              <dd className="font-mono tabular-nums" data-testid="started-at">{clockTime(item.startedAt)}</dd>
              <dt className="text-muted">Next due</dt>
              <dd className="font-mono tabular-nums">{item.endsAt ? clockTime(item.endsAt) : "—"}</dd>
            </dl>
          </div>
          <ListenerLine item={item} now={now} listener={listener} />
        </div>
      )}
    </Panel>
  );
}

/** The stream runs behind the air: say when listeners hear this item, and what they hear until then. */
function ListenerLine({ item, now, listener }: { item: OnAirItem; now: number; listener: ListenerView }) {
  const { delay, previousTitle } = listener;
  const clockTime = useClockTime();
  if (delay === null) {
    return <p className="text-sm text-muted" data-testid="listener-line">Listener delay: not measured (external stream)</p>;
  }
  const heardFrom = item.startedAt + delay.ms;
  const behind = `${(delay.ms / 1000).toFixed(1)} s behind on ${delay.mount}`;
  if (now < heardFrom) {
    return (
      <p className="rounded-md border-l-4 border-warn bg-surface-sunken p-2 text-sm" data-testid="listener-line">
        <span aria-hidden="true">◔ </span>
        Listeners still hear {previousTitle ? <strong>{previousTitle}</strong> : "the item before"}: this reaches them
        in {clockDuration(heardFrom - now + 999)} ({behind}).
      </p>
    );
  }
  return (
    <p className="text-sm text-muted" data-testid="listener-line">
      <span aria-hidden="true">◉ </span>Listeners hear this since {clockTime(heardFrom)} ({behind}).
    </p>
  );
}
