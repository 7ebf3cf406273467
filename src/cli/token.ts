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
    // Editors and `echo` add line breaks (sometimes a blank line or a space);
    // a token never has whitespace around it, and refusing it here would
    // blame "auth.token" instead of the file.
    const token = text.trim();
    if (token === "") throw new UsageError(`--token-file ${tokenFile} is empty`);
    return token;
  }
  const fromEnv = io.env[envName];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}
