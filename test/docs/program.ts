// The TypeScript side of the doc tests: the package's entry points as the
// docs import them, the names each one exports (types included), and one
// compiler program for every `ts` block of the docs.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { ROOT } from "./markdown.js";

export function baseCompilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("cannot read tsconfig.json");
  return parsed.options;
}

/**
 * The specifiers a user imports (`fleet-pipelines`, `fleet-pipelines/gen`, …),
 * from package.json `exports`, each with the source file tsconfig `paths`
 * maps it to (the examples and the doc blocks resolve the same way).
 */
export function entryPoints(options = baseCompilerOptions()): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; exports: Record<string, unknown> };
  const paths = options.paths ?? {};
  const base = options.pathsBasePath as string | undefined ?? ROOT;
  const entries = new Map<string, string>();
  for (const key of Object.keys(pkg.exports)) {
    if (key === "./package.json") continue;
    const specifier = key === "." ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, "")}`;
    const target = paths[specifier]?.[0];
    if (target === undefined) {
      throw new Error(`package.json exports ${key}, but tsconfig.json has no "paths" entry for ${specifier}: examples and doc blocks could not import it`);
    }
    entries.set(specifier, resolve(base, target));
  }
  return entries;
}

/** Every name each entry point exports, values and types alike. */
export function exportedNames(program: ts.Program, entries: Map<string, string>): Map<string, Set<string>> {
  const checker = program.getTypeChecker();
  const result = new Map<string, Set<string>>();
  for (const [specifier, file] of entries) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`${specifier}: ${file} is not in the program`);
    result.set(specifier, new Set(checker.getExportsOfModule(symbol).map((s) => s.getName())));
  }
  return result;
}

export function formatDiagnostic(d: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (!d.file || d.start === undefined) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${d.file.fileName}:${line + 1}:${character + 1}: ${text}`;
}
