// Golden wire vectors: every pair in test/fixtures/vectors was encoded with
// the service's own schema. Decoding, encoding and JSON must all agree with
// ours. The folder is iterated, so a pair added later is checked too.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createRegistry,
  equals,
  fromBinary,
  fromJsonString,
  toBinary,
  toJson,
  type DescMessage,
} from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { file_collector_v1_collector, file_pipeline_v1_pipeline } from "../../src/gen.js";

const dir = join(import.meta.dirname, "../fixtures/vectors");
const registry = createRegistry(file_pipeline_v1_pipeline, file_collector_v1_collector);

const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".binpb"))
  .map((f) => {
    const base = f.slice(0, -".binpb".length);
    const parts = base.split(".");
    // <package>.<version>.<Message>.<case>
    const typeName = parts.slice(0, -1).join(".");
    return { base, typeName };
  });

function hasMapField(schema: DescMessage, seen = new Set<string>()): boolean {
  if (seen.has(schema.typeName)) return false;
  seen.add(schema.typeName);
  return schema.fields.some(
    (f) =>
      f.fieldKind === "map" ||
      (f.fieldKind === "message" && hasMapField(f.message, seen)) ||
      (f.fieldKind === "list" && f.listKind === "message" && hasMapField(f.message, seen)),
  );
}

describe("golden wire vectors", () => {
  it("finds the fixture pairs", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const { base, typeName } of cases) {
    describe(base, () => {
      const schema = registry.getMessage(typeName);
      const bin = new Uint8Array(readFileSync(join(dir, `${base}.binpb`)));
      const jsonText = readFileSync(join(dir, `${base}.json`), "utf8");

      it("names a message of our schema", () => {
        expect(schema, `no message ${typeName} in proto/`).toBeDefined();
      });

      it("decodes to the same message as its JSON", () => {
        if (!schema) return;
        const fromBin = fromBinary(schema, bin);
        const fromJson = fromJsonString(schema, jsonText, { registry });
        expect(equals(schema, fromBin, fromJson)).toBe(true);
      });

      it("encodes back to the same bytes", () => {
        if (!schema) return;
        const msg = fromJsonString(schema, jsonText, { registry });
        const encoded = toBinary(schema, msg);
        if (hasMapField(schema)) {
          // Map entry order is not fixed on the wire: compare decoded values.
          expect(equals(schema, fromBinary(schema, encoded), fromBinary(schema, bin))).toBe(true);
        } else {
          expect(Buffer.from(encoded).toString("hex")).toBe(Buffer.from(bin).toString("hex"));
        }
      });

      it("prints the same canonical JSON", () => {
        if (!schema) return;
        const msg = fromBinary(schema, bin);
        expect(toJson(schema, msg, { registry })).toEqual(JSON.parse(jsonText));
      });
    });
  }
});
