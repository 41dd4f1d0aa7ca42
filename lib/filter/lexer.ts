/**
 * Tokens of RocketMQ's SQL92 selector, lexed lazily exactly as the JavaCC token manager of SelectorParser.jj does
 * (Java: org.apache.rocketmq.filter.parser.SelectorParserTokenManager): the longest match wins, a keyword beats an
 * identifier of the same length, keywords and identifiers ignore case, white space is " \t\n\r\f", comments are
 * "-- ... <newline>" and C-style block comments. Laziness matters: the parser never asks for the tokens after the
 * expression it accepts, so trailing text that would not lex is only an error if the parser looks at it (as in Java).
 *
 *   DECIMAL_LITERAL  "0" | [1-9][0-9]* [lL]?
 *   FLOATING_POINT   [0-9]+ "." [0-9]* EXP? | "." [0-9]+ EXP? | [0-9]+ EXP      EXP: [eE] [+-]? [0-9]+
 *   STRING_LITERAL   "'" ( "''" | ~"'" )* "'"
 *   ID               [a-zA-Z_$] [a-zA-Z0-9_$]*
 */

export const enum Tok {
  EOF = 0,
  NOT,
  AND,
  OR,
  BETWEEN,
  IN,
  TRUE,
  FALSE,
  NULL,
  IS,
  CONTAINS,
  STARTSWITH,
  ENDSWITH,
  DECIMAL,
  FLOAT,
  STRING,
  ID,
  EQ,
  NE,
  GT,
  GE,
  LT,
  LE,
  LPAREN,
  COMMA,
  RPAREN,
  PLUS,
  MINUS,
}

export interface Token {
  kind: Tok;
  image: string;
  /** 1-based, as JavaCC counts (a tab counts as up to the next multiple of 8, as SimpleCharStream does). */
  line: number;
  column: number;
}

/** A lexical error (Java: TokenMgrError), carrying Java's message. */
export class LexError extends Error {}

const KEYWORDS: ReadonlyMap<string, Tok> = new Map([
  ['NOT', Tok.NOT],
  ['AND', Tok.AND],
  ['OR', Tok.OR],
  ['BETWEEN', Tok.BETWEEN],
  ['IN', Tok.IN],
  ['TRUE', Tok.TRUE],
  ['FALSE', Tok.FALSE],
  ['NULL', Tok.NULL],
  ['IS', Tok.IS],
  ['CONTAINS', Tok.CONTAINS],
  ['STARTSWITH', Tok.STARTSWITH],
  ['ENDSWITH', Tok.ENDSWITH],
]);

/** How JavaCC names each token kind in "Encountered ..." / "Was expecting ..." messages. */
export const TOKEN_NAMES: readonly string[] = [
  '<EOF>', '"NOT"', '"AND"', '"OR"', '"BETWEEN"', '"IN"', '"TRUE"', '"FALSE"', '"NULL"', '"IS"', '"CONTAINS"',
  '"STARTSWITH"', '"ENDSWITH"', '<DECIMAL_LITERAL>', '<FLOATING_POINT_LITERAL>', '<STRING_LITERAL>', '<ID>', '"="',
  '"<>"', '">"', '">="', '"<"', '"<="', '"("', '","', '")"', '"+"', '"-"',
];

const RE_ID = /[a-zA-Z_$][a-zA-Z0-9_$]*/y;
const RE_FLOAT = /[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+/y;
const RE_DECIMAL = /0|[1-9][0-9]*[lL]?/y;
const RE_STRING = /'(?:''|[^'])*'/y;
const RE_LINE_COMMENT = /--[^\n\r]*(?:\r\n|\n|\r)/y;
const RE_BLOCK_COMMENT = /\/\*[\s\S]*?\*\//y;

function matchAt(re: RegExp, s: string, at: number): number {
  re.lastIndex = at;
  const m = re.exec(s);
  return m === null ? 0 : m[0].length;
}

export class Lexer {
  private pos = 0;
  private readonly buffered: Token[] = [];

  constructor(private readonly src: string) {}

  /** The k-th token ahead (1 = next), lexing only as far as asked. */
  peek(k: number): Token {
    while (this.buffered.length < k) this.buffered.push(this.lex());
    return this.buffered[k - 1]!;
  }

  next(): Token {
    const t = this.peek(1);
    this.buffered.shift();
    return t;
  }

  private lex(): Token {
    const s = this.src;
    for (;;) {
      if (this.pos >= s.length) return this.position({ kind: Tok.EOF, image: '', line: 0, column: 0 }, Math.max(0, s.length - 1));
      const c = s[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
        this.pos += 1;
        continue;
      }
      const comment = c === '-' ? matchAt(RE_LINE_COMMENT, s, this.pos) : c === '/' ? matchAt(RE_BLOCK_COMMENT, s, this.pos) : 0;
      if (comment > 0) {
        this.pos += comment;
        continue;
      }
      break;
    }
    const start = this.pos;
    const c = s[start]!;
    let kind: Tok | undefined;
    let len = 0;
    const two = s.slice(start, start + 2);
    if (two === '<>' || two === '<=' || two === '>=') {
      kind = two === '<>' ? Tok.NE : two === '<=' ? Tok.LE : Tok.GE;
      len = 2;
    } else if ('=<>(),+-'.includes(c)) {
      kind = [Tok.EQ, Tok.LT, Tok.GT, Tok.LPAREN, Tok.RPAREN, Tok.COMMA, Tok.PLUS, Tok.MINUS]['=<>(),+-'.indexOf(c)];
      len = 1;
    } else if (c === "'") {
      len = matchAt(RE_STRING, s, start);
      if (len > 0) kind = Tok.STRING;
    } else if ((c >= '0' && c <= '9') || c === '.') {
      const f = matchAt(RE_FLOAT, s, start);
      const d = matchAt(RE_DECIMAL, s, start);
      if (f > d) {
        kind = Tok.FLOAT;
        len = f;
      } else if (d > 0) {
        kind = Tok.DECIMAL;
        len = d;
      }
    } else {
      len = matchAt(RE_ID, s, start);
      if (len > 0) kind = KEYWORDS.get(s.slice(start, start + len).toUpperCase()) ?? Tok.ID;
    }
    if (kind === undefined) throw this.error(start);
    this.pos = start + len;
    // JavaCC reports the column of the token's first character.
    const tok: Token = { kind, image: s.slice(start, start + len), line: 0, column: 0 };
    return this.position(tok, start);
  }

  /** Line/column cursor: the line and column of the character before index `curAt` (tokens only move forward). */
  private curAt = 0;
  private curLine = 1;
  private curCol = 0;

  /** Sets tok's line and column to those of src[start], as SimpleCharStream counts them. */
  private position(tok: Token, start: number): Token {
    if (start < this.curAt) {
      this.curAt = 0;
      this.curLine = 1;
      this.curCol = 0;
    }
    let line = this.curLine;
    let col = this.curCol;
    for (let i = this.curAt; i < start; i++) {
      const c = this.src.charCodeAt(i);
      if (c === 10 || (c === 13 && this.src.charCodeAt(i + 1) !== 10)) {
        line++;
        col = 0;
      } else if (c === 9) col = (col & ~7) + 8;
      else if (c !== 13) col++;
    }
    this.curAt = start;
    this.curLine = line;
    this.curCol = col;
    const c = this.src.charCodeAt(start);
    tok.line = line;
    tok.column = c === 9 ? (col & ~7) + 8 : col + 1;
    return tok;
  }

  /**
   * Java: SelectorParserTokenManager#getNextToken's TokenMgrError: where the longest partial match got stuck. When the
   * stuck character is the last one (or the input ran out), Java reports <EOF> one column further.
   */
  private error(start: number): LexError {
    const s = this.src;
    let p = start;
    const c = s[start]!;
    if (c === "'") {
      p = start + 1;
      while (p < s.length && (s[p] !== "'" || s[p + 1] === "'")) p += s[p] === "'" ? 2 : 1;
      p = Math.min(p, s.length);
    } else if (c === '/') {
      p = s[start + 1] === '*' ? s.length : start + 1;
    } else if (c === '.') {
      p = start + 1;
    }
    let column: number;
    let what: string;
    let after: string;
    if (p < s.length - 1) {
      column = this.position({ kind: Tok.EOF, image: '', line: 0, column: 0 }, p).column;
      what = `"${escapeJava(s[p]!)}" (${s.charCodeAt(p)}), `;
      after = s.slice(start, p);
    } else {
      const last = Math.min(p, s.length - 1);
      column = this.position({ kind: Tok.EOF, image: '', line: 0, column: 0 }, last).column + 1;
      what = '<EOF> ';
      after = last - start + 1 <= 1 ? '' : s.slice(start, last + 1);
    }
    const line = this.position({ kind: Tok.EOF, image: '', line: 0, column: 0 }, Math.min(p, s.length - 1)).line;
    return new LexError(
      `org.apache.rocketmq.filter.parser.TokenMgrError: Lexical error at line ${line}, column ${column}.  Encountered: ${what}after : "${escapeJava(after)}"`,
    );
  }
}

/** JavaCC's addEscapes (TokenMgrError and ParseException). */
export function escapeJava(s: string): string {
  const esc: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r', '"': '\\"', "'": "\\'", '\\': '\\\\' };
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (esc[ch] !== undefined) out += esc[ch];
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}
