// Where a problem found inside a pipeline's contents is in the files: the
// contents file's own line and column, or, for contents written inline in a
// metadata file, the metadata file's line (the YAML indentation moves the
// column, so none is given).

/** Where the contents of a spec came from. */
export interface ContentsOrigin {
  file?: string | undefined;
  contentsFile?: string | undefined;
  /** For contents written inline in `file`: the line of `file` holding their first line. */
  contentsLine?: number | undefined;
}

/** True when the contents sit inside the metadata file. */
export function isInline(origin: ContentsOrigin): boolean {
  return origin.contentsFile === undefined && origin.file !== undefined;
}

/** The position in the file holding the contents of a 1-based line and column of the contents. */
export function contentsPosition(origin: ContentsOrigin, line: number | undefined, column?: number): { line?: number; column?: number } {
  if (line === undefined) return {};
  if (!isInline(origin)) return column === undefined ? { line } : { line, column };
  return origin.contentsLine === undefined ? {} : { line: origin.contentsLine + line - 1 };
}
