import { useEffect, useId, useRef, type ReactNode } from "react";

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
}

/**
 * A modal dialog on the browser's own <dialog>: focus moves into it and stays there,
 * Escape closes it, and focus returns to what opened it.
 */
export function Dialog({ open, onClose, title, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={id} onClose={onClose}
      className="m-auto w-full max-w-xl rounded-lg border-2 border-line bg-surface-raised p-0 text-text backdrop:bg-black/60">
      {open ? (
        <div className="flex flex-col gap-4 p-5">
          <header className="flex items-center justify-between">
            <h2 id={id} className="text-lg font-bold">{title}</h2>
            <button type="button" onClick={onClose} aria-label="Close"
              className="rounded px-2 text-xl text-muted hover:text-text">×</button>
          </header>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
