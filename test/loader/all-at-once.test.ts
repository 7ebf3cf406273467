// A folder that fails to load reports what the planner would refuse in the
// pipelines that did load too, so one run shows every problem with its line.
import { afterEach, expect, it } from "vitest";
import { formatLoadIssue, LoadError, loadPipelines } from "../../src/loader/index.js";
import { ALLOY, makeTree, type Tree } from "./tree.js";

let tree: Tree | undefined;
afterEach(async () => {
  await tree?.remove();
  tree = undefined;
});

it("reports invalid matchers and OTel YAML of loadable pipelines next to the structural errors", async () => {
  tree = await makeTree({
    "broken.yaml": "name: broken\nenabled: true\nenabledd: true\n",
    "broken.alloy": ALLOY,
    "matchers.yaml": 'name: matchers\nenabled: true\nmatchers:\n  - "env=prod"\n  - "foo="\n',
    "matchers.alloy": ALLOY,
    "otel.yaml": "name: otel\nenabled: true\nconfig_type: otel\n",
    "otel.otel.yaml": "receivers: [unclosed\n",
  });
  const error = await loadPipelines(tree.root, { cwd: tree.root }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LoadError);
  const lines = (error as LoadError).issues.map(formatLoadIssue);
  expect(lines).toEqual([
    expect.stringMatching(/^broken\.yaml:3:1: pipeline "broken": unknown key "enabledd"/),
    expect.stringMatching(/^matchers\.yaml:3:1: pipeline "matchers": matcher 2 "foo=" does not parse: expected a value/),
    expect.stringMatching(/^otel\.otel\.yaml:\d+:1: pipeline "otel": /),
  ]);
  expect((error as LoadError).issues.map((i) => i.code)).toEqual(["UNKNOWN_KEY", "INVALID_PIPELINE", "INVALID_PIPELINE"]);
});

it("refuses what the planner would refuse, with the line, when it is the only problem", async () => {
  tree = await makeTree({ "matchers.yaml": 'name: matchers\nenabled: true\nmatchers: ["foo="]\n', "matchers.alloy": ALLOY });
  const error = await loadPipelines(tree.root, { cwd: tree.root }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LoadError);
  expect((error as LoadError).issues.map(formatLoadIssue)).toEqual([
    expect.stringMatching(/^matchers\.yaml:3:1: pipeline "matchers": matcher 1 "foo=" does not parse/),
  ]);
});
