// What the loader adds for Alloy pipelines: where inline contents sit in
// their metadata file (so that a problem in them is reported on the right
// line), and a warning for each contents file `alloy fmt` would change.
// Syntax and load-rule errors are the model's (validateSpec): the plan and
// `validate` report them as INVALID_PIPELINE with the same file and line.
import { formatAlloy } from "../alloy/index.js";
import type { PipelineSpec } from "../pipelines/index.js";
import type { Position } from "./metadata.js";

export interface LoadedAlloySpec {
  spec: PipelineSpec;
  candidate: { metadata?: { positions: { contents?: Position } } };
}

export type WarnFn = (code: "UNFORMATTED", file: string, message: string, pipeline?: string) => void;

/** Places inline contents and, with `checkFormatting`, warns about unformatted Alloy contents files. */
export function finishAlloySpecs(loaded: readonly LoadedAlloySpec[], warn: WarnFn, checkFormatting: boolean): void {
  for (const { spec, candidate } of loaded) {
    const key = candidate.metadata?.positions.contents;
    if (key !== undefined && spec.contentsFile === undefined) {
      // `contents: |` starts the text on the next line; a one-line string sits on the key's.
      spec.contentsLine = key.line + (spec.contents.includes("\n") ? 1 : 0);
    }
    if (!checkFormatting || (spec.configType ?? "alloy") !== "alloy" || spec.contentsFile === undefined) continue;
    if (!formatChanges(spec.contents)) continue;
    warn(
      "UNFORMATTED",
      spec.contentsFile,
      `is not formatted the way \`alloy fmt\` formats it; run \`fleet-pipelines fmt --write ${spec.contentsFile}\``,
      spec.name,
    );
  }
}

/** True when the contents parse and formatting would change more than line endings. */
function formatChanges(text: string): boolean {
  const formatted = formatAlloy(text);
  // Text that does not parse is an INVALID_PIPELINE error, reported by validation.
  if (!formatted.ok) return false;
  // A Windows checkout (CRLF) is not worth a warning on every file.
  const lf = (s: string) => (s.includes("\r\n") ? s.replace(/\r\n/g, "\n") : s);
  return lf(formatted.text) !== lf(text);
}
