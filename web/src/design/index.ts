// The design system: tokens (tokens.css), time helpers and the components every feature shares.
export { Button } from "./components/Button";
export { Countdown, Elapsed, countdownState } from "./components/Countdown";
export type { CountdownState } from "./components/Countdown";
export { Dialog } from "./components/Dialog";
export { HourClock } from "./components/HourClock";
export type { ClockItem } from "./components/HourClock";
export { Meter } from "./components/Meter";
export { Panel } from "./components/Panel";
export { ToastProvider, useToast } from "./components/Toast";
export { StationZone, clockDuration, clockTime, secondsLeft, useClockTime, useNow } from "./time";
export { useTheme } from "./theme";
