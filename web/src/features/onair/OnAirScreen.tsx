import { useListenerView, useAirMode, useNextItems, useNowPlaying } from "../../api/air";
import { mayAct, type Role } from "../../api/session";
import { useNow } from "../../design";
import { liveKeys, useLive, type LiveMeters, type LiveNext, type LiveNowPlaying } from "../../live";
import { AirControls } from "./AirControls";
import { airView, listenerDelay } from "./airView";
import { HourPanel } from "./HourPanel";
import { NextPanel } from "./NextPanel";
import { NowPlayingPanel } from "./NowPlayingPanel";
import { ProgramMeters } from "./ProgramMeters";

/** The On Air screen: what plays, what follows and when, the air's controls and meters. */
export function OnAirScreen({ role }: { role: Role }) {
  const now = useNow();
  const rest = useNowPlaying();
  const restNext = useNextItems();
  const mode = useAirMode();
  const listener = useListenerView();
  const live = useLive<LiveNowPlaying>(liveKeys.nowPlaying);
  const previous = useLive<LiveNowPlaying>(liveKeys.previous);
  const liveNext = useLive<LiveNext>(liveKeys.next);
  const meters = useLive<LiveMeters>(liveKeys.meters);
  const view = airView({ rest: rest.data, restNext: restNext.data, mode: mode.data, live, liveNext });
  return (
    <main className="grid grid-cols-1 gap-4 p-4 lg:grid-cols-3" aria-label="On air">
      <NowPlayingPanel item={view.now} mode={view.mode} now={now}
        listener={{ delay: listenerDelay(listener.data?.audio_delay_ms), previousTitle: previous?.data.title ?? null }} />
      <HourPanel now={now} />
      <div className="col-span-2">
        <NextPanel items={view.next} underOverMs={view.underOverMs} />
      </div>
      <div className="flex flex-col gap-4">
        {mayAct(role, "operator") ? <AirControls mode={view.mode} /> : null}
        <ProgramMeters meters={meters} />
      </div>
    </main>
  );
}
