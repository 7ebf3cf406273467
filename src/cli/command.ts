// The shape every command file exports, and the strict flag parsing they
// share. A command never calls process.exit: it returns its exit code.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { FleetError } from "../errors/index.js";
import type { CliIo } from "./io.js";
import { suggest } from "./suggest.js";

export interface CliCommand {
  /** The word after `fleet-pipelines`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full help text (`fleet-pipelines help <name>`, `<name> --help`). */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Bad flags or arguments: the CLI prints the message and the usage, exit 1. */
export class UsageError extends FleetError {
  constructor(message: string) {
    super("USAGE", message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Strict `parseArgs`: unknown flags, missing values and (unless allowed)
 * positionals become a UsageError.
 */
export function parseFlags<const T extends Options>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(unknownFlagMessage(error, options) ?? (error as Error).message);
  }
}

/** `unknown flag --dirr; did you mean --dir?` for parseArgs' unknown-option error, else undefined. */
function unknownFlagMessage(error: unknown, options: Options): string | undefined {
  if ((error as { code?: unknown }).code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") return undefined;
  const flag = /'(-[^']*)'/.exec((error as Error).message)?.[1];
  if (flag === undefined) return undefined;
  const known = ["--help", ...Object.keys(options).map((name) => `--${name}`)];
  for (const option of Object.values(options)) if (option.short !== undefined) known.push(`-${option.short}`);
  const guess = flag.startsWith("--") ? suggest(flag, known) : undefined;
  return `unknown flag ${JSON.stringify(flag)}` + (guess !== undefined ? `; did you mean ${guess}?` : "");
}

/** A numeric flag value, checked. `undefined` stays undefined. */
export function numberFlag(
  name: string,
  value: string | undefined,
  rules: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { integer = false, min = -Infinity, max = Infinity } = rules;
  if (value.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    const range = [min > -Infinity ? `≥ ${min}` : "", max < Infinity ? `≤ ${max}` : ""].filter(Boolean).join(" and ");
    throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"}${range ? ` ${range}` : ""}, got ${JSON.stringify(value)}`);
  }
  return n;
}
