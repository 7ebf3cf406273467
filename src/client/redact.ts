// Scrubbing of secrets from what leaves the client (error messages,
// metadata, details and causes; log lines). The client never puts a secret
// there itself; this is the second line of defence against a server or proxy
// that echoes one back.
import { ConnectError } from "@connectrpc/connect";
import { base64UrlUtf8, base64Utf8, latin1, utf8Latin1 } from "./bytes.js";

export const redacted = "[REDACTED]";

export type Redactor = (text: string) => string;

/**
 * Every spelling of the credentials a server or proxy could echo: the token
 * itself, URL-encoded, base64 (alone and as `user:token`, standard and URL
 * alphabets), and the header value. Parts shorter than 4 characters are left
 * out: they would blank ordinary text.
 */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    const base64 = base64Utf8(secret);
    forms.add(base64);
    forms.add(base64.replace(/=+$/, ""));
    forms.add(base64UrlUtf8(secret));
  }
  return [...forms].filter((s) => s.length >= 4);
}

/** Replaces every form (see secretForms) of each secret with [REDACTED]. */
export function createRedactor(secrets: readonly string[]): Redactor {
  // Longest first, so that a secret containing another is replaced whole.
  const list = secretForms(secrets).sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  const redactor: Redactor = (text) => {
    let out = text;
    for (const secret of list) {
      if (out.includes(secret)) out = out.split(secret).join(redacted);
    }
    return out;
  };
  secretsOf.set(redactor, list);
  return redactor;
}

// The secrets behind a redactor, for masking bytes (details' values).
const secretsOf = new WeakMap<Redactor, readonly string[]>();

/**
 * `bytes` with every secret (as UTF-8) overwritten by `*` of the same length,
 * so that a protobuf message around it keeps its lengths and still decodes.
 * The same array when nothing matched.
 */
export function maskBytes(bytes: Uint8Array, redact: Redactor): Uint8Array {
  const secrets = secretsOf.get(redact);
  if (secrets === undefined || bytes.byteLength === 0) return bytes;
  const text = latin1(bytes);
  let out: Uint8Array | undefined;
  for (const secret of secrets) {
    // latin1 maps each byte to one char, so indexes in `text` are byte offsets.
    const needle = utf8Latin1(secret);
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
      out ??= new Uint8Array(bytes);
      out.fill(0x2a, at, at + needle.length);
    }
  }
  return out ?? bytes;
}

/** A copy of `value` with every string (keys too) passed through the redactor; cycles are cut. */
export function redactDeep(value: unknown, redact: Redactor, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (value instanceof Uint8Array) return maskBytes(value, redact);
  if (value instanceof Headers) {
    const out: Record<string, string> = {};
    value.forEach((v, k) => (out[k] = redact(v)));
    return out;
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact, seen));
  if (value instanceof Error) return redact(value.message);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v, redact, seen);
  return out;
}

/** Whether a secret shows anywhere in `value`'s text (as inspect would print it, roughly). */
function leaks(value: unknown, redact: Redactor, seen: WeakSet<object>): boolean {
  if (typeof value === "string") return redact(value) !== value;
  if (typeof value !== "object" || value === null || seen.has(value)) return false;
  seen.add(value);
  if (value instanceof Uint8Array) return maskBytes(value, redact) !== value;
  if (value instanceof Headers) {
    let found = false;
    value.forEach((v) => (found ||= redact(v) !== v));
    return found;
  }
  if (value instanceof Error) {
    if (leaks(value.message, redact, seen) || leaks(value.stack, redact, seen)) return true;
    if (leaks((value as { cause?: unknown }).cause, redact, seen)) return true;
    if (value instanceof ConnectError && (leaks(value.metadata, redact, seen) || leaks(value.details, redact, seen))) return true;
  }
  for (const [k, v] of Object.entries(value)) if (leaks(k, redact, seen) || leaks(v, redact, seen)) return true;
  return false;
}

type Detail = ConnectError["details"][number];

function redactDetail(detail: Detail, redact: Redactor): Detail {
  if ("desc" in detail) return { desc: detail.desc, value: redactDeep(detail.value, redact) as typeof detail.value };
  const out: Detail = { type: redact(detail.type), value: maskBytes(detail.value, redact) };
  if (detail.debug !== undefined) out.debug = redactDeep(detail.debug, redact) as typeof detail.debug;
  return out;
}

/** The details with secrets masked; the same array when none holds one. */
export function redactDetails(details: readonly Detail[], redact: Redactor): { details: Detail[]; changed: boolean } {
  const changed = leaks(details, redact, new WeakSet());
  return { details: changed ? details.map((d) => redactDetail(d, redact)) : details.slice(), changed };
}

/** Metadata with secrets replaced in the values. */
export function redactHeaders(headers: Headers, redact: Redactor): { headers: Headers; changed: boolean } {
  const out = new Headers();
  let changed = false;
  headers.forEach((value, key) => {
    const clean = redact(value);
    if (clean !== value) changed = true;
    out.append(key, clean);
  });
  return { headers: out, changed };
}

/**
 * `error` itself when no secret shows in it, else a copy with the secrets
 * replaced: message, stack, metadata, details, the own fields, and the whole
 * cause chain. A ConnectError stays a ConnectError with the same code.
 */
export function redactError(error: unknown, redact: Redactor, depth = 0): unknown {
  if (typeof error === "string") return redact(error);
  if (!(error instanceof Error)) return typeof error === "object" && error !== null && leaks(error, redact, new WeakSet()) ? redactDeep(error, redact) : error;
  if (!leaks(error, redact, new WeakSet())) return error;
  // A chain this deep is not an error report any more; cut it.
  const cause = depth >= 8 ? undefined : redactError((error as { cause?: unknown }).cause, redact, depth + 1);
  let copy: Error;
  if (error instanceof ConnectError) {
    const c = new ConnectError(redact(error.rawMessage), error.code, redactHeaders(error.metadata, redact).headers, undefined, cause);
    for (const detail of redactDetails(error.details, redact).details) c.details.push(detail);
    copy = c;
  } else {
    copy = new Error(redact(error.message), cause === undefined ? undefined : { cause });
  }
  copy.name = error.name;
  if (error.stack !== undefined) copy.stack = redact(error.stack);
  for (const [k, v] of Object.entries(error)) {
    if (k === "cause" || k in copy) continue;
    Object.assign(copy, { [k]: redactDeep(v, redact) });
  }
  return copy;
}
