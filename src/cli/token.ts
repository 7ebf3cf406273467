// Where a command gets a token: a file named by --token-file, else one
// environment variable. Never argv, where it would show in the process list
// and the shell history.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "./command.js";
import type { CliIo } from "./io.js";

export async function readToken(tokenFile: string | undefined, envName: string, io: CliIo): Promise<string | undefined> {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, tokenFile), "utf8");
    } catch (error) {
      throw new UsageError(`cannot read --token-file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const token = text.replace(/\r?\n$/, "");
    if (token === "") throw new UsageError(`--token-file ${tokenFile} is empty`);
    return token;
  }
  const fromEnv = io.env[envName];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}
