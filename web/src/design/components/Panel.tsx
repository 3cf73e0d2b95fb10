import { useId, type ReactNode } from "react";

export interface PanelProps {
  title: ReactNode;
  /** Something beside the title: a state, a count, an action. */
  aside?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A titled region of a screen; screen readers list it by its title. */
export function Panel({ title, aside, className = "", children }: PanelProps) {
  const id = useId();
  return (
    <section aria-labelledby={id}
      className={`rounded-lg border border-line bg-surface-raised p-4 ${className}`}>
      <header className="mb-3 flex items-center justify-between gap-3">
        <h2 id={id} className="text-sm font-semibold uppercase tracking-wider text-muted">
          {title}
        </h2>
        {aside}
      </header>
      {children}
    </section>
  );
}
