// checkAlloy: the load-time rules of spec section 6 that need no component
// schema, in the root, module and Fleet pipeline contexts.
import { describe, expect, it } from "vitest";
import { blockIdentity, checkAlloy, parseAlloy, referencesIn, type AlloyCheckOptions } from "../../src/alloy/index.js";

function check(src: string, options: AlloyCheckOptions = {}): string[] {
  const { file, diagnostics } = parseAlloy(src, { filename: "p.alloy" });
  expect(diagnostics).toEqual([]);
  return checkAlloy(file, options).map((d) => `${d.severity} ${d.line}:${d.column}: ${d.message}`);
}

const errors = (src: string, options: AlloyCheckOptions = {}) => check(src, options).filter((d) => d.startsWith("error"));

describe("checkAlloy", () => {
  it("accepts a typical pipeline", () => {
    const src = `prometheus.exporter.unix "node" { }

prometheus.scrape "node" {
	targets    = prometheus.exporter.unix.node.targets
	forward_to = [prometheus.remote_write.default.receiver]
}

prometheus.remote_write "default" {
	endpoint {
		url = sys.env("URL")
	}
}
`;
    expect(check(src)).toEqual([]);
    expect(check(src, { fleetPipeline: true })).toEqual([]);
  });

  it("rejects top-level attributes, also inside declare", () => {
    expect(errors('a = 1\ndeclare "m" {\n\tb = 2\n}\n')).toEqual(["error 1:1: unrecognized attribute a", "error 3:2: unrecognized attribute b"]);
  });

  it("rejects a block identity declared twice, per kind", () => {
    expect(errors('prometheus.scrape "a" { }\nprometheus.scrape "a" { }\nlogging { }\nlogging { }\n')).toEqual([
      "error 2:1: block prometheus.scrape.a already declared at p.alloy:1:1",
      "error 4:1: block logging already declared at p.alloy:3:1",
    ]);
    // A declare and a component may share an identity: they are different kinds.
    expect(errors('declare "x" { }\ndeclare.x { }\n')).toEqual(['error 2:1: component "declare.x" must have a label']);
  });

  it("rejects an attribute given twice in any block", () => {
    expect(errors('c "l" {\n\ta = 1\n\tinner {\n\t\tb = 1\n\t\tb = 2\n\t}\n\ta = 3\n}\n')).toEqual([
      'error 5:3: attribute "b" may only be provided once',
      'error 7:2: attribute "a" may only be provided once',
    ]);
  });

  it("rejects a built-in component without a label, not a custom one", () => {
    expect(errors('prometheus.exporter.unix { }\ndeclare "mine" { }\nmine { }\nimport.file "lib" {\n\tfilename = "x"\n}\nlib.thing { }\n')).toEqual([
      'error 1:1: component "prometheus.exporter.unix" must have a label',
    ]);
  });

  it("rejects declare \"declare\"", () => {
    expect(errors('declare "declare" { }\n')).toEqual(["error 1:9: 'declare' is not a valid label for a declare block"]);
  });

  it("applies the root and module rules", () => {
    const root = 'argument "a" { }\nexport "b" {\n\tvalue = 1\n}\nlogging { }\nhttp { }\n';
    expect(errors(root)).toEqual(["error 1:1: argument blocks only allowed inside a module", "error 2:1: export blocks only allowed inside a module"]);
    expect(errors(root, { context: "module" })).toEqual([
      "error 5:1: logging block not allowed inside a module",
      'error 6:1: service blocks not allowed inside a module: "http"',
    ]);
    expect(errors('declare "m" { }\nimport.file "f" {\n\tfilename = "x"\n}\nc "x" { }\n', { context: "import" })).toEqual([
      "error 5:1: only declare and import blocks are allowed at the top level of a module loaded by import, got c",
    ]);
  });

  it("checks a Fleet pipeline as a module, with warnings for what may not work", () => {
    const src = 'remotecfg { }\ntracing { }\nargument "x" { }\nexport "out" {\n\tvalue = argument.pipeline_exports.value["p"]["e"]\n}\nc "l" {\n\tv = missing.thing\n}\n';
    expect(check(src, { fleetPipeline: true })).toEqual([
      'error 1:1: service blocks not allowed inside a module: "remotecfg"',
      "error 2:1: tracing block not allowed inside a module",
      'warning 3:1: argument "x" is not optional: a pipeline gets no module arguments (missing required argument "x" to module)',
      'warning 8:6: component "missing.thing" does not exist or is out of scope',
    ]);
  });

  it("resolves references by the shortest matching prefix, stdlib and foreach variables", () => {
    const src = `foreach "each" {
	collection = [1, 2]
	var        = "item"

	template {
		c "x" {
			v = item + 1
		}

		c "y" {
			v = c.x.out
		}
	}
}

c "a" {
	v = c.a.out[0].x
	w = string.format("%s", sys.env("A"), coalesce(c.b.out, env("X")))
	x = {c = nope}
}
`;
    expect(check(src)).toEqual([
      'error 18:49: component "c.b.out" does not exist or is out of scope',
      'error 19:11: component "nope" does not exist or is out of scope',
    ]);
  });

  it("a declare body is its own scope", () => {
    const src = 'c "outer" { }\ndeclare "m" {\n\targument "in" { }\n\n\tc "inner" {\n\t\tv = argument.in.value\n\t\tw = c.outer.x\n\t}\n}\n';
    expect(errors(src)).toEqual(['error 7:7: component "c.outer.x" does not exist or is out of scope']);
  });

  it("warns about octal-looking integers and repeated object keys", () => {
    expect(check('c "l" {\n\ta = 010\n\tb = 09\n\tc = {k = 1, k = 2}\n}\n')).toEqual([
      "warning 2:6: integer 010 has a leading zero: Alloy reads it as octal (8)",
      "warning 3:6: integer 09 has a leading zero and is not octal: Alloy reads it as the float 9",
      'warning 4:14: key "k" repeated in the object: the last one wins',
    ]);
  });
});

describe("helpers", () => {
  it("blockIdentity and referencesIn", () => {
    const { file } = parseAlloy('a.b "c" {\n\tv = d.e[0].f + g(h.i)\n}\nlogging { }\n');
    const [block, logging] = file.body;
    expect(block!.kind === "Block" && blockIdentity(block!)).toBe("a.b.c");
    expect(logging!.kind === "Block" && blockIdentity(logging!)).toBe("logging");
    const attr = block!.kind === "Block" ? block!.body[0]! : undefined;
    expect(attr?.kind === "Attribute" && referencesIn(attr.value).map((r) => r.path.join("."))).toEqual(["d.e", "g", "h.i"]);
  });
});
