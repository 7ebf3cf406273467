// The bad-input corpus: one folder per mistake under test/fixtures/loader/bad.
// Each must fail the whole load with its code, naming the file and the pipeline.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatLoadIssue, LoadError, loadPipelines } from "../../src/loader/index.js";

const corpus = join(import.meta.dirname, "../fixtures/loader/bad");

interface Case {
  code: string;
  file: string;
  pipeline?: string;
  line?: number;
  /** Text the message must contain. */
  says?: string;
  /** Folder to load, relative to the case folder. Default ".". */
  dir?: string;
}

const cases: Record<string, Case> = {
  "unknown-key": { code: "UNKNOWN_KEY", file: "node.yaml", pipeline: "node", line: 2, says: 'unknown key "enabledd" (did you mean "enabled"?)' },
  "unknown-key-camel-case": { code: "UNKNOWN_KEY", file: "node.yaml", pipeline: "node", line: 2, says: 'did you mean "config_type"?' },
  "unknown-key-unrelated": { code: "UNKNOWN_KEY", file: "node.yaml", pipeline: "node", line: 2, says: "known keys: name, enabled" },
  "unknown-key-not-string": { code: "UNKNOWN_KEY", file: "node.yaml", pipeline: "node", line: 2, says: "plain strings" },
  "enabled-quoted-string": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 1, says: "without quotes" },
  "enabled-yes": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 1, says: "YAML 1.2" },
  "enabled-null": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 1, says: "enabled must be true or false" },
  "name-number": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 1, says: "quote it" },
  "name-null": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 1, says: "name is empty" },
  "name-empty": { code: "INVALID_NAME", file: "node.yaml", pipeline: "node", line: 1 },
  "name-control-character": { code: "CONTROL_CHARACTERS", file: "node.yaml", pipeline: "node", line: 1, says: "\\x07" },
  "name-bidi-override": { code: "CONTROL_CHARACTERS", file: "node.yaml", pipeline: "node", line: 1, says: "\\u202e" },
  "matchers-string": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 2, says: "list of strings" },
  "matchers-number-item": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 4, says: "matcher 2" },
  "matchers-mapping-item": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 3, says: "quote the whole matcher" },
  "matchers-empty-item": { code: "INVALID_VALUE", file: "node.yaml", pipeline: "node", line: 2, says: "matcher 1 is empty" },
  "matchers-control-character": { code: "CONTROL_CHARACTERS", file: "node.yaml", pipeline: "node", line: 2 },
  "matchers-too-many": { code: "TOO_MANY_MATCHERS", file: "node.yaml", pipeline: "node", line: 3, says: "101 matchers" },
  "config-type-unknown": { code: "INVALID_VALUE", file: "node.yaml", pipeline: "node", line: 2, says: '"prometheus"' },
  "config-type-wrong-case": { code: "INVALID_VALUE", file: "node.yaml", pipeline: "node", line: 2, says: 'did you mean "otel"?' },
  "config-type-number": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 2 },
  "metadata-list": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 2, says: "JSON object" },
  "metadata-string": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 2 },
  "metadata-infinity": { code: "INVALID_VALUE", file: "node.yaml", pipeline: "node", line: 3, says: "metadata.limit is Infinity" },
  "metadata-binary-tag": { code: "INVALID_VALUE", file: "node.yaml", pipeline: "node", line: 3, says: "metadata.blob" },
  "metadata-proto-key": { code: "INVALID_VALUE", file: "node.yaml", pipeline: "node", line: 3, says: "__proto__" },
  "contents-mapping": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 4, says: "contents: |" },
  "contents-empty-inline": { code: "EMPTY_CONTENTS", file: "node.yaml", pipeline: "node", line: 2 },
  "contents-blank-inline": { code: "EMPTY_CONTENTS", file: "node.yaml", pipeline: "node", line: 2 },
  "contents-nul-inline": { code: "CONTROL_CHARACTERS", file: "node.yaml", pipeline: "node", line: 2 },
  "contents-file-empty": { code: "EMPTY_CONTENTS", file: "node.alloy", pipeline: "node" },
  "contents-file-blank": { code: "EMPTY_CONTENTS", file: "node.alloy", pipeline: "node" },
  "contents-and-contents-file": { code: "CONFLICTING_CONTENTS", file: "node.yaml", pipeline: "node", line: 3 },
  "missing-contents": { code: "MISSING_CONTENTS", file: "node.yaml", pipeline: "node", says: "no node.alloy next to it" },
  "missing-contents-otel-has-alloy": { code: "MISSING_CONTENTS", file: "node.yaml", pipeline: "node", says: "found node.alloy, but config_type is otel" },
  "missing-contents-alloy-has-otel": { code: "MISSING_CONTENTS", file: "node.yaml", pipeline: "node", says: 'add "config_type: otel"' },
  "ambiguous-otel-contents": { code: "AMBIGUOUS_CONTENTS", file: "node.yaml", pipeline: "node", says: "node.otel.yaml and node.otel.yml" },
  "contents-file-missing": { code: "MISSING_CONTENTS", file: "node.yaml", pipeline: "node", line: 2, says: "does not exist" },
  "contents-file-parent": { code: "OUTSIDE_FOLDER", file: "pipelines/node.yaml", pipeline: "node", line: 2, dir: "pipelines", says: "../outside.alloy" },
  "contents-file-absolute": { code: "OUTSIDE_FOLDER", file: "node.yaml", pipeline: "node", line: 2, says: "absolute path" },
  "contents-file-number": { code: "WRONG_TYPE", file: "node.yaml", pipeline: "node", line: 2 },
  "contents-file-empty-string": { code: "INVALID_VALUE", file: "node.yaml", pipeline: "node", line: 2 },
  "contents-file-directory": { code: "UNREADABLE", file: "node.yaml", pipeline: "node", line: 2, says: "is a folder" },
  "duplicate-name": { code: "DUPLICATE_NAME", file: "b.yaml", pipeline: "node", line: 1, says: "both a.yaml and b.yaml" },
  "duplicate-name-yaml-and-yml": { code: "DUPLICATE_NAME", file: "node.yml", pipeline: "node", says: "both node.yaml and node.yml" },
  "duplicate-name-nested": { code: "DUPLICATE_NAME", file: "windows/node.yaml", pipeline: "node", says: "both linux/node.yaml and windows/node.yaml" },
  "invalid-yaml": { code: "INVALID_YAML", file: "node.yaml", pipeline: "node", line: 3 },
  "invalid-yaml-tab-indent": { code: "INVALID_YAML", file: "node.yaml", pipeline: "node", line: 3, says: "Tabs" },
  "duplicate-key": { code: "DUPLICATE_KEY", file: "node.yaml", pipeline: "node", line: 2 },
  "multiple-documents": { code: "MULTIPLE_DOCUMENTS", file: "node.yaml", pipeline: "node", line: 2 },
  "not-a-mapping-list": { code: "NOT_A_MAPPING", file: "node.yaml", pipeline: "node", line: 1 },
  "not-a-mapping-scalar": { code: "NOT_A_MAPPING", file: "node.yaml", pipeline: "node", line: 1 },
  "unknown-tag": { code: "INVALID_YAML", file: "node.yaml", pipeline: "node", line: 1, says: "!flag" },
  "undefined-alias": { code: "INVALID_YAML", file: "node.yaml", pipeline: "node", line: 1, says: "*flag" },
  "binary-metadata": { code: "BINARY_FILE", file: "node.yaml", pipeline: "node", line: 2 },
  "binary-contents": { code: "BINARY_FILE", file: "node.alloy", pipeline: "node" },
  "utf16-metadata": { code: "BINARY_FILE", file: "node.yaml", pipeline: "node", says: "UTF-16" },
  "invalid-utf8-metadata": { code: "INVALID_UTF8", file: "node.yaml", pipeline: "node", line: 3 },
  "invalid-utf8-contents": { code: "INVALID_UTF8", file: "node.alloy", pipeline: "node", line: 2 },
  "alias-bomb": { code: "YAML_ALIAS_LIMIT", file: "node.yaml", pipeline: "node", line: 4 },
  "deep-flow-brackets": { code: "TOO_DEEP", file: "node.yaml", pipeline: "node", line: 3 },
  "deep-flow-moderate": { code: "TOO_DEEP", file: "node.yaml", pipeline: "node", line: 3 },
  "deep-block-indentation": { code: "TOO_DEEP", file: "node.yaml", pipeline: "node" },
  "deep-compact-sequence": { code: "TOO_DEEP", file: "node.yaml", pipeline: "node", line: 4 },
};

async function loadError(caseName: string, dir = "."): Promise<LoadError> {
  const error = await loadPipelines(dir, { cwd: join(corpus, caseName) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${caseName} must not load`).toBeInstanceOf(LoadError);
  return error as LoadError;
}

describe("bad-input corpus", () => {
  it("has a case for every fixture folder and at least 40 of them", () => {
    const folders = readdirSync(corpus).sort();
    expect(folders).toEqual(Object.keys(cases).sort());
    expect(folders.length).toBeGreaterThanOrEqual(40);
  });

  for (const [name, expected] of Object.entries(cases)) {
    it(`${name} → ${expected.code}`, async () => {
      const error = await loadError(name, expected.dir);
      expect(error.code).toBe("LOAD_FAILED");
      const issue = error.issues.find((i) => i.code === expected.code);
      expect(issue, `issues: ${error.issues.map((i) => i.code).join(", ")}`).toBeDefined();
      expect(issue!.severity).toBe("error");
      expect(issue!.file).toBe(expected.file);
      if (expected.pipeline !== undefined) expect(issue!.pipeline).toBe(expected.pipeline);
      if (expected.line !== undefined) expect(issue!.line).toBe(expected.line);
      if (expected.says !== undefined) expect(issue!.message).toContain(expected.says);
      // The human line and the thrown message both name the file and the pipeline.
      const line = formatLoadIssue(issue!);
      expect(line.startsWith(expected.file + (issue!.line !== undefined ? `:${issue!.line}:` : ":"))).toBe(true);
      if (expected.pipeline !== undefined) expect(line).toContain(`pipeline "${expected.pipeline}": `);
      expect(error.message).toContain(line);
    });
  }
});
