import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/errors/index.js";
import { MatcherError, compileMatchers, matches, type Matcher } from "../../src/matchers/index.js";
import { BoundedCache } from "../../src/matchers/bounded-cache.js";
import { cachedRegexCount } from "../../src/matchers/regex.js";

const linuxProd = { "collector.os": "linux", env: "prod", team: "db" };
const noEnv = { "collector.os": "darwin" };

// [matchers, attributes, expected]
const cases: [string[], Record<string, string>, boolean][] = [
  [["env=prod"], linuxProd, true],
  [["env=prod"], noEnv, false],
  [["env!=prod"], linuxProd, false],
  [["env!=prod"], noEnv, true], // a missing attribute reads as ""
  [['env=""'], noEnv, true],
  [['env=""'], linuxProd, false],
  [['env=~".*"'], noEnv, true],
  [['env=~".*"'], linuxProd, true],
  [['env=~".+"'], noEnv, false],
  [['env=~".+"'], linuxProd, true],
  [['env!~".+"'], noEnv, true],
  [['env=~"pro"'], linuxProd, false], // fully anchored: no substring match
  [['env=~"rod"'], linuxProd, false],
  [['env=~"pro.*"'], linuxProd, true],
  [['env!~"pro"'], linuxProd, true],
  [['env=~"prod|staging"'], linuxProd, true],
  [['env=~"(?i)PROD"'], linuxProd, true],
  [['env=~"PROD"'], linuxProd, false],
  [["collector.os=linux", "env=prod"], linuxProd, true], // AND
  [["collector.os=linux", "env=staging"], linuxProd, false],
  [["collector.os=~linux|darwin", "team!=web"], noEnv, true],
  [['team=~"\\\\w+"'], linuxProd, true],
  [['team=~"\\\\d+"'], linuxProd, false],
  [["constructor=x"], {}, false], // never reads Object.prototype
  [['constructor=""'], {}, true],
  [['toString!=""'], {}, false],
  [["Προμηθεύς=ναι"], { Προμηθεύς: "ναι" }, true],
  [['x=~"."'], { x: "😀" }, true], // RE2 works on code points, not UTF-16 units
  [['x=~"."'], { x: "\n" }, false], // `.` does not match a newline (Go default flags)
  [['x=~"a)|(b"'], { x: "a-suffix" }, true], // Go wraps the text as ^(?:value)$ too, so this alternation escapes the anchors
];

describe("matches", () => {
  it.each(cases)("%j on %j is %s", (list, attributes, expected) => {
    expect(matches(list, attributes)).toBe(expected);
    expect(compileMatchers(list)(attributes)).toBe(expected);
  });

  it("accepts parsed Matcher objects as well as strings", () => {
    const objects: Matcher[] = [
      { name: "env", op: "=~", value: "pr.d" },
      { name: "team", op: "!=", value: "web" },
    ];
    expect(matches(objects, linuxProd)).toBe(true);
    expect(matches([...objects, "collector.os=windows"], linuxProd)).toBe(false);
  });

  it("matches everything with an empty list by default, nothing with emptyMatchers: none", () => {
    expect(matches([], linuxProd)).toBe(true);
    expect(matches([], {}, { emptyMatchers: "all" })).toBe(true);
    expect(matches([], linuxProd, { emptyMatchers: "none" })).toBe(false);
    expect(compileMatchers([], { emptyMatchers: "none" })({})).toBe(false);
    // The option only concerns the empty list.
    expect(matches(["env=prod"], linuxProd, { emptyMatchers: "none" })).toBe(true);
  });

  it("rejects an unknown emptyMatchers mode", () => {
    expect(() => matches([], {}, { emptyMatchers: "some" as "all" })).toThrow(ConfigurationError);
  });

  it("throws MatcherError for an invalid matcher, text or object", () => {
    expect(() => matches(["env="], {})).toThrow(MatcherError);
    expect(() => compileMatchers(["env=prod", "a,b"])).toThrow(MatcherError);
    let error: unknown;
    try {
      compileMatchers([{ name: "a b", op: "=~", value: "(?=x)" }]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MatcherError);
    expect((error as MatcherError).input).toBe('"a b"=~"(?=x)"');
    expect((error as MatcherError).position).toBe(7); // the opening quote of the value, as parseMatcher reports it
    expect(() => compileMatchers([{ name: "a", op: "==" as "=", value: "b" }])).toThrow(/unknown operator/);
  });

  it("evaluates one compiled list against many attribute sets", () => {
    const predicate = compileMatchers(["collector.os=linux", 'env=~"prod|staging"']);
    const fleet = [
      { "collector.os": "linux", env: "prod" },
      { "collector.os": "linux", env: "dev" },
      { "collector.os": "linux" },
      { "collector.os": "windows", env: "staging" },
      { "collector.os": "linux", env: "staging" },
    ];
    expect(fleet.map(predicate)).toEqual([true, false, false, false, true]);
  });

  it("keeps the regex cache bounded", () => {
    for (let i = 0; i < 1500; i += 1) matches([`x=~"v${i}"`], { x: `v${i}` });
    expect(cachedRegexCount()).toBeLessThanOrEqual(1000);
    expect(cachedRegexCount()).toBeGreaterThan(0);
  });
});

describe("BoundedCache", () => {
  it("evicts the least recently used entry", () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // a is now the most recent
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
  });
});
