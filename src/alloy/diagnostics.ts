// Diagnostics as Alloy reports them: 1-based line and 1-based UTF-8 byte
// column, upstream's message text.
import type { Position } from "./ast.js";

/** An error makes the text invalid; a warning does not. */
export type AlloyDiagnosticSeverity = "error" | "warning";

/** One problem in Alloy text, positioned as Alloy reports it. */
export interface AlloyDiagnostic {
  /** Whether the text is invalid. */
  readonly severity: AlloyDiagnosticSeverity;
  /** Alloy's own wording of the problem. */
  readonly message: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in UTF-8 bytes like Alloy does. */
  readonly column: number;
  /** 0-based byte offset. */
  readonly offset: number;
  /** Where the problem ends (its last byte), when known. */
  readonly end?: Position;
  /** The file name given to the parser or checker, when there was one. */
  readonly filename?: string;
}

export function diagnosticAt(
  pos: Position,
  message: string,
  severity: AlloyDiagnosticSeverity = "error",
  filename?: string,
  end?: Position,
): AlloyDiagnostic {
  return {
    severity,
    message,
    line: pos.line,
    column: pos.column,
    offset: pos.offset,
    ...(end ? { end } : {}),
    ...(filename !== undefined ? { filename } : {}),
  };
}

/** `file:line:col: message`, or `line:col: message` without a file name (Alloy's text form). */
export function formatAlloyDiagnostic(d: AlloyDiagnostic, filename: string | undefined = d.filename): string {
  const where = `${d.line}:${d.column}`;
  return filename !== undefined && filename !== "" ? `${filename}:${where}: ${d.message}` : `${where}: ${d.message}`;
}

/** Thrown by callers that want an exception rather than a list: carries every diagnostic. */
export class AlloySyntaxError extends Error {
  readonly diagnostics: readonly AlloyDiagnostic[];

  constructor(diagnostics: readonly AlloyDiagnostic[], filename?: string) {
    const first = diagnostics[0];
    const head = first ? formatAlloyDiagnostic(first, filename ?? first.filename) : "invalid Alloy syntax";
    const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more diagnostics)` : "";
    super(head + more);
    this.name = "AlloySyntaxError";
    this.diagnostics = diagnostics;
  }
}
