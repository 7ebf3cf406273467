// Names as one command-line argument, so that every hint naming a flag works
// when copied as it is printed: `--allow-takeover` takes a comma-separated
// list, so a comma, a backslash or edge whitespace inside a name is escaped
// with a backslash, and the whole value is quoted for a POSIX shell.
// `parseNameList` in the CLI reads the same escapes back.

/** `a,b` → `a,b`; `x,y` (one name) → `'x\,y'`; `it's` → `'it'\''s'`. */
export function nameListArgument(names: readonly string[]): string {
  return shellWord(names.map(escapeName).join(","));
}

/** Splits a flag value on unescaped commas, undoes the escapes, trims unescaped edge whitespace. */
export function parseNameList(value: string): string[] {
  const out: string[] = [];
  let current = "";
  // Positions in `current` of the first and last escaped character, which trimming keeps.
  let keepFrom = -1;
  let keepTo = -1;
  const finish = (): void => {
    let start = 0;
    let end = current.length;
    while (start < end && (keepFrom < 0 || start < keepFrom) && /\s/.test(current[start]!)) start++;
    while (end > start && (keepTo < 0 || end - 1 > keepTo) && /\s/.test(current[end - 1]!)) end--;
    const name = current.slice(start, end);
    if (name !== "") out.push(name);
    current = "";
    keepFrom = -1;
    keepTo = -1;
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\" && i + 1 < value.length) {
      if (keepFrom < 0) keepFrom = current.length;
      keepTo = current.length;
      current += value[++i]!;
    } else if (c === ",") {
      finish();
    } else {
      current += c;
    }
  }
  finish();
  return out;
}

function escapeName(name: string): string {
  let out = name.replace(/[\\,]/g, (c) => `\\${c}`);
  const lead = /^\s+/.exec(out)?.[0] ?? "";
  const trail = /\s+$/.exec(out.slice(lead.length))?.[0] ?? "";
  if (lead !== "") out = lead.replace(/[\s\S]/g, (c) => `\\${c}`) + out.slice(lead.length);
  if (trail !== "") out = out.slice(0, out.length - trail.length) + trail.replace(/[\s\S]/g, (c) => `\\${c}`);
  return out;
}

/** The text as one POSIX shell word: bare when it holds nothing the shell reads, else single-quoted. */
function shellWord(text: string): string {
  if (text !== "" && /^[A-Za-z0-9_.,:@%+=\/-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
