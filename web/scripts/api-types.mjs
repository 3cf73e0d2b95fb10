// The client's types from the server's OpenAPI document, before every build and type check.
// `make studio` writes openapi.json from the source (`onair api openapi`), so the client is
// always typed by the API it is built with: a route or field the API lost fails the build.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";

if (!existsSync("openapi.json")) {
  console.error("web/openapi.json is missing: write it with 'onair api openapi > web/openapi.json' (make studio does)");
  process.exit(1);
}
execFileSync("npx", ["--no-install", "openapi-typescript", "openapi.json", "-o", "src/api/schema.d.ts", "--silent"], { stdio: "inherit" });
