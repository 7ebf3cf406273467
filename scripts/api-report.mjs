// The public API reports: API Extractor reads the built declarations of each
// entry point and writes what it exports, signatures included, to
// etc/<entry>.api.md. CI runs `--check`, which fails when the surface differs
// from the checked-in report; `--update` rewrites the reports after an
// intended change (review the diff, then commit it).
//
//   npm run build && npm run api:check     # CI
//   npm run build && npm run api:update    # after changing the public API
//
// fleet-pipelines/gen has no report: it is `export *` of gen/, which
// `buf generate` makes from proto/ (CI regenerates it and fails on any
// difference), so the .proto files are its report. test/entry checks that
// the entry exports exactly the generated modules.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig, ExtractorLogLevel } from "@microsoft/api-extractor";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Entry point → its built declarations and its report. */
export const REPORTS = [
  { entry: "fleet-pipelines", dts: "dist/index.d.ts", report: "fleet-pipelines.api.md" },
  { entry: "fleet-pipelines/emulator", dts: "dist/emulator.d.ts", report: "emulator.api.md" },
];

function configFor({ dts, report }) {
  return {
    projectFolder: ROOT,
    mainEntryPointFilePath: join(ROOT, dts),
    bundledPackages: [],
    compiler: {
      // The declarations only; their imports of @connectrpc and @bufbuild resolve from node_modules.
      overrideTsconfig: {
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, types: [] },
        files: [join(ROOT, dts)],
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: report,
      reportFolder: join(ROOT, "etc"),
      reportTempFolder: join(tmpdir(), "fleet-pipelines-api-report"),
      includeForgottenExports: false,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    newlineKind: "lf",
    messages: {
      compilerMessageReporting: { default: { logLevel: "warning" } },
      extractorMessageReporting: {
        default: { logLevel: "warning" },
        // The package has one release level: everything exported is public.
        "ae-missing-release-tag": { logLevel: "none" },
        // Undocumented members are marked in the report itself.
        "ae-undocumented": { logLevel: "none" },
        // A type used by an export but not exported itself: noted in the report, where review sees it.
        "ae-forgotten-export": { logLevel: "none", addToApiReportFile: true },
      },
      // The JSDoc is written for editors, not strictly in TSDoc.
      tsdocMessageReporting: { default: { logLevel: "none" } },
    },
  };
}

/** Runs API Extractor on every entry; returns the entries whose report differs (check) or changed (update). */
export function runReports({ update }) {
  const changed = [];
  for (const item of REPORTS) {
    if (!existsSync(join(ROOT, item.dts))) {
      throw new Error(`${item.dts} is missing: run \`npm run build\` first (the reports are made from the built declarations)`);
    }
    mkdirSync(join(ROOT, "etc"), { recursive: true });
    const config = ExtractorConfig.prepare({
      configObject: configFor(item),
      configObjectFullPath: join(ROOT, "scripts", "api-extractor.json"),
      packageJsonFullPath: join(ROOT, "package.json"),
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      showVerboseMessages: false,
      messageCallback: (message) => {
        // Keep the console to what matters: the report's own status is printed below.
        if (message.logLevel === ExtractorLogLevel.Info || message.logLevel === ExtractorLogLevel.Verbose) message.handled = true;
      },
    });
    if (!result.succeeded && !result.apiReportChanged) {
      throw new Error(`API Extractor failed on ${item.dts} (${result.errorCount} errors)`);
    }
    if (result.apiReportChanged) changed.push(item);
  }
  return changed;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const update = process.argv.includes("--update");
  if (!update && !process.argv.includes("--check")) {
    console.error("usage: node scripts/api-report.mjs --check | --update");
    process.exit(2);
  }
  const changed = runReports({ update });
  if (update) {
    console.log(changed.length === 0 ? "API reports unchanged." : `API reports updated: ${changed.map((c) => `etc/${c.report}`).join(", ")}`);
  } else if (changed.length > 0) {
    console.error(
      `The public API differs from its report: ${changed.map((c) => `etc/${c.report} (${c.entry})`).join(", ")}.\n` +
        "If the change is intended, run `npm run build && npm run api:update` and commit the report with it.",
    );
    process.exit(1);
  } else {
    console.log(`API reports match: ${REPORTS.map((r) => `etc/${r.report}`).join(", ")}`);
  }
}

// The package name the reports are for (read so that a rename shows up here too).
export const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).name;
