// The docs may only name what exists: commands and flags the CLI defines,
// names the package's entry points export, client methods the client has,
// links that resolve. And what exists must be documented: every command's
// flags in docs/cli.md, every finding code, every option of the main option
// types, every error class, every example script.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { COMMANDS, EXIT_BLOCKED, EXIT_CHANGES, EXIT_ERROR, EXIT_OK } from "../../src/cli/index.js";
import { FINDING_CODES } from "../../src/plan/index.js";
import { allDocs, parseDoc, ROOT, type ParsedDoc } from "./markdown.js";
import { baseCompilerOptions, entryPoints, exportedNames } from "./program.js";
import { cliArgs, SHELL_LANGS, shellLines } from "./shell.js";

const docs = allDocs();
const doc = (file: string): ParsedDoc => {
  const found = docs.find((d) => d.file === file);
  if (!found) throw new Error(`${file} is missing`);
  return found;
};

/** Flags as the CLI's help defines them: lines that start with the flag. */
function usageFlags(usage: string): Set<string> {
  return new Set([...usage.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((m) => m[1]!));
}
const GLOBAL_FLAGS = new Set(["--help", "-h", "--version", "-v"]);
/** Refused on purpose (documented as refused): a token on the command line. */
const REFUSED_FLAGS = new Set(["--token"]);

let flagsOf = new Map<string, Set<string>>();
let allFlags = new Set<string>();
let exportsOf = new Map<string, Set<string>>();
let program: ts.Program;

beforeAll(async () => {
  for (const entry of COMMANDS) flagsOf.set(entry.name, usageFlags((await entry.load()).usage));
  allFlags = new Set([...flagsOf.values()].flatMap((s) => [...s]));
  const options = baseCompilerOptions();
  const entries = entryPoints(options);
  program = ts.createProgram([...entries.values()], options);
  exportsOf = exportedNames(program, entries);
});

/** The `## ` / `### ` sections of a page, by heading text. */
function sections(d: ParsedDoc): { heading: string; level: number; line: number; text: string }[] {
  const lines = d.text.split("\n");
  const out: { heading: string; level: number; line: number; text: string }[] = [];
  let inFence = false;
  lines.forEach((l, i) => {
    if (/^ {0,3}(```|~~~)/.test(l)) inFence = !inFence;
    const m = !inFence && /^(#{1,6}) (.*)$/.exec(l);
    if (m) out.push({ heading: m[2]!.trim(), level: m[1]!.length, line: i + 1, text: "" });
    else if (out.length) out[out.length - 1]!.text += l + "\n";
  });
  return out;
}

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/<[^>]+>/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(d: ParsedDoc): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const s of sections(d)) {
    const base = slug(s.heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe("commands and flags named in the docs exist", () => {
  it("every `fleet-pipelines <command> --flag` in sh blocks and inline code", () => {
    const problems: string[] = [];
    const check = (at: string, args: string[]): void => {
      const [command, ...rest] = args;
      if (command === undefined || GLOBAL_FLAGS.has(command) || command.startsWith("<")) return;
      if (command === "help") {
        if (rest[0] !== undefined && !rest[0].startsWith("<") && !flagsOf.has(rest[0])) problems.push(`${at}: no command "${rest[0]}"`);
        return;
      }
      const flags = flagsOf.get(command);
      if (!flags) return void problems.push(`${at}: no command "${command}" (commands: ${[...flagsOf.keys()].join(", ")})`);
      for (const word of rest) {
        if (word.startsWith("<")) continue; // a placeholder: `fleet-pipelines <command> [flags]`
        const flag = /^(--?[a-z][a-z0-9-]*)/.exec(word)?.[1];
        if (flag && !flags.has(flag) && !GLOBAL_FLAGS.has(flag) && !REFUSED_FLAGS.has(flag)) problems.push(`${at}: "${command}" has no flag ${flag}`);
      }
    };
    for (const d of docs) {
      for (const b of d.blocks.filter((x) => SHELL_LANGS.has(x.lang))) {
        for (const line of shellLines(b)) {
          const args = cliArgs(line.words);
          if (args) check(`${d.file}:${line.line}`, args);
        }
      }
      for (const span of d.inline) {
        const m = /^(?:npx )?fleet-pipelines\s+(.*)$/.exec(span.text);
        if (m) check(`${d.file}:${span.line}`, m[1]!.split(/\s+/));
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("every inline `--flag` is a flag of some command", () => {
    const problems = docs.flatMap((d) =>
      d.inline.flatMap((span) => {
        const flag = /^(--[a-z][a-z0-9-]*)(?:[ =]|$)/.exec(span.text)?.[1];
        return flag && !allFlags.has(flag) && !GLOBAL_FLAGS.has(flag) && !REFUSED_FLAGS.has(flag) ? [`${d.file}:${span.line}: no command has ${flag}`] : [];
      }),
    );
    expect(problems, problems.join("\n")).toEqual([]);
  });
});

describe("docs/cli.md documents the whole command line", () => {
  it("has a section per command that covers each of its flags (or a shared flags section does)", () => {
    const cli = doc("docs/cli.md");
    const all = sections(cli);
    const shared = all.filter((s) => /flags/i.test(s.heading) && !/fleet-pipelines \w/.test(s.heading)).map((s) => s.text).join("\n");
    const problems: string[] = [];
    for (const [command, flags] of flagsOf) {
      const own = all.find((s) => new RegExp(`\`fleet-pipelines ${command}\``).test(s.heading));
      if (!own) {
        problems.push(`no section headed \`fleet-pipelines ${command}\``);
        continue;
      }
      for (const flag of flags) {
        if (GLOBAL_FLAGS.has(flag)) continue;
        const named = new RegExp(`\`${flag}(?:[ =][^\`]*)?\``);
        if (!named.test(own.text) && !named.test(shared)) problems.push(`${command} ${flag} is not documented`);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("lists in a command's own section only flags that command has", () => {
    const problems: string[] = [];
    for (const s of sections(doc("docs/cli.md"))) {
      const command = /`fleet-pipelines (\w+)`/.exec(s.heading)?.[1];
      const flags = command === undefined ? undefined : flagsOf.get(command);
      if (!flags) continue;
      for (const row of s.text.split("\n").filter((l) => /^\|\s*`--/.test(l))) {
        const flag = /^\|\s*`(--[a-z][a-z0-9-]*)/.exec(row)![1]!;
        if (!flags.has(flag)) problems.push(`${command} documents ${flag}, which it does not have`);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("gives every flag row a type and a default", () => {
    const problems: string[] = [];
    for (const s of sections(doc("docs/cli.md"))) {
      const rows = s.text.split("\n").filter((l) => l.startsWith("|"));
      const header = rows[0]?.split("|").map((c) => c.trim().toLowerCase());
      if (!header || !rows.slice(2).some((r) => /^\|\s*`--/.test(r))) continue;
      const type = header.indexOf("type");
      const def = header.indexOf("default");
      if (type < 0 || def < 0) {
        problems.push(`${s.heading}: flag table without Type and Default columns`);
        continue;
      }
      for (const r of rows.slice(2)) {
        const cells = r.split("|").map((c) => c.trim());
        if (!cells[1]?.startsWith("`--")) continue;
        if (!cells[type] || !cells[def]) problems.push(`${s.heading}: ${cells[1]} lacks a type or a default`);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("has an exit codes table with every code", () => {
    const exit = sections(doc("docs/cli.md")).find((s) => /exit codes/i.test(s.heading));
    expect(exit, "a section headed Exit codes").toBeDefined();
    for (const code of [EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_BLOCKED]) expect(exit!.text).toMatch(new RegExp(`^\\|\\s*${code}\\s*\\|`, "m"));
  });
});

/** The type an entry point exports under `name`. */
function exportedType(specifier: string, name: string): ts.Type | undefined {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entryPoints().get(specifier)!)!;
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.getName() === name);
  return symbol && checker.getDeclaredTypeOfSymbol(symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
}

/** Methods and properties of the objects users call into: the client, its resources, the emulator. */
function memberNames(): Set<string> {
  const checker = program.getTypeChecker();
  const names = new Set<string>();
  const add = (type: ts.Type | undefined): void => {
    for (const p of type?.getProperties() ?? []) names.add(p.getName());
  };
  const client = exportedType("fleet-pipelines", "FleetClient");
  add(client);
  for (const prop of ["pipelines", "collectors"]) {
    const p = client?.getProperty(prop);
    if (p) add(checker.getTypeOfSymbol(p));
  }
  add(exportedType("fleet-pipelines/emulator", "Emulator"));
  return names;
}

describe("names the docs import or call exist", () => {
  it("every name imported from an entry point in a ts block is exported by it", () => {
    const problems: string[] = [];
    for (const d of docs) {
      for (const b of d.blocks.filter((x) => x.lang === "ts" || x.lang === "typescript")) {
        for (const m of b.code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+["']([^"']+)["']/g)) {
          const specifier = m[2]!;
          if (!specifier.startsWith("fleet-pipelines")) continue;
          const names = exportsOf.get(specifier);
          if (!names) {
            problems.push(`${d.file}:${b.line}: "${specifier}" is not an entry point (${[...exportsOf.keys()].join(", ")})`);
            continue;
          }
          for (const raw of m[1]!.split(",")) {
            const name = raw.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0]!;
            if (name && !names.has(name)) problems.push(`${d.file}:${b.line}: "${specifier}" does not export ${name}`);
          }
        }
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("every function named in inline code (`name(…)`) is exported by an entry point, or a method of the client or the emulator", () => {
    const everything = new Set([...exportsOf.values()].flatMap((s) => [...s]));
    for (const name of memberNames()) everything.add(name);
    const problems = docs.flatMap((d) =>
      d.inline.flatMap((span) => {
        const name = /^([A-Za-z_$][\w$]*)\(/.exec(span.text)?.[1];
        return name && !everything.has(name) ? [`${d.file}:${span.line}: ${name} is not exported`] : [];
      }),
    );
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("every `fleet.pipelines.x` / `fleet.collectors.x` in the docs is a method of the client", () => {
    const checker = program.getTypeChecker();
    const index = program.getSourceFile(entryPoints().get("fleet-pipelines")!)!;
    const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(index)!).find((s) => s.getName() === "FleetClient");
    expect(symbol, "FleetClient is exported").toBeDefined();
    const client = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol!));
    const members = (prop: string): Set<string> => {
      const p = client.getProperty(prop);
      if (!p) return new Set();
      return new Set(checker.getTypeOfSymbol(p).getProperties().map((s) => s.getName()));
    };
    const known = { pipelines: members("pipelines"), collectors: members("collectors") };
    const problems: string[] = [];
    for (const d of docs) {
      const lines = d.text.split("\n");
      lines.forEach((l, i) => {
        for (const m of l.matchAll(/\bfleet\.(pipelines|collectors)\.([A-Za-z]\w*)/g)) {
          if (!known[m[1] as "pipelines" | "collectors"].has(m[2]!)) problems.push(`${d.file}:${i + 1}: fleet.${m[1]}.${m[2]} does not exist`);
        }
      });
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });
});

describe("what exists is documented", () => {
  it("docs/plan.md has a row for every finding code, in the order of FINDING_CODES", () => {
    const rows = [...doc("docs/plan.md").text.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]!);
    expect(rows.filter((c) => (FINDING_CODES as readonly string[]).includes(c))).toEqual([...FINDING_CODES]);
  });

  it("docs/folder-format.md names every loader issue code", () => {
    const union = exportedType("fleet-pipelines", "LoadIssueCode");
    const codes = (union?.isUnion() ? union.types : []).map((t) => (t.isStringLiteral() ? t.value : "")).filter((c) => c !== "");
    expect(codes.length).toBeGreaterThan(10);
    const text = doc("docs/folder-format.md").text;
    expect(codes.filter((c) => !text.includes(`\`${c}\``))).toEqual([]);
  });

  it("every error class the package exports is in an error table", async () => {
    const index = (await import("../../src/index.js")) as Record<string, unknown>;
    const classes = Object.entries(index)
      .filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof Error)
      .map(([k]) => k);
    const text = docs.map((d) => d.text).join("\n");
    const missing = classes.filter((c) => !new RegExp(`^\\|\\s*\`${c}\``, "m").test(text));
    expect(classes.length).toBeGreaterThan(3);
    expect(missing).toEqual([]);
  });

  it.each([
    ["FleetClientOptions", "docs/client.md"],
    ["RetryOptions", "docs/client.md"],
    ["RequestOptions", "docs/client.md"],
    ["SyncPolicy", "docs/plan.md"],
    ["EmulatorOptions", "docs/emulator.md"],
    ["FaultOptions", "docs/emulator.md"],
    ["ApplyOptions", "docs/library.md"],
    ["LoadOptions", "docs/folder-format.md"],
  ])("every option of %s is a table row of %s", (typeName, file) => {
    const checker = program.getTypeChecker();
    const all = [...exportsOf.keys()].map((s) => program.getSourceFile(entryPoints().get(s)!)!);
    const symbol = all
      .flatMap((sf) => checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!))
      .find((s) => s.getName() === typeName);
    expect(symbol, `${typeName} is exported`).toBeDefined();
    const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol!));
    const text = doc(file).text;
    const missing = type
      .getProperties()
      .map((p) => p.getName())
      .filter((name) => !new RegExp(`^\\|\\s*\`${name}\``, "m").test(text));
    expect(missing).toEqual([]);
  });

  it("examples/README.md lists every example script with what it shows", () => {
    const text = doc("examples/README.md").text;
    const scripts = readdirSync(join(ROOT, "examples/scripts")).filter((f) => f.endsWith(".ts"));
    const missing = scripts.filter((f) => !new RegExp(`\\(scripts/${f.replace(".", "\\.")}\\)[^\\n]*\\S{10,}`).test(text));
    expect(missing).toEqual([]);
  });
});

describe("the pages hold together", () => {
  it("every relative link resolves, anchors included", () => {
    const problems: string[] = [];
    for (const d of docs) {
      const lines = d.text.split("\n");
      lines.forEach((l, i) => {
        for (const m of l.matchAll(/\]\(([^)\s]+)\)/g)) {
          const target = m[1]!;
          if (/^[a-z]+:/.test(target)) continue;
          const [path, anchor] = target.split("#");
          const file = path ? resolve(dirname(join(ROOT, d.file)), path) : join(ROOT, d.file);
          if (!existsSync(file)) {
            problems.push(`${d.file}:${i + 1}: ${target} does not exist`);
            continue;
          }
          if (anchor && file.endsWith(".md") && statSync(file).isFile()) {
            const other = parseDoc(file.slice(ROOT.length + 1));
            if (!anchors(other).has(anchor)) problems.push(`${d.file}:${i + 1}: no heading for #${anchor} in ${path || d.file}`);
          }
        }
      });
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("every docs page opens with a table of contents of its sections", () => {
    const problems: string[] = [];
    for (const d of docs.filter((x) => x.file.startsWith("docs/"))) {
      const firstSection = d.text.search(/^## /m);
      const head = firstSection < 0 ? d.text : d.text.slice(0, firstSection);
      for (const s of sections(d).filter((x) => x.level === 2)) {
        if (!head.includes(`(#${slug(s.heading)})`)) problems.push(`${d.file}: the contents do not link "${s.heading}"`);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("README.md is short, starts with the two fresh-machine commands, and links the pages", () => {
    const readme = doc("README.md");
    expect(Buffer.byteLength(readme.text)).toBeLessThanOrEqual(15 * 1024);
    const top = readme.text.split("\n").slice(0, 40).join("\n");
    expect(top).toContain("npm ci && npm run demo");
    expect(top).toMatch(/^npm test\b/m);
    const pages = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    for (const page of [...pages.map((p) => `docs/${p}`), "CHANGELOG.md", "examples/README.md"]) {
      expect(readme.text, `README links ${page}`).toContain(`](${page}`);
    }
  });
});
