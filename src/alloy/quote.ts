// Go-style quoting (`%q`, strconv.Quote), which Alloy uses in messages and
// when it prints object keys and block labels, and the value of a string
// literal (strconv.Unquote), for checkers that read string values.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Quotes `text` the way Go's `%q` does: printable characters kept, the rest escaped. */
export function goQuote(text: string): string {
  let out = '"';
  for (const c of text) {
    const cp = c.codePointAt(0)!;
    if (cp === 0x22 || cp === 0x5c) {
      out += "\\" + c;
      continue;
    }
    if (cp === 0x20 || (cp >= 0x21 && cp < 0x7f)) {
      out += c;
      continue;
    }
    if (cp >= 0x80 && PRINTABLE.test(c) && !(cp >= 0xd800 && cp <= 0xdfff)) {
      out += c;
      continue;
    }
    switch (cp) {
      case 0x07:
        out += "\\a";
        break;
      case 0x08:
        out += "\\b";
        break;
      case 0x0c:
        out += "\\f";
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x0b:
        out += "\\v";
        break;
      default:
        if (cp < 0x20 || cp === 0x7f) out += "\\x" + hex(cp, 2);
        else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd";
        else if (cp < 0x10000) out += "\\u" + hex(cp, 4);
        else out += "\\U" + hex(cp, 8);
    }
  }
  return out + '"';
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 0x5c, '"': 0x22 };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/**
 * The value of a string literal's source text (quoted or raw), like Alloy
 * computes it; undefined if the text is not a valid literal. Byte escapes
 * (`\x..`, octal) that do not form UTF-8 become U+FFFD.
 */
export function alloyStringValue(literal: string): string | undefined {
  if (literal.length < 2) return undefined;
  const q = literal[0];
  if (q === "`") return literal.endsWith("`") ? literal.slice(1, -1).replaceAll("\r", "") : undefined;
  if (q !== '"' || !literal.endsWith('"')) return undefined;
  const body = literal.slice(1, -1);
  if (!body.includes("\\")) return body.includes('"') || body.includes("\n") ? undefined : body;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === '"' || c === "\n") return undefined;
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      for (const b of encoder.encode(s)) bytes.push(b);
      i += s.length;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
      continue;
    }
    let digits: number;
    let base: number;
    let start = i + 2;
    if (e >= "0" && e <= "7") {
      digits = 3;
      base = 8;
      start = i + 1;
    } else if (e === "x") {
      digits = 2;
      base = 16;
    } else if (e === "u") {
      digits = 4;
      base = 16;
    } else if (e === "U") {
      digits = 8;
      base = 16;
    } else return undefined;
    const part = body.slice(start, start + digits);
    if (part.length !== digits || !(base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/).test(part)) return undefined;
    const v = parseInt(part, base);
    if (e === "u" || e === "U") {
      if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
      for (const b of encoder.encode(String.fromCodePoint(v))) bytes.push(b);
    } else {
      if (v > 255) return undefined;
      bytes.push(v);
    }
    i = start + digits;
  }
  return decoder.decode(new Uint8Array(bytes));
}
