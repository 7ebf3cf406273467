// A field (or enum value) the server adds later must not break the client,
// in JSON (ignoreUnknownFields) and in binary (unknown fields are skipped).
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigType, PipelineSchema } from "../../gen/pipeline/v1/pipeline_pb.js";
import { createFleetClient } from "../../src/client/index.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({
    httpVersion: "1.1",
    raw: {
      match: /^\/pipeline\.v1\.PipelineService\/GetPipeline$/,
      handle(req, res) {
        if (req.headers["content-type"] === "application/proto") {
          const known = toBinary(PipelineSchema, create(PipelineSchema, { id: "1", name: "a", contents: "x" }));
          // field 99 (varint 1) and field 100 (length-delimited "new"), unknown to this schema
          const unknown = Uint8Array.from([0x98, 0x06, 0x01, 0xa2, 0x06, 0x03, 0x6e, 0x65, 0x77]);
          res.setHeader("content-type", "application/proto");
          res.end(Buffer.concat([known, unknown]));
        } else {
          res.setHeader("content-type", "application/json");
          res.end(
            JSON.stringify({
              id: "1",
              name: "a",
              contents: "x",
              configType: "CONFIG_TYPE_FUTURE",
              ownerTeam: "platform",
              labels: { a: "b" },
            }),
          );
        }
        return true;
      },
    },
  });
});
afterAll(() => server.close());

describe("unknown fields in responses", () => {
  it("JSON: unknown keys and enum values are ignored", async () => {
    const client = createFleetClient({ baseUrl: server.url, useBinaryFormat: false, rateLimit: false });
    const p = await client.pipelines.getPipeline({ id: "1" });
    expect(p.name).toBe("a");
    expect(p.contents).toBe("x");
    expect(p.configType).toBe(ConfigType.UNSPECIFIED);
  });

  it("binary: unknown fields are skipped", async () => {
    const client = createFleetClient({ baseUrl: server.url, useBinaryFormat: true, rateLimit: false });
    const p = await client.pipelines.getPipeline({ id: "1" });
    expect(p.id).toBe("1");
    expect(p.name).toBe("a");
  });
});
