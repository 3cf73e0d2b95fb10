import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap } from "../../api/client";
import { useNow } from "../../design";
import { heardAt, remember, type Heard } from "./heard";

/**
 * The public now-playing page (`/listen`, no sign-in; `?mount=stream.opus` for another
 * stream): the title and artist a listener of the stream hears, switched when the
 * listener hears the change (`started_at` plus the mount's `audio_delay_ms`), not when
 * the server does. It reads only the public route, which any site may also embed.
 */
export function ListenPage() {
  const mount = new URLSearchParams(window.location.search).get("mount") ?? "stream.mp3";
  const answer = useQuery({
    queryKey: ["public", "now-playing"],
    queryFn: () => unwrap(api.GET("/api/v1/public/now-playing")),
    refetchInterval: 2_000,
  });
  const [seen, setSeen] = useState<Heard[]>([]);
  const data = answer.data;
  useEffect(() => {
    if (!data?.on_air || !data.started_at) return;
    const startedAt = Date.parse(data.started_at);
    setSeen((all) => remember(all, { title: data.title, artist: data.artist, startedAt }));
  }, [data]);
  const now = useNow(200);
  const delays = data?.audio_delay_ms ?? {};
  const delayMs = delays[mount] ?? Object.values(delays)[0] ?? 0;
  const heard = heardAt(seen, now, delayMs);
  return (
    <main className="grid min-h-screen place-items-center p-6">
      <div className="w-full max-w-xl text-center" aria-live="polite">
        <p className="mb-2 font-mono text-sm uppercase tracking-[0.3em] text-muted">Now playing</p>
        {heard ? (
          <>
            <h1 className="text-4xl font-bold" data-testid="heard-title">{heard.title ?? "—"}</h1>
            <p className="mt-2 text-2xl text-muted" data-testid="heard-artist">{heard.artist ?? ""}</p>
          </>
        ) : (
          <h1 className="text-2xl text-muted" data-testid="heard-title">
            {answer.isError ? "The station is not answering" : data && !data.on_air ? "Off the air" : "Tuning in…"}
          </h1>
        )}
      </div>
    </main>
  );
}
