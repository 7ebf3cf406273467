// Bytes → text, refusing what is not text: a NUL byte means a binary file (or
// UTF-16, which is just as unusable here), and invalid UTF-8 is reported with
// the line it is on rather than silently turned into U+FFFD.

export type DecodeResult =
  | { ok: true; text: string }
  | { ok: false; code: "BINARY_FILE" | "INVALID_UTF8"; message: string; line: number };

const decoder = new TextDecoder("utf-8", { fatal: true });

export function decodeText(bytes: Uint8Array): DecodeResult {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
    return {
      ok: false,
      code: "BINARY_FILE",
      message: utf16
        ? "is UTF-16 text; save it as UTF-8"
        : `is a binary file (NUL byte at offset ${nul}), not text`,
      line: lineAt(bytes, nul),
    };
  }
  try {
    // The decoder drops a leading byte order mark, which is what we want.
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return {
      ok: false,
      code: "INVALID_UTF8",
      message: `is not valid UTF-8 (bad byte at offset ${offset}); save it as UTF-8`,
      line: lineAt(bytes, offset),
    };
  }
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
