// Property: whatever bytes a pipeline name, a file path, a namespace, a
// server message or a matcher holds, no renderer and no CLI printer lets a
// raw control character (C0 but the line feeds the CLI writes itself, C1,
// DEL), a bidi control or a line separator through, and no line starts with
// `::` (a GitHub workflow command) unless it is an annotation the CLI wrote.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApplyResult } from "../../src/apply/index.js";
import { annotation, findingAnnotations, loadIssueAnnotations } from "../../src/cli/github.js";
import { reportFailure } from "../../src/cli/failure.js";
import { FleetError } from "../../src/errors/index.js";
import { formatLoadIssue, LoadError, type LoadIssue } from "../../src/loader/index.js";
import type { PipelineSpec, RemotePipeline } from "../../src/pipelines/index.js";
import { planSync } from "../../src/plan/index.js";
import {
  renderFindingMarkdown,
  renderFindingText,
  renderPlanMarkdown,
  renderPlanText,
  renderResultMarkdown,
  renderResultText,
} from "../../src/render/index.js";
import { testIo } from "../cli/cli-helpers.js";

// Every character the runner, a terminal or a bidi algorithm treats specially, and the pieces of a workflow command.
const NASTY = [
  ..."\u0000\u0007\u0008\t\n\u000b\u000c\r\u001b\u007f\u0080\u0085\u009b\u009c",
  ..."\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2028\u2029\u2066\u2067\u2068\u2069\ufeff",
  "::",
  "::add-mask::",
  "\n::error file=README.md::forged\n",
  "\u001b]0;title\u0007",
  "\u001b[2J",
  "%",
  ",",
  ":",
  "`",
  "|",
  "<",
];

const hostile = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 4 }), fc.string({ unit: "binary", maxLength: 3 })), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(""));

/** Raw characters that must never reach output; a line feed is allowed (the CLI writes its own). */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** `ownAnnotations`: lines the CLI writes as workflow commands may be in this output (under --json, on stderr). */
function expectClean(output: string, label: string, ownAnnotations = false): void {
  const raw = RAW.exec(output);
  expect(raw, `${label}: raw U+${raw?.[0].charCodeAt(0).toString(16).padStart(4, "0")} in ${JSON.stringify(output.slice(Math.max(0, (raw?.index ?? 0) - 40), (raw?.index ?? 0) + 40))}`).toBeNull();
  for (const line of output.split("\n")) {
    if (ownAnnotations && OWN_ANNOTATION.test(line)) continue;
    expect(line.trim().startsWith("::"), `${label}: a line starts with "::": ${JSON.stringify(line)}`).toBe(false);
  }
}

const OWN_ANNOTATION = /^::(error|warning|notice) file=[^:]*::/;

/** Annotations: every line is one workflow command the CLI wrote, nothing else. */
function expectOwnAnnotations(lines: string[], label: string): void {
  for (const text of lines) {
    expect(text.endsWith("\n")).toBe(true);
    const body = text.slice(0, -1);
    expect(RAW.exec(body), label).toBeNull();
    expect(body.includes("\n"), label).toBe(false);
    expect(body, label).toMatch(OWN_ANNOTATION);
  }
}


describe("no raw control character or workflow command through any renderer", () => {
  it("plan text and Markdown, findings, with hostile names, files, matchers and namespaces", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, hostile, (name, file, other, namespace, matcher) => {
        const desired: PipelineSpec[] = [
          { name, contents: "// a\n", file, matchers: [matcher] },
          { name: other, contents: "// b\n", file: `${file}/2` },
        ];
        const remote: RemotePipeline[] = [
          { id: "1", source: { type: "git", namespace: "repo" }, spec: { name: other, contents: "// old\n", matchers: [], enabled: true, configType: "alloy" } },
          { id: "2", source: { type: "terraform", namespace }, spec: { name, contents: "// tf\n", matchers: [], enabled: true, configType: "alloy" } },
          { id: "3", source: { type: "git", namespace: "repo" }, spec: { name: `${name}${other}`, contents: "// gone\n", matchers: [], enabled: true, configType: "alloy" } },
        ];
        const plan = planSync({ desired, remote, scope: { type: "git", namespace: namespace === "" ? "repo" : namespace } });
        expectClean(renderPlanText(plan), "text");
        expectClean(renderPlanText(plan, { color: false, showUnchanged: true }), "text (all)");
        expectClean(renderPlanMarkdown(plan, { title: name }), "markdown");
        for (const finding of plan.findings) {
          expectClean(renderFindingText(finding).join("\n"), "finding text");
          expectClean(renderFindingMarkdown(finding), "finding markdown");
        }
        expectOwnAnnotations(findingAnnotations(plan.findings), "finding annotations");
      }),
      { numRuns: 150 },
    );
  });

  it("apply results with hostile names and server messages", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (name, message, namespace) => {
        const result = {
          mode: "fallback",
          scope: { type: "git", namespace },
          ok: false,
          calls: { total: 3, byMethod: { ListPipelines: 2, UpsertPipeline: 1 } },
          durationMs: 12,
          changes: { created: [name], updated: [], deleted: [name], takenOver: [] },
          unchanged: 0,
          alreadyDone: [name],
          failures: [{ action: "update", name, code: message, message }],
          skipped: [],
          overwritten: [],
          verification: { ok: false, missing: [name], unexpected: [name], different: [{ name, diff: [] }] },
        } as unknown as ApplyResult;
        expectClean(renderResultText(result), "result text");
        expectClean(renderResultMarkdown(result), "result markdown");
      }),
      { numRuns: 150 },
    );
  });

  it("loader issues and annotations with hostile files, pipelines and messages", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (file, pipeline, message) => {
        const issue: LoadIssue = { code: "UNKNOWN_KEY", severity: "error", file, pipeline, message, line: 2, column: 1 };
        expectClean(formatLoadIssue(issue), "load issue");
        expectOwnAnnotations(loadIssueAnnotations([issue, { ...issue, severity: "warning" }]), "load annotations");
        expectOwnAnnotations([annotation("error", message, { file, title: pipeline, line: 1 })], "annotation");
      }),
      { numRuns: 200 },
    );
  });
});

describe("the CLI error printer", () => {
  it("prints any error message as one escaped line, and under --json one JSON document", () => {
    fc.assert(
      fc.property(hostile, hostile, fc.boolean(), fc.integer({ min: 0, max: 3 }), (message, dir, json, kind) => {
        const io = testIo({ GITHUB_ACTIONS: "true" });
        const issue: LoadIssue = { code: "INVALID_YAML", severity: "error", file: dir, pipeline: message, message, line: 1 };
        const error =
          kind === 0
            ? new Error(message)
            : kind === 1
              ? new FleetError("USAGE", message)
              : kind === 2
                ? new LoadError(dir, [issue])
                : Object.assign(new Error(`[internal] ${message}`), { name: "ConnectError", code: 13 });
        const code = reportFailure(error, { io, json, wroteStdout: false, dir, usage: "Usage: fleet-pipelines plan" });
        expect([1, 3]).toContain(code);
        expectClean(io.err(), "stderr", json);
        if (json) {
          // stdout: one JSON document (annotations then go to stderr, already checked line by line).
          const body = JSON.parse(io.out()) as { error: { message: string }; findings: unknown[] };
          expect(typeof body.error.message).toBe("string");
        } else {
          const lines = io.out().split(/(?<=\n)/).filter((l) => l !== "");
          expectOwnAnnotations(lines, "stdout annotations");
        }
      }),
      { numRuns: 300 },
    );
  });
});
