// How GetConfig assembles a collector's pipelines into one document. The
// hosted service's wrapping is not documented, so the emulator picks a plain
// deterministic scheme: pipelines sorted by name (code-unit order), each
// preceded by a comment line naming it (`//` for Alloy, `#` for OpenTelemetry
// YAML), separated by a blank line; the hash is the hex SHA-256 of the
// content.
import { createHash } from "node:crypto";
import type { Pipeline } from "../../gen/pipeline/v1/pipeline_pb.js";

export interface AssembledConfig {
  content: string;
  hash: string;
}

export function assembleConfig(pipelines: readonly Pipeline[], commentPrefix: "//" | "#" = "//"): AssembledConfig {
  const sorted = [...pipelines].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const content = sorted
    .map((p) => {
      // JSON quoting keeps a name with odd characters on its comment line.
      const body = p.contents.endsWith("\n") || p.contents === "" ? p.contents : `${p.contents}\n`;
      return `${commentPrefix} pipeline: ${JSON.stringify(p.name)}\n${body}`;
    })
    .join("\n");
  return { content, hash: configHash(content) };
}

export function configHash(content: string): string {
  return createHash("sha256").update(content, "utf8").digest("hex");
}
