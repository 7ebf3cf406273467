// Byte and text helpers without Node's Buffer: the client runs in browsers,
// edge runtimes and Deno too (scripts/check-browser-bundle.mjs checks it).

const encoder = new TextEncoder();

/** Each byte as one char (U+0000–U+00FF): indexes in the string are byte offsets. */
export function latin1(bytes: Uint8Array): string {
  let text = "";
  // In slices: String.fromCharCode(...all) would overflow the stack on a large array.
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

/** Base64 (with padding) of the text's UTF-8 bytes. */
export function base64Utf8(text: string): string {
  return btoa(latin1(encoder.encode(text)));
}

/** Base64url (no padding) of the text's UTF-8 bytes. */
export function base64UrlUtf8(text: string): string {
  return base64Utf8(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The text's UTF-8 bytes as a latin1 string (see latin1). */
export function utf8Latin1(text: string): string {
  return latin1(encoder.encode(text));
}
