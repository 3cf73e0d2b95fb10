import { useState, type FormEvent } from "react";
import { useInsertNext } from "../../api/air";
import { useAirableAssets } from "../../api/library";
import { Button, clockDuration, Dialog, useToast } from "../../design";

/** Find an asset that may air today and air it after the item on air. */
export function InsertDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [typed, setTyped] = useState("");
  const [asked, setAsked] = useState("");
  const found = useAirableAssets(asked);
  const insert = useInsertNext();
  const toast = useToast();
  const search = (event: FormEvent) => {
    event.preventDefault();
    setAsked(typed);
  };
  const choose = (id: string, title: string) => insert.mutate(id, {
    onSuccess: () => {
      toast("success", `Inserted next: ${title}`);
      onClose();
    },
  });
  return (
    <Dialog open={open} onClose={onClose} title="Insert next">
      <form onSubmit={search} className="flex gap-2" role="search">
        <label className="sr-only" htmlFor="insert-search">Title, artist or album</label>
        <input id="insert-search" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)}
          placeholder="Title, artist or album"
          className="flex-1 rounded-md border-2 border-line bg-surface-sunken px-3 py-2 text-text" />
        <Button type="submit" tone="primary" disabled={!typed.trim()}>Search</Button>
      </form>
      {insert.isError ? (
        <p role="alert" className="rounded-md border-l-4 border-critical bg-surface-sunken p-2 text-sm">
          <span aria-hidden="true">✕ </span>Refused: {insert.error.message}
        </p>
      ) : null}
      {found.isFetching ? <p role="status" className="text-muted">Searching…</p> : null}
      {found.isError ? <p role="alert">The library did not answer: {found.error.message}</p> : null}
      {found.data && found.data.length === 0 ? (
        <p className="text-muted">Nothing that may air today matches “{asked}”.</p>
      ) : null}
      {found.data && found.data.length > 0 ? (
        <ul className="flex max-h-80 flex-col divide-y divide-line overflow-y-auto" aria-label="Assets found">
          {found.data.map((asset) => (
            <li key={asset.id} className="flex items-center gap-3 py-2">
              <span className="flex-1">
                <span className="font-semibold">{asset.title}</span>
                {asset.artist ? <span className="text-muted"> — {asset.artist}</span> : null}
                <span className="ml-2 text-xs uppercase text-muted">{asset.kind}</span>
              </span>
              <span className="font-mono text-sm tabular-nums text-muted">
                {asset.duration_s !== null ? clockDuration(asset.duration_s * 1000) : ""}
              </span>
              <Button onClick={() => choose(asset.id, asset.title)} busy={insert.isPending && insert.variables === asset.id}
                disabled={insert.isPending} aria-label={`Insert ${asset.title} next`}>
                Insert
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
    </Dialog>
  );
}
