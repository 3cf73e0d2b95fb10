import { createContext, useContext, useEffect, useState } from "react";

/** Whole seconds as m:ss (or h:mm:ss past the hour); negative values clamp to 0:00. */
export function clockDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Seconds left, counted as a studio counts them: 4.2 s left reads 5 until it is 4. */
export function secondsLeft(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/** The wall-clock time of an instant, to the second, in ``zone`` (else the browser's). */
export function clockTime(at: Date | string | number, zone?: string): string {
  return new Date(at).toLocaleTimeString("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
    ...(zone ? { timeZone: zone } : {}),
  });
}

/** The time now, re-rendered every `everyMs` (a quarter second keeps timers honest to it). */
export function useNow(everyMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * The station's IANA zone: a studio shows every time as the station's clocks and logs
 * do, wherever its browser is (a producer working from another zone reads station time).
 */
export const StationZone = createContext<string | undefined>(undefined);

/** ``clockTime`` in the station's zone, for a component under ``StationZone``. */
export function useClockTime(): (at: Date | string | number) => string {
  const zone = useContext(StationZone);
  return (at) => clockTime(at, zone);
}
