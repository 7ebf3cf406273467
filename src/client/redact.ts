// Scrubbing of secrets from text that leaves the client (error messages,
// error metadata, log lines). The client never puts a secret there itself;
// this is the second line of defence against a server or proxy that echoes
// one back.

export const redacted = "[REDACTED]";

export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so that a secret containing another is replaced whole.
  const list = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of list) {
      if (out.includes(secret)) out = out.split(secret).join(redacted);
    }
    return out;
  };
}

/** A copy of `value` with every string (keys too) passed through the redactor; cycles are cut. */
export function redactDeep(value: unknown, redact: Redactor, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact, seen));
  if (value instanceof Error) return redact(value.message);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, redact, seen);
  return out;
}
