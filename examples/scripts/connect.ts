// The client every example script uses, from the same environment variables
// as the CLI: FLEET_URL, FLEET_USER (the stack's Fleet Management user id)
// and FLEET_TOKEN (an access-policy token).
//
// Users import from "fleet-pipelines"; inside this repository the examples
// import the source directly so that they type-check before a build.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createFleetClient, type FleetClient } from "fleet-pipelines";

export function clientFromEnv(env: NodeJS.ProcessEnv = process.env): FleetClient {
  const baseUrl = env["FLEET_URL"];
  if (!baseUrl) throw new Error("set FLEET_URL (and FLEET_USER, FLEET_TOKEN for Grafana Cloud)");
  const user = env["FLEET_USER"];
  const token = env["FLEET_TOKEN"];
  return createFleetClient({ baseUrl, ...(user && token ? { auth: { user, token } } : {}) });
}

/** True when the module is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && fileURLToPath(moduleUrl) === resolve(entry);
}
