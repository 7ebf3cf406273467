// The static checks Alloy's loader applies that need no component schema
// (spec section 6): what `alloy fmt` accepts but `alloy run` rejects, plus a
// few warnings. Messages follow upstream's where it has one.
import type { AlloyFile, BlockStatement, Expression, Position, Statement } from "./ast.js";
import { diagnosticAt, type AlloyDiagnostic, type AlloyDiagnosticSeverity } from "./diagnostics.js";
import { blockIdentity, referencesIn, walkAlloy } from "./walk.js";

/**
 * Where the text is loaded: a collector's root configuration, a module
 * (`declare` body semantics), a module loaded by `import.*`, or a Fleet
 * Management pipeline (loaded by remotecfg as a module; spec 6.4).
 */
export type AlloyCheckContext = "root" | "module" | "import" | "pipeline";

export interface AlloyCheckOptions {
  /** Shorthand for `context: "pipeline"`. */
  fleetPipeline?: boolean;
  context?: AlloyCheckContext;
  /** For `block ID already declared at FILE:LINE:COL` and the diagnostics; defaults to the file's. */
  filename?: string;
}

const SERVICE_BLOCKS = new Set(["http", "remotecfg", "livedebugging", "labelstore", "cluster", "ui", "otel"]);
const IMPORT_BLOCKS = new Set(["import.file", "import.string", "import.http", "import.git"]);
const CONFIG_BLOCKS = new Set(["logging", "tracing", "argument", "export", "foreach", "declare", ...IMPORT_BLOCKS]);
const LABELLED_CONFIG_BLOCKS = new Set(["argument", "export", "foreach", "declare", ...IMPORT_BLOCKS]);

const STDLIB = new Set([
  "sys",
  "convert",
  "array",
  "encoding",
  "string",
  "file",
  "coalesce",
  "json_path",
  "constants",
  // Deprecated aliases, still accepted.
  "env",
  "nonsensitive",
  "concat",
  "json_decode",
  "yaml_decode",
  "base64_decode",
  "format",
  "join",
  "replace",
  "split",
  "to_lower",
  "to_upper",
  "trim",
  "trim_prefix",
  "trim_suffix",
  "trim_space",
]);

interface Scope {
  /** Block identities that references can resolve to. */
  identities: Set<string>;
  /** Names of custom components (`declare` labels) visible here. */
  custom: Set<string>;
  /** Labels of `import.*` blocks: their namespaces. */
  namespaces: Set<string>;
  module: boolean;
}

export function checkAlloy(file: AlloyFile, options: AlloyCheckOptions = {}): AlloyDiagnostic[] {
  const context: AlloyCheckContext = options.fleetPipeline ? "pipeline" : (options.context ?? "root");
  const c = new Checker(options.filename ?? file.filename, context);
  c.body(file.body, context !== "root", undefined, true);
  // In source order (the sort is stable for diagnostics at the same place).
  return c.diagnostics.sort((a, b) => a.offset - b.offset);
}

class Checker {
  readonly diagnostics: AlloyDiagnostic[] = [];

  constructor(
    private readonly filename: string | undefined,
    private readonly context: AlloyCheckContext,
  ) {}

  private report(pos: Position, message: string, severity: AlloyDiagnosticSeverity = "error"): void {
    this.diagnostics.push(diagnosticAt(pos, message, severity, this.filename));
  }

  private where(pos: Position): string {
    return this.filename !== undefined ? `${this.filename}:${pos.line}:${pos.column}` : `${pos.line}:${pos.column}`;
  }

  /** A module body (the file, or a `declare` body): its own scope. */
  body(stmts: readonly Statement[], module: boolean, parent: Scope | undefined, top: boolean): void {
    const blocks = stmts.filter((s): s is BlockStatement => s.kind === "Block");
    const scope: Scope = {
      identities: new Set(),
      custom: new Set(parent?.custom ?? []),
      namespaces: new Set(parent?.namespaces ?? []),
      module,
    };
    for (const b of blocks) {
      const name = b.name.join(".");
      scope.identities.add(blockIdentity(b));
      if (name === "declare" && b.label !== "") scope.custom.add(b.label);
      if (IMPORT_BLOCKS.has(name) && b.label !== "") scope.namespaces.add(b.label);
    }
    for (const ns of scope.namespaces) scope.identities.add(ns);

    // Identities are unique per kind: declare blocks, configuration blocks, components.
    const seen = new Map<string, Position>();
    for (const s of stmts) {
      if (s.kind === "Attribute") {
        this.report(s.name.pos, `unrecognized attribute ${s.name.name}`);
        continue;
      }
      const name = s.name.join(".");
      const kind = name === "declare" ? "declare" : CONFIG_BLOCKS.has(name) || SERVICE_BLOCKS.has(name) ? "config" : "component";
      const id = blockIdentity(s);
      const key = `${kind}\u0000${id}`;
      const first = seen.get(key);
      if (first) this.report(s.namePos, `block ${id} already declared at ${this.where(first)}`);
      else seen.set(key, s.namePos);
      this.topBlock(s, name, kind, scope, top);
    }

    for (const s of stmts) this.references(s, scope, undefined);
  }

  private topBlock(b: BlockStatement, name: string, kind: string, scope: Scope, top: boolean): void {
    const ctx = this.context;
    if (name === "declare") {
      if (b.label === "declare") this.report(b.labelPos ?? b.namePos, "'declare' is not a valid label for a declare block");
    }
    if (LABELLED_CONFIG_BLOCKS.has(name) && b.label === "") this.report(b.namePos, `${name} block needs a label`, "warning");
    if ((name === "argument" || name === "export") && !scope.module) {
      this.report(b.namePos, `${name} blocks only allowed inside a module`);
    }
    if ((name === "logging" || name === "tracing") && scope.module) this.report(b.namePos, `${name} block not allowed inside a module`);
    if (SERVICE_BLOCKS.has(name) && scope.module) this.report(b.namePos, `service blocks not allowed inside a module: "${name}"`);
    if (top && ctx === "import" && name !== "declare" && !IMPORT_BLOCKS.has(name)) {
      this.report(b.namePos, `only declare and import blocks are allowed at the top level of a module loaded by import, got ${name}`);
    }
    if (top && ctx === "pipeline" && name === "argument") {
      const optional = b.body.some((s) => s.kind === "Attribute" && s.name.name === "optional" && s.value.kind === "Literal" && s.value.text === "true");
      this.report(
        b.namePos,
        optional
          ? `argument block in a pipeline: only the arguments Fleet Management injects (argument.pipeline_exports) are known to work`
          : `argument "${b.label}" is not optional: a pipeline gets no module arguments (missing required argument "${b.label}" to module)`,
        "warning",
      );
    }
    if (kind === "component" && b.label === "" && !this.isCustom(name, scope)) {
      this.report(b.namePos, `component "${name}" must have a label`);
    }
    if (name === "declare") {
      // A declare body is a module of its own, with its own scope.
      this.body(b.body, true, scope, false);
      return;
    }
    this.blockContents(b);
  }

  private isCustom(name: string, scope: Scope): boolean {
    if (scope.custom.has(name)) return true;
    const dot = name.indexOf(".");
    return dot > 0 && scope.namespaces.has(name.slice(0, dot));
  }

  /** Duplicate attributes in this block and every nested block; literal warnings. */
  private blockContents(b: BlockStatement): void {
    this.blockAttributes(b);
    for (const s of b.body) {
      if (s.kind === "Block") this.blockContents(s);
    }
  }

  private blockAttributes(b: BlockStatement): void {
    const names = new Set<string>();
    for (const s of b.body) {
      if (s.kind !== "Attribute") continue;
      if (names.has(s.name.name)) this.report(s.name.pos, `attribute "${s.name.name}" may only be provided once`);
      names.add(s.name.name);
      this.literals(s.value);
    }
  }

  private literals(e: Expression): void {
    walkAlloy(e, (node) => {
      if (node.kind === "Literal" && node.literalKind === "NUMBER" && node.text.length > 1 && node.text.startsWith("0")) {
        const octal = /^[0-7]+$/.test(node.text);
        this.report(
          node.pos,
          octal
            ? `integer ${node.text} has a leading zero: Alloy reads it as octal (${parseInt(node.text, 8)})`
            : `integer ${node.text} has a leading zero and is not octal: Alloy reads it as the float ${Number(node.text)}`,
          "warning",
        );
      } else if (node.kind === "Object") {
        const keys = new Set<string>();
        for (const f of node.fields) {
          if (keys.has(f.key.name)) this.report(f.key.pos, `key "${f.key.name}" repeated in the object: the last one wins`, "warning");
          keys.add(f.key.name);
        }
      }
      return true;
    });
  }

  /** References that resolve to nothing in scope (spec 6.3). */
  private references(s: Statement, scope: Scope, loopVar: string | undefined): void {
    if (s.kind === "Attribute") {
      this.checkRefs(s.value, scope, loopVar);
      return;
    }
    const name = s.name.join(".");
    if (name === "declare") return; // its own scope, checked by body()
    let v = loopVar;
    let inner = scope;
    if (name === "foreach") {
      for (const a of s.body) {
        if (a.kind === "Attribute" && a.name.name === "var" && a.value.kind === "Literal" && a.value.literalKind === "STRING") {
          v = a.value.text.slice(1, -1);
        }
      }
      // The components of a template are instantiated together and can read each other.
      const identities = new Set(scope.identities);
      for (const t of s.body) {
        if (t.kind === "Block" && t.name.join(".") === "template") {
          for (const b of t.body) if (b.kind === "Block") identities.add(blockIdentity(b));
        }
      }
      inner = { ...scope, identities };
    }
    for (const stmt of s.body) this.references(stmt, inner, v);
  }

  private checkRefs(e: Expression, scope: Scope, loopVar: string | undefined): void {
    for (const ref of referencesIn(e)) {
      const first = ref.path[0]!;
      if (STDLIB.has(first) || first === loopVar) continue;
      // Fleet Management injects arguments (argument.pipeline_exports) that no block declares.
      if (first === "argument" && this.context === "pipeline") continue;
      let prefix = "";
      let found = false;
      for (const part of ref.path) {
        prefix = prefix === "" ? part : `${prefix}.${part}`;
        if (scope.identities.has(prefix)) {
          found = true;
          break;
        }
      }
      if (found) continue;
      this.report(
        ref.pos,
        `component "${ref.path.join(".")}" does not exist or is out of scope`,
        this.context === "pipeline" ? "warning" : "error",
      );
    }
  }
}
