// The architecture is one direction of flow (design section 2). This test
// reads every import in src/ and fails when a layer reaches upward, past
// another layer's index.ts, or into process state outside the CLI.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const srcDir = join(import.meta.dirname, "../../src");

/** What each layer may import, besides itself, gen/ and version.ts. */
const allowed: Record<string, readonly string[]> = {
  errors: [],
  alloy: ["errors"],
  matchers: ["errors"],
  pipelines: ["errors", "matchers", "alloy"],
  loader: ["errors", "pipelines", "alloy"],
  plan: ["errors", "matchers", "pipelines", "alloy"],
  client: ["errors", "pipelines"],
  emulator: ["errors", "matchers", "pipelines", "alloy"],
  apply: ["errors", "matchers", "pipelines", "loader", "plan", "client", "alloy"],
  render: ["errors", "matchers", "pipelines", "plan", "apply", "alloy"],
  cli: ["errors", "matchers", "pipelines", "loader", "plan", "client", "apply", "render", "emulator", "alloy"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith(".ts") ? [path] : [];
  });
}

const sources = files(srcDir).map((path) => {
  const rel = relative(srcDir, path).split(sep);
  const layer = rel.length > 1 ? rel[0]! : "(root)";
  const text = readFileSync(path, "utf8");
  const imports = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((m) => m[1]!);
  return { path: relative(srcDir, path), layer, rel, text, imports };
});

describe("layering", () => {
  it("knows every layer folder", () => {
    const layers = new Set(sources.filter((s) => s.layer !== "(root)").map((s) => s.layer));
    expect([...layers].sort()).toEqual(Object.keys(allowed).sort());
  });

  for (const source of sources.filter((s) => s.layer !== "(root)")) {
    it(`${source.path} imports only downward, through index.ts`, () => {
      const problems: string[] = [];
      const depth = source.rel.length - 1; // folders below src/
      for (const spec of source.imports) {
        const target = join(srcDir, ...source.rel.slice(0, -1), spec);
        const targetRel = relative(srcDir, target).split(sep);
        if (targetRel[0] === "..") continue; // gen/ and other top-level folders
        const targetLayer = targetRel.length > 1 ? targetRel[0]! : "(root)";
        if (targetLayer === source.layer) continue;
        if (targetLayer === "(root)") {
          if (targetRel[0] !== "version.js") problems.push(`${spec}: root module`);
          continue;
        }
        if (!allowed[source.layer]!.includes(targetLayer)) problems.push(`${spec}: ${source.layer} may not import ${targetLayer}`);
        if (targetRel.length !== 2 || targetRel[1] !== "index.js") problems.push(`${spec}: import ${targetLayer} through its index.ts`);
      }
      expect(problems, `depth ${depth}`).toEqual([]);
    });
  }

  // The SDK entry loads the apply layer and the loader (node:fs) only on a
  // first call (src/on-demand.ts), and never the emulator or the CLI: that
  // keeps `import "fleet-pipelines"` light and bundlable for browsers.
  it("the SDK entry reaches apply and loader only through dynamic import(), and never the emulator or the CLI", () => {
    const problems: string[] = [];
    for (const source of sources.filter((s) => s.path === "index.ts" || s.path === "on-demand.ts")) {
      const staticImports = [...source.text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s*"(\.[^"]+)"/gm)].map((m) => m[1]!);
      for (const spec of staticImports) {
        const layer = spec.replace(/^\.\//, "").split("/")[0]!;
        const whole = spec === `./${layer}/index.js`;
        if (layer === "emulator" || layer === "cli") problems.push(`${source.path}: ${spec}`);
        if ((layer === "apply" || layer === "loader") && whole) problems.push(`${source.path}: ${spec} (load it in on-demand.ts)`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("only the CLI reads process.env or calls process.exit", () => {
    const offenders = sources
      .filter((s) => s.layer !== "cli" && /process\.(env|exit)\b/.test(s.text))
      .map((s) => s.path);
    expect(offenders).toEqual([]);
  });
});
