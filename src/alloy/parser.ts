// The Alloy parser: an LL(1) recursive descent over the scanner's tokens that
// reports every problem in one pass, recovering the way Alloy does so that
// the diagnostics (message, position, order) match upstream. Recursion is
// bounded: past MAX_NESTING levels the parser reports one diagnostic and
// stops instead of overflowing the stack.
import type {
  AlloyFile,
  BinaryOperator,
  BlockStatement,
  Comment,
  CommentGroup,
  Expression,
  ObjectField,
  ObjectKey,
  Position,
  Statement,
} from "./ast.js";
import { diagnosticAt, type AlloyDiagnostic } from "./diagnostics.js";
import { goQuote } from "./quote.js";
import { Scanner, isIdentifier } from "./scanner.js";
import { Tok, binaryPrecedence, tokenName } from "./token.js";

/** The deepest nesting of blocks and expressions the parser accepts. */
export const MAX_NESTING = 200;

const BINARY_OPS: Partial<Record<Tok, BinaryOperator>> = {
  [Tok.OR]: "||",
  [Tok.AND]: "&&",
  [Tok.EQ]: "==",
  [Tok.NEQ]: "!=",
  [Tok.LT]: "<",
  [Tok.LTE]: "<=",
  [Tok.GT]: ">",
  [Tok.GTE]: ">=",
  [Tok.ADD]: "+",
  [Tok.SUB]: "-",
  [Tok.MUL]: "*",
  [Tok.DIV]: "/",
  [Tok.MOD]: "%",
  [Tok.POW]: "^",
};

interface BlockName {
  fragments: string[];
  start: number;
  label: string;
  labelPos: number;
}

export interface ParseOutput {
  file: AlloyFile;
  diagnostics: AlloyDiagnostic[];
  /** Byte offset at which each line starts (for the formatter's line arithmetic). */
  lineStarts: number[];
}

export function parse(src: Uint8Array, filename?: string): ParseOutput {
  const p = new Parser(src, filename);
  const body = p.parseBody(Tok.EOF);
  const file: AlloyFile = {
    kind: "File",
    ...(filename !== undefined ? { filename } : {}),
    body,
    comments: p.comments,
  };
  return { file, diagnostics: p.diagnostics, lineStarts: p.lineStarts };
}

class Parser {
  readonly diagnostics: AlloyDiagnostic[] = [];
  readonly comments: CommentGroup[] = [];
  private readonly scanner: Scanner;
  private readonly filename: string | undefined;
  private lastErrorLine = 0;
  private depth = 0;
  private aborted = false;

  private current: Tok = Tok.EOF;
  private pos = 0;
  private lit = "";

  constructor(src: Uint8Array, filename: string | undefined) {
    this.filename = filename;
    this.scanner = new Scanner(src, (offset, message) => {
      this.diagnostics.push(diagnosticAt(this.scanner.position(offset), message, "error", this.filename));
    });
    this.next();
  }

  get lineStarts(): number[] {
    return this.scanner.lineStarts;
  }

  private position(offset: number): Position {
    return this.scanner.position(offset);
  }

  /** The current token (a method so that TypeScript does not narrow it across next()). */
  private at(): Tok {
    return this.current;
  }

  private next(): void {
    const s = this.scanner;
    s.scan();
    while (s.tok === Tok.COMMENT) this.consumeCommentGroup();
    this.current = s.tok;
    this.pos = s.pos;
    this.lit = s.lit;
  }

  private consumeCommentGroup(): void {
    const s = this.scanner;
    const list: Comment[] = [];
    let endLine = this.position(s.pos).line;
    while (s.tok === Tok.COMMENT) {
      const pos = this.position(s.pos);
      if (pos.line > endLine + 1) break;
      const end = this.position(s.commentEnd - 1);
      list.push({ text: s.lit, pos, end });
      endLine = end.line;
      s.scan();
    }
    this.comments.push({ comments: list });
  }

  /** A parser error, dropped when the previous one was on the same line (as upstream does). */
  private addError(message: string, offset = this.pos): void {
    if (this.aborted) return;
    const pos = this.position(offset);
    if (pos.line === this.lastErrorLine) return;
    this.lastErrorLine = pos.line;
    this.diagnostics.push(diagnosticAt(pos, message, "error", this.filename));
  }

  /** An error that is never suppressed and does not count for suppression. */
  private addErrorAlways(start: Position, message: string, end?: Position): void {
    if (this.aborted) return;
    this.diagnostics.push(diagnosticAt(start, message, "error", this.filename, end));
  }

  /** Enters one nesting level; past the cap, reports it once and drains the input. */
  private enter(extra = 0): boolean {
    if (this.aborted) return false;
    if (this.depth + extra < MAX_NESTING) return true;
    this.diagnostics.push(
      diagnosticAt(this.position(this.pos), `nesting too deep: more than ${MAX_NESTING} levels of blocks or expressions`, "error", this.filename),
    );
    this.aborted = true;
    while (this.at() !== Tok.EOF) this.next();
    return false;
  }

  private expect(t: Tok): number {
    const pos = this.pos;
    if (this.at() !== t) this.addError(`expected ${tokenName(t)}, got ${tokenName(this.at())}`);
    this.next();
    return pos;
  }

  private advance(t: Tok): void {
    while (this.at() !== Tok.EOF && this.at() !== t) this.next();
  }

  /** Skips the rest of a statement: up to a terminator outside brackets opened here. */
  private consumeStatement(): void {
    let curly = 0;
    let paren = 0;
    let brack = 0;
    for (;;) {
      switch (this.at()) {
        case Tok.EOF:
          return;
        case Tok.TERMINATOR:
          if (curly <= 0 && paren <= 0 && brack <= 0) return;
          break;
        case Tok.LCURLY:
          curly++;
          break;
        case Tok.RCURLY:
          curly--;
          break;
        case Tok.LPAREN:
          paren++;
          break;
        case Tok.RPAREN:
          paren--;
          break;
        case Tok.LBRACK:
          brack++;
          break;
        case Tok.RBRACK:
          brack--;
          break;
        default:
          break;
      }
      this.next();
    }
  }

  parseBody(until: Tok): Statement[] {
    const body: Statement[] = [];
    while (this.at() !== until && this.at() !== Tok.EOF) {
      const stmt = this.parseStatement();
      if (stmt) body.push(stmt);
      if (this.at() === until) break;
      if (this.at() !== Tok.TERMINATOR) {
        this.addError(`expected TERMINATOR, got ${tokenName(this.at())}`);
        this.consumeStatement();
      }
      this.next();
    }
    return body;
  }

  private parseStatement(): Statement | undefined {
    const name = this.parseBlockName();
    if (!name) {
      this.advance(Tok.IDENT);
      return undefined;
    }
    const start = this.position(name.start);
    switch (this.at()) {
      case Tok.ASSIGN: {
        this.next();
        const first = name.fragments[0]!;
        if (name.fragments.length !== 1) {
          const joined = name.fragments.join(".");
          this.addErrorAlways(start, `attribute names may only consist of a single identifier with no "."`, this.position(name.start + byteLength(joined) - 1));
        } else if (name.labelPos >= 0) {
          this.addErrorAlways(this.position(name.labelPos), "attribute names may not have labels");
        }
        return { kind: "Attribute", name: { name: first, pos: start }, value: this.parseExpression() };
      }
      case Tok.LCURLY: {
        if (!this.enter()) return undefined;
        this.depth++;
        const lbrace = this.position(this.expect(Tok.LCURLY));
        const body = this.parseBody(Tok.RCURLY);
        const rbrace = this.position(this.expect(Tok.RCURLY));
        this.depth--;
        const block: BlockStatement = {
          kind: "Block",
          name: name.fragments,
          namePos: start,
          label: name.label,
          ...(name.labelPos >= 0 ? { labelPos: this.position(name.labelPos) } : {}),
          lbrace,
          rbrace,
          body,
        };
        return block;
      }
      default:
        if (name.fragments.length === 1 && name.labelPos < 0) {
          this.addError(`expected attribute assignment or block body, got ${tokenName(this.at())}`);
        } else {
          this.addError(`expected block body, got ${tokenName(this.at())}`);
        }
        this.advance(Tok.IDENT);
        return undefined;
    }
  }

  private parseBlockName(): BlockName | undefined {
    if (this.at() !== Tok.IDENT) {
      this.addError(`expected identifier, got ${tokenName(this.at())}`);
      this.consumeStatement();
      return undefined;
    }
    const name: BlockName = { fragments: [this.lit], start: this.pos, label: "", labelPos: -1 };
    this.next();
    while (this.at() === Tok.DOT) {
      this.next();
      if (this.at() !== Tok.IDENT) {
        this.addError(`expected identifier, got ${tokenName(this.at())}`);
        this.consumeStatement();
        return undefined;
      }
      name.fragments.push(this.lit);
      this.next();
    }
    if (this.at() !== Tok.ASSIGN && this.at() !== Tok.LCURLY) {
      if (this.at() === Tok.STRING) {
        const lit = this.lit;
        if (lit.charCodeAt(0) !== 0x22) {
          this.addError(`expected block label to be a double quoted string, but got ${goQuote(lit)}`);
        } else if (lit.length > 2) {
          const label = lit.slice(1, -1);
          if (!isIdentifier(label)) this.addError(`expected block label to be a valid identifier, but got ${goQuote(label)}`);
          name.label = label;
        }
        name.labelPos = this.pos;
      } else {
        this.addError(`expected block label, got ${tokenName(this.at())}`);
      }
      this.next();
    }
    return name;
  }

  parseExpression(): Expression {
    return this.parseBinary(1);
  }

  private parseBinary(minPrec: number): Expression {
    if (!this.enter()) return this.placeholder();
    this.depth++;
    let lhs = this.parsePower();
    let chain = 0;
    for (;;) {
      const tok = this.at();
      const prec = binaryPrecedence(tok);
      if (prec < minPrec || prec === 0 || tok === Tok.POW) break;
      // A long chain nests as deep as it is long: count it against the cap.
      if (!this.enter(++chain)) break;
      const opPos = this.position(this.pos);
      this.next();
      const rhs = this.parseBinary(prec + 1);
      lhs = { kind: "Binary", op: BINARY_OPS[tok]!, opPos, left: lhs, right: rhs };
    }
    this.depth--;
    return lhs;
  }

  private parsePower(): Expression {
    const lhs = this.parseUnary();
    if (this.at() !== Tok.POW) return lhs;
    if (!this.enter()) return lhs;
    const opPos = this.position(this.pos);
    this.next();
    this.depth++;
    const rhs = this.parsePower();
    this.depth--;
    return { kind: "Binary", op: "^", opPos, left: lhs, right: rhs };
  }

  private parseUnary(): Expression {
    if (this.at() === Tok.NOT || this.at() === Tok.SUB) {
      if (!this.enter()) return this.placeholder();
      const op = this.at() === Tok.NOT ? "!" : "-";
      const opPos = this.position(this.pos);
      this.next();
      this.depth++;
      const operand = this.parseUnary();
      this.depth--;
      return { kind: "Unary", op, opPos, operand };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expression {
    let primary = this.parseOperand();
    let chain = 0;
    for (;;) {
      switch (this.at()) {
        case Tok.DOT: {
          if (!this.enter(++chain)) return primary;
          this.next();
          const at = this.pos;
          const name = this.at() === Tok.IDENT ? this.lit : "";
          this.expect(Tok.IDENT);
          primary = { kind: "Access", value: primary, name: { name, pos: this.position(at) } };
          break;
        }
        case Tok.LBRACK: {
          if (!this.enter(++chain)) return primary;
          const lbrack = this.position(this.expect(Tok.LBRACK));
          this.depth += chain;
          const index = this.parseExpression();
          this.depth -= chain;
          const rbrack = this.position(this.expect(Tok.RBRACK));
          primary = { kind: "Index", value: primary, index, lbrack, rbrack };
          break;
        }
        case Tok.LPAREN: {
          if (!this.enter(++chain)) return primary;
          const lparen = this.position(this.expect(Tok.LPAREN));
          this.depth += chain;
          const args = this.at() !== Tok.RPAREN ? this.parseExpressionList(Tok.RPAREN) : [];
          this.depth -= chain;
          const rparen = this.position(this.expect(Tok.RPAREN));
          primary = { kind: "Call", callee: primary, args, lparen, rparen };
          break;
        }
        case Tok.STRING:
        case Tok.LCURLY: {
          // `attr = some.component "label" { … }`: someone wrote a block where a value goes.
          if (this.at() === Tok.STRING) this.next();
          if (this.at() !== Tok.LCURLY) {
            this.addError(`expected ${tokenName(Tok.LCURLY)}, got ${tokenName(this.at())}`);
            return primary;
          }
          if (!this.enter(++chain)) return primary;
          this.depth += chain;
          this.next();
          this.parseBody(Tok.RCURLY);
          this.depth -= chain;
          const end = this.position(this.expect(Tok.RCURLY));
          this.addErrorAlways(startOf(primary), "cannot use a block as an expression", end);
          return primary;
        }
        default:
          return primary;
      }
    }
  }

  private placeholder(): Expression {
    return { kind: "Literal", literalKind: "NULL", text: "null", pos: this.position(this.pos) };
  }

  private parseOperand(): Expression {
    const pos = this.pos;
    switch (this.at()) {
      case Tok.NULL:
      case Tok.BOOL:
      case Tok.NUMBER:
      case Tok.FLOAT:
      case Tok.STRING: {
        const literalKind = this.at() === Tok.NULL ? "NULL" : this.at() === Tok.BOOL ? "BOOL" : this.at() === Tok.NUMBER ? "NUMBER" : this.at() === Tok.FLOAT ? "FLOAT" : "STRING";
        const text = this.lit;
        this.next();
        return { kind: "Literal", literalKind, text, pos: this.position(pos) };
      }
      case Tok.IDENT: {
        const name = this.lit;
        this.next();
        return { kind: "Identifier", name, pos: this.position(pos) };
      }
      case Tok.LBRACK: {
        const lbrack = this.position(this.expect(Tok.LBRACK));
        const elements = this.at() !== Tok.RBRACK ? this.parseExpressionList(Tok.RBRACK) : [];
        const rbrack = this.position(this.expect(Tok.RBRACK));
        return { kind: "Array", elements, lbrack, rbrack };
      }
      case Tok.LCURLY: {
        const lbrace = this.position(this.expect(Tok.LCURLY));
        const fields = this.at() !== Tok.RCURLY ? this.parseFieldList() : [];
        const rbrace = this.position(this.expect(Tok.RCURLY));
        return { kind: "Object", fields, lbrace, rbrace };
      }
      case Tok.LPAREN: {
        const lparen = this.position(this.expect(Tok.LPAREN));
        const inner = this.parseExpression();
        const rparen = this.position(this.expect(Tok.RPAREN));
        return { kind: "Paren", inner, lparen, rparen };
      }
      default: {
        this.addError(`expected expression, got ${tokenName(this.at())}`);
        const res = this.placeholder();
        while (
          this.at() !== Tok.EOF &&
          this.at() !== Tok.TERMINATOR &&
          this.at() !== Tok.RPAREN &&
          this.at() !== Tok.RCURLY &&
          this.at() !== Tok.RBRACK &&
          this.at() !== Tok.COMMA
        ) {
          this.next();
        }
        return res;
      }
    }
  }

  private parseExpressionList(until: Tok): Expression[] {
    const list: Expression[] = [];
    while (this.at() !== until && this.at() !== Tok.EOF) {
      list.push(this.parseExpression());
      if (this.at() === until) break;
      if (this.at() !== Tok.COMMA) this.addError("missing ',' in expression list");
      this.next();
    }
    return list;
  }

  private parseFieldList(): ObjectField[] {
    const fields: ObjectField[] = [];
    while (this.at() !== Tok.RCURLY && this.at() !== Tok.EOF) {
      fields.push(this.parseField());
      if (this.at() === Tok.RCURLY) break;
      if (this.at() !== Tok.COMMA) this.addError("missing ',' in field list");
      this.next();
    }
    return fields;
  }

  private parseField(): ObjectField {
    let key: ObjectKey;
    const pos = this.position(this.pos);
    if (this.at() === Tok.STRING) {
      const lit = this.lit;
      // Upstream keeps the raw text between the quotes; an empty string stays `""` and is not marked quoted.
      key = lit.length > 2 ? { name: lit.slice(1, -1), pos, quoted: true } : { name: lit, pos, quoted: false };
      this.next();
    } else if (this.at() === Tok.IDENT) {
      key = { name: this.lit, pos, quoted: false };
      this.next();
    } else {
      this.addError(`expected field name (string or identifier), got ${tokenName(this.at())}`);
      key = { name: "", pos, quoted: false };
      this.advance(Tok.ASSIGN);
    }
    this.expect(Tok.ASSIGN);
    return { key, value: this.parseExpression() };
  }
}

export function byteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Position of a node's first token. */
export function startOf(e: Expression): Position {
  switch (e.kind) {
    case "Identifier":
    case "Literal":
      return e.pos;
    case "Array":
      return e.lbrack;
    case "Object":
      return e.lbrace;
    case "Access":
    case "Index":
      return startOf(e.value);
    case "Call":
      return startOf(e.callee);
    case "Unary":
      return e.opPos;
    case "Binary":
      return startOf(e.left);
    case "Paren":
      return e.lparen;
  }
}
