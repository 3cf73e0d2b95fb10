import { useEffect, useState } from "react";
import type { AirMode, Trigger } from "../../api/air";
import { useTrigger } from "../../api/air";
import { Button, Panel, useToast } from "../../design";
import { InsertDialog } from "./InsertDialog";

const KEYS: Record<string, Trigger> = { s: "skip", h: "hold", r: "resume", b: "break_now" };
const SAID: Record<Trigger, string> = { skip: "Skip", hold: "Hold", resume: "Resume", break_now: "Break now" };

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

/**
 * Skip, hold, resume, break now and insert next, by button or key (S, H, R, B, I), for
 * those whose role runs the air.
 */
export function AirControls({ mode }: { mode: AirMode | null }) {
  const trigger = useTrigger();
  const [inserting, setInserting] = useState(false);
  const toast = useToast();
  const run = (what: Trigger) => {
    if (trigger.isPending) return;
    trigger.mutate(what, {
      onSuccess: () => toast("success", `${SAID[what]}: done`),
      onError: (error) => toast("error", `${SAID[what]} refused: ${error.message}`),
    });
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || typing(event.target)) return;
      if (inserting) return; // the dialog has the keyboard
      if (event.key.toLowerCase() === "i") {
        event.preventDefault();
        setInserting(true);
        return;
      }
      const what = KEYS[event.key.toLowerCase()];
      if (what) {
        event.preventDefault();
        run(what);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });
  const offAir = mode === "off_air" || mode === null;
  return (
    <Panel title="Air">
      <div className="flex flex-wrap gap-3">
        <Button tone="danger" shortcut="S" onClick={() => run("skip")} disabled={offAir}
          busy={trigger.isPending && trigger.variables === "skip"}>Skip</Button>
        <Button shortcut="H" onClick={() => run("hold")} disabled={offAir || mode === "hold"}
          busy={trigger.isPending && trigger.variables === "hold"}>Hold</Button>
        <Button shortcut="R" onClick={() => run("resume")} disabled={mode !== "hold"}
          busy={trigger.isPending && trigger.variables === "resume"}>Resume</Button>
        <Button shortcut="B" onClick={() => run("break_now")} disabled={offAir}
          busy={trigger.isPending && trigger.variables === "break_now"}>Break now</Button>
        <Button shortcut="I" onClick={() => setInserting(true)} disabled={offAir}>Insert next…</Button>
      </div>
      <InsertDialog open={inserting} onClose={() => setInserting(false)} />
    </Panel>
  );
}
