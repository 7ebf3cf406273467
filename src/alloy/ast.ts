// The Alloy syntax tree. Positions are byte based (UTF-8), as Alloy reports
// them, because diagnostics and the formatter's comment placement must agree
// with upstream byte for byte. Object keys and block labels keep their raw
// source text (Alloy never unescapes them); literals keep their source text
// verbatim so that the formatter can copy them.

/** A place in the source: 0-based byte offset, 1-based line, 1-based byte column. */
export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** A name with the position of its first byte. */
export interface Identifier {
  readonly name: string;
  readonly pos: Position;
}

/** The syntax tree of one Alloy file, from `parseAlloy`. */
export interface AlloyFile {
  /** The node kind. */
  readonly kind: "File";
  /** The file name given to parseAlloy, for messages. */
  readonly filename?: string;
  /** The top-level attributes and blocks, in source order. */
  readonly body: Statement[];
  /** Every comment, in source order, grouped as the formatter places them. */
  readonly comments: CommentGroup[];
}

export type Statement = AttributeStatement | BlockStatement;

/** `name = value` */
export interface AttributeStatement {
  readonly kind: "Attribute";
  readonly name: Identifier;
  readonly value: Expression;
}

/** `name.parts "label" { body }` */
export interface BlockStatement {
  readonly kind: "Block";
  /** The dotted name's fragments, e.g. ["prometheus", "scrape"]. */
  readonly name: string[];
  readonly namePos: Position;
  /** The label's raw text between the quotes; "" when there is none (an empty label is no label). */
  readonly label: string;
  /** Where the label's opening quote is, when the source has a label (even an empty one). */
  readonly labelPos?: Position;
  readonly lbrace: Position;
  readonly rbrace: Position;
  readonly body: Statement[];
}

export type Expression =
  | IdentifierExpression
  | LiteralExpression
  | ArrayExpression
  | ObjectExpression
  | AccessExpression
  | IndexExpression
  | CallExpression
  | UnaryExpression
  | BinaryExpression
  | ParenExpression;

export interface IdentifierExpression {
  readonly kind: "Identifier";
  readonly name: string;
  readonly pos: Position;
}

export type LiteralKind = "NUMBER" | "FLOAT" | "STRING" | "BOOL" | "NULL";

export interface LiteralExpression {
  readonly kind: "Literal";
  readonly literalKind: LiteralKind;
  /** The source text, verbatim: quotes and escapes of strings included. */
  readonly text: string;
  readonly pos: Position;
}

export interface ArrayExpression {
  readonly kind: "Array";
  readonly elements: Expression[];
  readonly lbrack: Position;
  readonly rbrack: Position;
}

export interface ObjectKey {
  /** Raw text: an identifier, or the text between the quotes of a string key (never unescaped). */
  readonly name: string;
  readonly pos: Position;
  /** Written as a string (quoted or raw) in the source. */
  readonly quoted: boolean;
}

export interface ObjectField {
  readonly key: ObjectKey;
  readonly value: Expression;
}

export interface ObjectExpression {
  readonly kind: "Object";
  readonly fields: ObjectField[];
  readonly lbrace: Position;
  readonly rbrace: Position;
}

/** `value.name` */
export interface AccessExpression {
  readonly kind: "Access";
  readonly value: Expression;
  readonly name: Identifier;
}

/** `value[index]` */
export interface IndexExpression {
  readonly kind: "Index";
  readonly value: Expression;
  readonly index: Expression;
  readonly lbrack: Position;
  readonly rbrack: Position;
}

/** `callee(args)` */
export interface CallExpression {
  readonly kind: "Call";
  readonly callee: Expression;
  readonly args: Expression[];
  readonly lparen: Position;
  readonly rparen: Position;
}

export type UnaryOperator = "!" | "-";

export interface UnaryExpression {
  readonly kind: "Unary";
  readonly op: UnaryOperator;
  readonly opPos: Position;
  readonly operand: Expression;
}

export type BinaryOperator = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "^";

export interface BinaryExpression {
  readonly kind: "Binary";
  readonly op: BinaryOperator;
  readonly opPos: Position;
  readonly left: Expression;
  readonly right: Expression;
}

/** `(inner)`: kept so that the formatter never adds or removes parentheses. */
export interface ParenExpression {
  readonly kind: "Paren";
  readonly inner: Expression;
  readonly lparen: Position;
  readonly rparen: Position;
}

export interface Comment {
  /** The exact source text (`//…` without the line break, or `/*…*\/`), CR characters removed. */
  readonly text: string;
  readonly pos: Position;
  /** Position of the comment's last byte. */
  readonly end: Position;
}

/** Comments on adjacent lines with no code between them. */
export interface CommentGroup {
  readonly comments: Comment[];
}

export type Node = AlloyFile | Statement | Expression;
