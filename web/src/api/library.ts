/** The library's assets, read for choosing one (an insert, a replacement). */
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";

/** The fields of a listed asset a chooser shows (the listing's items are open objects). */
export interface AssetChoice {
  id: string;
  title: string;
  artist: string | null;
  kind: string;
  duration_s: number | null;
}

function choice(item: Record<string, unknown>): AssetChoice {
  const text = (key: string) => (typeof item[key] === "string" ? (item[key] as string) : null);
  const length = item.duration_s ?? item.length_s;
  return {
    id: text("id") ?? "",
    title: text("title") ?? "(untitled)",
    artist: text("artist"),
    kind: text("kind") ?? "",
    duration_s: typeof length === "number" ? length : null,
  };
}

/** Assets that may air today whose title, artist or album holds `text` (none for no text). */
export function useAirableAssets(text: string) {
  return useQuery({
    queryKey: ["library", "airable", text],
    enabled: text.trim().length > 0,
    queryFn: async () => {
      const page = await unwrap(api.GET("/api/v1/assets", {
        params: { query: { text: text.trim(), rights: "airable", limit: 20 } },
      }));
      return page.items.map(choice).filter((a) => a.id);
    },
  });
}
