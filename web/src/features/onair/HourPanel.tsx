import { useQuery } from "@tanstack/react-query";
import { graphql } from "../../api/graphql";
import { HourClock, Panel, type ClockItem } from "../../design";

interface HourRead {
  station: {
    currentHour: {
      start: string;
      localLabel: string;
      items: { start: string; duration: number; kind: string; hard: boolean; asset: { title: string } | null }[];
    } | null;
  };
}

const HOUR = `{ station { currentHour { start localLabel items { start duration kind hard asset { title } } } } }`;

/** The hour on the air as a clock: its items as wedges, hard posts at the rim, the time now. */
export function HourPanel({ now }: { now: number }) {
  const hour = useQuery({
    queryKey: ["air", "hour"],
    queryFn: () => graphql<HourRead>(HOUR),
    refetchInterval: 60_000,
  });
  const current = hour.data?.station.currentHour ?? null;
  const items: ClockItem[] = (current?.items ?? []).map((i) => ({
    start: Date.parse(i.start), durationMs: i.duration * 1000, kind: i.kind, hard: i.hard,
    ...(i.asset ? { title: i.asset.title } : {}),
  }));
  return (
    <Panel title={current ? `Hour ${current.localLabel.slice(11, 16)} station time` : "Hour"}>
      {current ? (
        <HourClock hourStart={Date.parse(current.start)} items={items} now={now} />
      ) : (
        <p className="text-sm text-muted">{hour.isError ? `Cannot read the hour: ${hour.error.message}` : "No hour built."}</p>
      )}
    </Panel>
  );
}
