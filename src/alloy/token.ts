// Token kinds and their names as Alloy prints them in `expected X, got Y`.

export enum Tok {
  ILLEGAL,
  EOF,
  COMMENT,
  IDENT,
  NUMBER,
  FLOAT,
  STRING,
  BOOL,
  NULL,
  TERMINATOR,
  OR, // ||
  AND, // &&
  NOT, // !
  ASSIGN, // =
  EQ, // ==
  NEQ, // !=
  LT, // <
  LTE, // <=
  GT, // >
  GTE, // >=
  ADD, // +
  SUB, // -
  MUL, // *
  DIV, // /
  MOD, // %
  POW, // ^
  LCURLY, // {
  RCURLY, // }
  LPAREN, // (
  RPAREN, // )
  LBRACK, // [
  RBRACK, // ]
  COMMA, // ,
  DOT, // .
}

const NAMES: readonly string[] = [
  "ILLEGAL",
  "EOF",
  "COMMENT",
  "IDENT",
  "NUMBER",
  "FLOAT",
  "STRING",
  "BOOL",
  "NULL",
  "TERMINATOR",
  "||",
  "&&",
  "!",
  "=",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ".",
];

export function tokenName(t: Tok): string {
  return NAMES[t] ?? "ILLEGAL";
}

/** Binary precedence, 0 for tokens that are not binary operators. `^` is parsed apart (right-associative). */
export function binaryPrecedence(t: Tok): number {
  switch (t) {
    case Tok.OR:
      return 1;
    case Tok.AND:
      return 2;
    case Tok.EQ:
    case Tok.NEQ:
    case Tok.LT:
    case Tok.LTE:
    case Tok.GT:
    case Tok.GTE:
      return 3;
    case Tok.ADD:
    case Tok.SUB:
      return 4;
    case Tok.MUL:
    case Tok.DIV:
    case Tok.MOD:
      return 5;
    case Tok.POW:
      return 6;
    default:
      return 0;
  }
}
