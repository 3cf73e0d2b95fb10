import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

export type ToastTone = "info" | "success" | "error";

interface ToastItem {
  id: number;
  tone: ToastTone;
  text: string;
}

const MARK: Record<ToastTone, string> = { info: "ℹ", success: "✓", error: "✕" };
const FRAME: Record<ToastTone, string> = {
  info: "border-accent",
  success: "border-ok",
  error: "border-critical",
};

type Show = (tone: ToastTone, text: string) => void;
const ToastContext = createContext<Show>(() => undefined);

/** Short messages at the screen's corner: errors are alerts, the rest are polite status. */
export function ToastProvider({ children, lifeMs = 6000 }: { children: ReactNode; lifeMs?: number }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const dismiss = useCallback((id: number) => setItems((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback<Show>((tone, text) => {
    const id = Date.now() + Math.random();
    setItems((all) => [...all.slice(-3), { id, tone, text }]);
    window.setTimeout(() => dismiss(id), lifeMs);
  }, [dismiss, lifeMs]);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="fixed right-4 bottom-4 z-50 flex w-96 flex-col gap-2">
        {items.map((t) => (
          <div key={t.id} role={t.tone === "error" ? "alert" : "status"}
            className={`flex items-start gap-3 rounded-md border-l-4 bg-surface-raised p-3 shadow-lg ${FRAME[t.tone]}`}>
            <span aria-hidden="true" className="font-bold">{MARK[t.tone]}</span>
            <span className="flex-1 text-sm"><span className="sr-only">{t.tone}: </span>{t.text}</span>
            <button type="button" onClick={() => dismiss(t.id)} aria-label="Dismiss"
              className="rounded px-1 text-muted hover:text-text">×</button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Show {
  return useContext(ToastContext);
}
