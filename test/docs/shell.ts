// The shell lines of the docs' `sh` blocks, split into words as a POSIX shell
// would for the simple commands the docs show (quotes, backslash line
// continuations, comments; no expansion).
import type { CodeBlock } from "./markdown.js";

export const SHELL_LANGS = new Set(["sh", "bash", "shell", "console"]);

export interface ShellLine {
  /** 1-based line in the Markdown file. */
  line: number;
  words: string[];
  /** The comment after the command, without `#`. */
  comment: string;
}

/** A block whose text holds `# needs: <what>` is documentation only: it needs an account, a network, … */
export function needs(block: CodeBlock): string | undefined {
  return /#\s*needs:\s*(.+)$/m.exec(block.code)?.[1]?.trim();
}

function split(text: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i]!;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "#" && word === undefined) {
      return { words, comment: text.slice(i + 1).trim() };
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i]!;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in: ${text}`);
  if (word !== undefined) words.push(word);
  return { words, comment: "" };
}

export function shellLines(block: CodeBlock): ShellLine[] {
  const out: ShellLine[] = [];
  const lines = block.code.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i]!;
    while (text.endsWith("\\") && i + 1 < lines.length) text = text.slice(0, -1) + " " + lines[++i]!;
    // A console transcript: only `$ ` lines are commands.
    if (block.lang === "console") {
      if (!text.startsWith("$ ")) continue;
      text = text.slice(2);
    }
    const { words, comment } = split(text);
    if (words.length === 0) continue;
    out.push({ line: block.line + 1 + start, words, comment });
  }
  return out;
}

/** The words after `fleet-pipelines` (or `npx fleet-pipelines`), or undefined for another program. */
export function cliArgs(words: readonly string[]): string[] | undefined {
  const start = words[0] === "npx" ? 1 : 0;
  return words[start] === "fleet-pipelines" ? words.slice(start + 1) : undefined;
}

/** The exit code a line's comment promises (`… (exit 2)`), 0 when it promises none. */
export function expectedExit(comment: string): number {
  const m = /\(exit (\d)\)/.exec(comment);
  return m ? Number(m[1]) : 0;
}
