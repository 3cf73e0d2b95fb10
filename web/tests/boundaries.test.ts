// Features never import each other: what two screens share belongs in the design system
// (src/design), the API client (src/api) or the live connection (src/live).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const FEATURES = resolve(__dirname, "../src/features");

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

function imports(source: string): string[] {
  return [...source.matchAll(/(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? "");
}

describe("features", () => {
  const names = readdirSync(FEATURES).filter((n) => statSync(join(FEATURES, n)).isDirectory());

  it("are found", () => expect(names).toContain("onair"));

  it.each(names)("%s imports no other feature", (name) => {
    const crossings = files(join(FEATURES, name)).flatMap((file) =>
      imports(readFileSync(file, "utf8"))
        .filter((spec) => spec.startsWith("."))
        .map((spec) => relative(FEATURES, resolve(dirname(file), spec)))
        .filter((target) => !target.startsWith("..") && target.split(sep)[0] !== name)
        .map((target) => `${relative(FEATURES, file)} imports features/${target}`));
    expect(crossings).toEqual([]);
  });
});
