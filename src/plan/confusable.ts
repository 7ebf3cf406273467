// CONFUSABLE_NAME: a desired pipeline name that a person could mistake for
// another name, desired or on the service, because they differ only by
// invisible characters (zero-width spaces, joiners, the BOM…), by Unicode
// normalisation (`café` written precomposed or with a combining accent), by
// compatibility forms (full-width letters, ligatures), or by whitespace at
// the edges or inside. Both are real, distinct pipelines to the service; the
// warning exists so that nobody edits, deletes or reviews the wrong one.
import { compareStrings, confusableKey, displayName, type NormalizedPipelineSpec, type RemotePipeline } from "../pipelines/index.js";
import { makeFinding } from "./findings.js";
import type { Finding } from "./types.js";

/** One warning per desired name that looks like another name; non-blocking. Deterministic. */
export function confusableFindings(
  desired: ReadonlyMap<string, NormalizedPipelineSpec>,
  remote: ReadonlyMap<string, RemotePipeline>,
): Finding[] {
  const byKey = new Map<string, Set<string>>();
  const add = (name: string) => {
    const key = confusableKey(name);
    const names = byKey.get(key);
    if (names === undefined) byKey.set(key, new Set([name]));
    else names.add(name);
  };
  for (const name of desired.keys()) add(name);
  for (const name of remote.keys()) add(name);

  const findings: Finding[] = [];
  for (const name of [...desired.keys()].sort(compareStrings)) {
    const alike = byKey.get(confusableKey(name))!;
    if (alike.size < 2) continue;
    const others = [...alike].filter((n) => n !== name).sort(compareStrings);
    const where = (n: string) => (desired.has(n) ? "in the folder" : "on the service");
    const shown = others.map((n) => `"${displayName(n)}" (${where(n)})`).join(", ");
    findings.push(
      makeFinding({
        code: "CONFUSABLE_NAME",
        blocking: false,
        message: `pipeline "${displayName(name)}" looks like ${shown}: the names differ only by invisible characters, Unicode normalization or whitespace`,
        hint: "rename one of them so that the difference is visible, unless both are meant to exist",
        names: [name, ...others],
        files: [desired.get(name)?.file],
      }),
    );
  }
  return findings;
}
