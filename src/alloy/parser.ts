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

// A local reference: token kinds are read on every token.
const T = Tok;

/** The deepest nesting of blocks and expressions the parser accepts. */
export const MAX_NESTING = 200;

const BINARY_OPS: Partial<Record<Tok, BinaryOperator>> = {
  [T.OR]: "||",
  [T.AND]: "&&",
  [T.EQ]: "==",
  [T.NEQ]: "!=",
  [T.LT]: "<",
  [T.LTE]: "<=",
  [T.GT]: ">",
  [T.GTE]: ">=",
  [T.ADD]: "+",
  [T.SUB]: "-",
  [T.MUL]: "*",
  [T.DIV]: "/",
  [T.MOD]: "%",
  [T.POW]: "^",
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
  const body = p.parseBody(T.EOF);
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

  private current: Tok = T.EOF;
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
    while (s.tok === T.COMMENT) this.consumeCommentGroup();
    this.current = s.tok;
    this.pos = s.pos;
    this.lit = s.lit;
  }

  private consumeCommentGroup(): void {
    const s = this.scanner;
    const list: Comment[] = [];
    let endLine = this.position(s.pos).line;
    while (s.tok === T.COMMENT) {
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
    while (this.at() !== T.EOF) this.next();
    return false;
  }

  private expect(t: Tok): number {
    const pos = this.pos;
    if (this.at() !== t) this.addError(`expected ${tokenName(t)}, got ${tokenName(this.at())}`);
    this.next();
    return pos;
  }

  private advance(t: Tok): void {
    while (this.at() !== T.EOF && this.at() !== t) this.next();
  }

  /** Skips the rest of a statement: up to a terminator outside brackets opened here. */
  private consumeStatement(): void {
    let curly = 0;
    let paren = 0;
    let brack = 0;
    for (;;) {
      switch (this.at()) {
        case T.EOF:
          return;
        case T.TERMINATOR:
          if (curly <= 0 && paren <= 0 && brack <= 0) return;
          break;
        case T.LCURLY:
          curly++;
          break;
        case T.RCURLY:
          curly--;
          break;
        case T.LPAREN:
          paren++;
          break;
        case T.RPAREN:
          paren--;
          break;
        case T.LBRACK:
          brack++;
          break;
        case T.RBRACK:
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
    while (this.at() !== until && this.at() !== T.EOF) {
      const stmt = this.parseStatement();
      if (stmt) body.push(stmt);
      if (this.at() === until) break;
      if (this.at() !== T.TERMINATOR) {
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
      this.advance(T.IDENT);
      return undefined;
    }
    const start = this.position(name.start);
    switch (this.at()) {
      case T.ASSIGN: {
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
      case T.LCURLY: {
        if (!this.enter()) return undefined;
        this.depth++;
        const lbrace = this.position(this.expect(T.LCURLY));
        const body = this.parseBody(T.RCURLY);
        const rbrace = this.position(this.expect(T.RCURLY));
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
        this.advance(T.IDENT);
        return undefined;
    }
  }

  private parseBlockName(): BlockName | undefined {
    if (this.at() !== T.IDENT) {
      this.addError(`expected identifier, got ${tokenName(this.at())}`);
      this.consumeStatement();
      return undefined;
    }
    const name: BlockName = { fragments: [this.lit], start: this.pos, label: "", labelPos: -1 };
    this.next();
    while (this.at() === T.DOT) {
      this.next();
      if (this.at() !== T.IDENT) {
        this.addError(`expected identifier, got ${tokenName(this.at())}`);
        this.consumeStatement();
        return undefined;
      }
      name.fragments.push(this.lit);
      this.next();
    }
    if (this.at() !== T.ASSIGN && this.at() !== T.LCURLY) {
      if (this.at() === T.STRING) {
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
      if (prec < minPrec || prec === 0 || tok === T.POW) break;
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
    if (this.at() !== T.POW) return lhs;
    if (!this.enter()) return lhs;
    const opPos = this.position(this.pos);
    this.next();
    this.depth++;
    const rhs = this.parsePower();
    this.depth--;
    return { kind: "Binary", op: "^", opPos, left: lhs, right: rhs };
  }

  private parseUnary(): Expression {
    if (this.at() === T.NOT || this.at() === T.SUB) {
      if (!this.enter()) return this.placeholder();
      const op = this.at() === T.NOT ? "!" : "-";
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
        case T.DOT: {
          if (!this.enter(++chain)) return primary;
          this.next();
          const at = this.pos;
          const name = this.at() === T.IDENT ? this.lit : "";
          this.expect(T.IDENT);
          primary = { kind: "Access", value: primary, name: { name, pos: this.position(at) } };
          break;
        }
        case T.LBRACK: {
          if (!this.enter(++chain)) return primary;
          const lbrack = this.position(this.expect(T.LBRACK));
          this.depth += chain;
          const index = this.parseExpression();
          this.depth -= chain;
          const rbrack = this.position(this.expect(T.RBRACK));
          primary = { kind: "Index", value: primary, index, lbrack, rbrack };
          break;
        }
        case T.LPAREN: {
          if (!this.enter(++chain)) return primary;
          const lparen = this.position(this.expect(T.LPAREN));
          this.depth += chain;
          const args = this.at() !== T.RPAREN ? this.parseExpressionList(T.RPAREN) : [];
          this.depth -= chain;
          const rparen = this.position(this.expect(T.RPAREN));
          primary = { kind: "Call", callee: primary, args, lparen, rparen };
          break;
        }
        case T.STRING:
        case T.LCURLY: {
          // `attr = some.component "label" { … }`: someone wrote a block where a value goes.
          if (this.at() === T.STRING) this.next();
          if (this.at() !== T.LCURLY) {
            this.addError(`expected ${tokenName(T.LCURLY)}, got ${tokenName(this.at())}`);
            return primary;
          }
          if (!this.enter(++chain)) return primary;
          this.depth += chain;
          this.next();
          this.parseBody(T.RCURLY);
          this.depth -= chain;
          const end = this.position(this.expect(T.RCURLY));
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
      case T.NULL:
      case T.BOOL:
      case T.NUMBER:
      case T.FLOAT:
      case T.STRING: {
        const literalKind = this.at() === T.NULL ? "NULL" : this.at() === T.BOOL ? "BOOL" : this.at() === T.NUMBER ? "NUMBER" : this.at() === T.FLOAT ? "FLOAT" : "STRING";
        const text = this.lit;
        this.next();
        return { kind: "Literal", literalKind, text, pos: this.position(pos) };
      }
      case T.IDENT: {
        const name = this.lit;
        this.next();
        return { kind: "Identifier", name, pos: this.position(pos) };
      }
      case T.LBRACK: {
        const lbrack = this.position(this.expect(T.LBRACK));
        const elements = this.at() !== T.RBRACK ? this.parseExpressionList(T.RBRACK) : [];
        const rbrack = this.position(this.expect(T.RBRACK));
        return { kind: "Array", elements, lbrack, rbrack };
      }
      case T.LCURLY: {
        const lbrace = this.position(this.expect(T.LCURLY));
        const fields = this.at() !== T.RCURLY ? this.parseFieldList() : [];
        const rbrace = this.position(this.expect(T.RCURLY));
        return { kind: "Object", fields, lbrace, rbrace };
      }
      case T.LPAREN: {
        const lparen = this.position(this.expect(T.LPAREN));
        const inner = this.parseExpression();
        const rparen = this.position(this.expect(T.RPAREN));
        return { kind: "Paren", inner, lparen, rparen };
      }
      default: {
        this.addError(`expected expression, got ${tokenName(this.at())}`);
        const res = this.placeholder();
        while (
          this.at() !== T.EOF &&
          this.at() !== T.TERMINATOR &&
          this.at() !== T.RPAREN &&
          this.at() !== T.RCURLY &&
          this.at() !== T.RBRACK &&
          this.at() !== T.COMMA
        ) {
          this.next();
        }
        return res;
      }
    }
  }

  private parseExpressionList(until: Tok): Expression[] {
    const list: Expression[] = [];
    while (this.at() !== until && this.at() !== T.EOF) {
      list.push(this.parseExpression());
      if (this.at() === until) break;
      if (this.at() !== T.COMMA) this.addError("missing ',' in expression list");
      this.next();
    }
    return list;
  }

  private parseFieldList(): ObjectField[] {
    const fields: ObjectField[] = [];
    while (this.at() !== T.RCURLY && this.at() !== T.EOF) {
      fields.push(this.parseField());
      if (this.at() === T.RCURLY) break;
      if (this.at() !== T.COMMA) this.addError("missing ',' in field list");
      this.next();
    }
    return fields;
  }

  private parseField(): ObjectField {
    let key: ObjectKey;
    const pos = this.position(this.pos);
    if (this.at() === T.STRING) {
      const lit = this.lit;
      // Upstream keeps the raw text between the quotes; an empty string stays `""` and is not marked quoted.
      key = lit.length > 2 ? { name: lit.slice(1, -1), pos, quoted: true } : { name: lit, pos, quoted: false };
      this.next();
    } else if (this.at() === T.IDENT) {
      key = { name: this.lit, pos, quoted: false };
      this.next();
    } else {
      this.addError(`expected field name (string or identifier), got ${tokenName(this.at())}`);
      key = { name: "", pos, quoted: false };
      this.advance(T.ASSIGN);
    }
    this.expect(T.ASSIGN);
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
