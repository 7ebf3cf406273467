// The package version, kept equal to package.json's by test/package/version.test.ts.
// A constant (not a read of package.json) so that `--version` and the user
// agent cost nothing at start-up and work the same from src/ and dist/.
export const VERSION = "0.1.0";
