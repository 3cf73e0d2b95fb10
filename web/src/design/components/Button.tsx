import type { ButtonHTMLAttributes, ReactNode } from "react";

type Tone = "primary" | "secondary" | "danger";

const TONES: Record<Tone, string> = {
  primary: "bg-accent text-accent-text border-accent",
  secondary: "bg-surface-raised text-text border-line",
  danger: "bg-on-air text-on-air-text border-on-air",
};

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  tone?: Tone;
  /** The keyboard shortcut that does the same, shown on the button (e.g. "S"). */
  shortcut?: string;
  busy?: boolean;
  children: ReactNode;
}

/** A button with its states: disabled, busy (still focusable, says so), and its shortcut. */
export function Button({ tone = "secondary", shortcut, busy = false, disabled, children,
  className = "", type = "button", ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled}
      aria-busy={busy || undefined}
      aria-keyshortcuts={shortcut}
      className={`inline-flex items-center gap-2 rounded-md border-2 px-4 py-2 text-base font-semibold
        transition-[filter] hover:brightness-110 active:brightness-95
        disabled:cursor-not-allowed disabled:opacity-50 disabled:hover:brightness-100
        ${TONES[tone]} ${className}`}
      {...rest}
    >
      <span>{children}</span>
      {busy ? <span aria-hidden="true">…</span> : null}
      {shortcut ? (
        <kbd className="rounded border border-current/40 px-1.5 font-mono text-xs opacity-80">
          {shortcut}
        </kbd>
      ) : null}
    </button>
  );
}
