// Fuzzing the metadata parser path: random YAML-ish text must never make the
// loader throw anything but a LoadError, and never hang. The run count is
// modest to keep the suite fast; FUZZ_RUNS raises it for a longer hunt.
import { writeFile } from "node:fs/promises";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadError, loadPipelines } from "../../src/loader/index.js";
import { METADATA_KEYS, parseMetadata } from "../../src/loader/metadata.js";
import { ALLOY, makeTree, type Tree } from "./tree.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

const KNOWN_CODES = new Set([
  "INVALID_YAML", "DUPLICATE_KEY", "MULTIPLE_DOCUMENTS", "YAML_ALIAS_LIMIT", "TOO_DEEP", "NOT_A_MAPPING", "UNKNOWN_KEY",
  "WRONG_TYPE", "INVALID_VALUE", "INVALID_NAME", "CONTROL_CHARACTERS", "TOO_MANY_MATCHERS", "CONFLICTING_CONTENTS",
  "EMPTY_CONTENTS",
]);

// Pieces that YAML parsers trip over, glued together at random.
const fragment = fc.oneof(
  fc.constantFrom(...METADATA_KEYS, "enabledd", "<<", "__proto__", "constructor", "? ", ": ", "- ", "-", ":", "?"),
  fc.constantFrom("\n", "\n  ", "\n    ", "\t", " ", "\r\n", "\r", "\u0085", "\u2028", "\ufeff"),
  fc.constantFrom("[", "]", "{", "}", ",", "#", "|", ">", "|-", ">+2", "'", '"', "\\", "%YAML 1.1", "%TAG ! tag:x,2000:", "---", "..."),
  fc.constantFrom("&a ", "*a", "&b ", "*b", "!!str ", "!!binary ", "!!set ", "!!omap ", "!foo ", "!<tag:yaml.org,2002:int> ", "!!timestamp "),
  fc.constantFrom("true", "false", "yes", "null", "~", ".inf", "-.nan", "0x1F", "0o7", "1e400", "123456789012345678901234567890", "2024-01-01"),
  fc.constantFrom("alloy", "otel", 'env="prod"', "a=~\".+\"", "\u0000", "\u0007", "\u202e", "\ud800", "😀"),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 6 }),
);
const yamlish = fc.array(fragment, { maxLength: 60 }).map((parts) => parts.join(""));

// Structured documents: plausible metadata files with wrong types mixed in.
const anyValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)), { maxKeys: 4 }),
);
const structured = fc
  .dictionary(fc.oneof(fc.constantFrom(...METADATA_KEYS), fc.string({ maxLength: 10 })), anyValue, { maxKeys: 8 })
  .map((record) => JSON.stringify(record, (_, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v)));

const context = { file: "fuzz.yaml", defaultName: "fuzz", maxMatchers: 5 };

function checkResult(text: string): void {
  const result = parseMetadata(text, context);
  for (const issue of result.issues) {
    expect(KNOWN_CODES.has(issue.code), issue.code).toBe(true);
    expect(issue.severity).toBe("error");
    expect(issue.file).toBe("fuzz.yaml");
    expect(typeof issue.pipeline).toBe("string");
    expect(issue.message.length).toBeGreaterThan(0);
    if (issue.line !== undefined) expect(issue.line).toBeGreaterThanOrEqual(1);
  }
  if (result.issues.length === 0) {
    const meta = result.metadata;
    expect(meta).toBeDefined();
    expect(typeof meta!.name).toBe("string");
    expect(meta!.name.trim()).not.toBe("");
    if (meta!.enabled !== undefined) expect(typeof meta!.enabled).toBe("boolean");
    if (meta!.matchers !== undefined) {
      expect(meta!.matchers.length).toBeLessThanOrEqual(5);
      for (const m of meta!.matchers) expect(typeof m).toBe("string");
    }
    if (meta!.configType !== undefined) expect(["alloy", "otel"]).toContain(meta!.configType);
    if (meta!.metadata !== undefined) expect(JSON.parse(JSON.stringify(meta!.metadata))).toEqual(meta!.metadata);
    if (meta!.contents !== undefined) expect(meta!.contents.trim()).not.toBe("");
  }
}

describe("fuzz: metadata parser", () => {
  it("never throws on YAML-ish text and reports only well-formed issues", () => {
    fc.assert(fc.property(yamlish, (text) => checkResult(text)), { numRuns: RUNS * 5 });
  });

  it("never throws on structured documents with wrong types", () => {
    fc.assert(fc.property(structured, (text) => checkResult(text)), { numRuns: RUNS * 2 });
  });

  // Known-hard inputs. The first one, found while probing the YAML library,
  // overflowed its composer's stack and killed the process before the depth guard existed.
  it.each([
    ["deep flow nesting (crashed the process without the depth guard)", "a: " + "[".repeat(20_000)],
    ["compact nested sequences", "- ".repeat(50_000) + "x"],
    ["alias of an alias chain", "a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n"],
    ["complex key", "? [a]\n: b\n"],
    ["collection key inside metadata", "metadata:\n  ? {a: 1}\n  : x\n"],
    ["undefined alias", "enabled: *nope\n"],
    ["directive without document", "%YAML 1.2\n"],
    ["lone document end", "...\n"],
  ])("regression: %s", (_, text) => {
    checkResult(text);
  });
});

describe("fuzz: loadPipelines", () => {
  let tree: Tree;
  beforeAll(async () => {
    tree = await makeTree({ "fuzz.alloy": ALLOY });
  });
  afterAll(async () => {
    await tree.remove();
  });

  it("resolves or throws a LoadError, nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(yamlish, structured), async (text) => {
        await writeFile(tree.path("fuzz.yaml"), text);
        const outcome = await loadPipelines(tree.root, { maxMatchers: 5 }).then(
          (result) => ({ loaded: true as const, result }),
          (error: unknown) => ({ loaded: false as const, error }),
        );
        if (outcome.loaded) {
          expect(outcome.result.specs).toHaveLength(1);
          expect(outcome.result.specs[0]!.contents.length).toBeGreaterThan(0);
        } else {
          expect(outcome.error).toBeInstanceOf(LoadError);
          expect((outcome.error as LoadError).issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
