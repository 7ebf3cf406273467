// Reads the documentation as the doc tests see it: which files count as docs,
// their fenced code blocks, and their inline code spans, each with its line.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export const ROOT = join(import.meta.dirname, "../..");

/** README.md, every docs/*.md and examples/README.md, as paths relative to the repository. */
export function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs, "examples/README.md"];
}

export interface CodeBlock {
  /** Repository-relative path of the Markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** First word of the info string, lower-cased (`ts`, `sh`, …). */
  lang: string;
  /** The words after the language (`no-run`, …). */
  flags: string[];
  code: string;
}

export interface InlineCode {
  file: string;
  line: number;
  text: string;
}

export interface ParsedDoc {
  file: string;
  text: string;
  blocks: CodeBlock[];
  inline: InlineCode[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

export function parseDoc(file: string, text = readFileSync(join(ROOT, file), "utf8")): ParsedDoc {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  const inline: InlineCode[] = [];
  let open: { fence: string; line: number; lang: string; flags: string[]; body: string[] } | undefined;
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    const fence = FENCE.exec(line);
    if (open) {
      if (fence && fence[1]!.startsWith(open.fence[0]!) && fence[1]!.length >= open.fence.length && fence[2]!.trim() === "") {
        blocks.push({ file, line: open.line, lang: open.lang, flags: open.flags, code: open.body.join("\n") + "\n" });
        open = undefined;
      } else {
        open.body.push(line);
      }
      return;
    }
    if (fence) {
      const [lang = "", ...flags] = fence[2]!.trim().split(/\s+/).filter((w) => w !== "");
      open = { fence: fence[1]!, line: index + 1, lang: lang.toLowerCase(), flags, body: [] };
      return;
    }
    for (const match of line.matchAll(/(`+)([^`]|[^`].*?[^`])\1(?!`)/g)) {
      inline.push({ file, line: index + 1, text: match[2]!.trim() });
    }
  });
  if (open) throw new Error(`${file}:${open.line}: code fence never closed`);
  return { file, text, blocks, inline };
}

export function allDocs(): ParsedDoc[] {
  return docFiles().map((f) => parseDoc(f));
}

/** `file:line`, for failure messages that can be clicked. */
export function where(item: { file: string; line: number }): string {
  return `${item.file}:${item.line}`;
}

export function rel(path: string): string {
  return relative(ROOT, path);
}
