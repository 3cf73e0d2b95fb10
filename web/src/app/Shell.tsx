import type { ReactNode } from "react";
import { useAirMode } from "../api/air";
import { useLogout, type Session } from "../api/session";
import { useStationZone } from "../api/graphql";
import { Button, StationZone, useTheme } from "../design";
import { useConnection, type Connection } from "../live";

const LINK: Record<Connection, { mark: string; text: string; look: string }> = {
  live: { mark: "●", text: "Live", look: "text-ok" },
  connecting: { mark: "◌", text: "Connecting…", look: "text-muted" },
  reconnecting: { mark: "◌", text: "Connection lost: reconnecting…", look: "text-critical" },
  stopped: { mark: "○", text: "Not connected", look: "text-muted" },
};

/** The studio's frame: the ON AIR light, the live connection's state, theme, who is signed in. */
export function Shell({ session, children }: { session: Session; children: ReactNode }) {
  const connection = useConnection();
  const mode = useAirMode();
  const [theme, toggleTheme] = useTheme();
  const logout = useLogout();
  const onAir = mode.data !== undefined && mode.data !== "off_air";
  const link = LINK[connection];
  const zone = useStationZone();
  return (
    <div className="min-h-screen">
      <header className="flex flex-wrap items-center gap-4 border-b border-line bg-surface-raised px-4 py-2">
        <span className="font-mono text-sm font-bold uppercase tracking-[0.3em]">onair</span>
        <span data-testid="on-air-light" data-on-air={onAir}
          className={`rounded px-3 py-1 text-sm font-black uppercase tracking-widest ${onAir
            ? "bg-on-air text-on-air-text" : "border-2 border-line text-muted"}`}>
          {onAir ? "On air" : "Off air"}
        </span>
        <span role="status" data-testid="connection" data-connection={connection}
          className={`text-sm font-semibold ${link.look}`}>
          <span aria-hidden="true">{link.mark} </span>{link.text}
        </span>
        <span className="ml-auto text-sm text-muted" data-testid="station-zone">
          {zone ? `Station time · ${zone}` : "Station time…"}
        </span>
        <span className="text-sm text-muted">
          {session.name} · {session.role.replace("_", " ")}
        </span>
        <Button onClick={toggleTheme} aria-label={`Switch to the ${theme === "dark" ? "light" : "dark"} theme`}>
          {theme === "dark" ? "Light" : "Dark"}
        </Button>
        <Button onClick={() => logout.mutate()} busy={logout.isPending}>Sign out</Button>
      </header>
      {/* While the connection is lost, what is shown may be out of date: it says so. */}
      <div data-stale={connection === "reconnecting"}
        className={connection === "reconnecting" ? "opacity-60 grayscale" : ""}>
        <StationZone.Provider value={zone}>{children}</StationZone.Provider>
      </div>
    </div>
  );
}
