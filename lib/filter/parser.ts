import { escapeJava, LexError, Lexer, Tok, TOKEN_NAMES, type Token } from './lexer';
import * as N from './nodes';
import { decimalLiteral, JNumber, NumKind } from './values';

/**
 * RocketMQ's SQL92 selector grammar, parsed as the JavaCC-generated parser of SelectorParser.jj parses it (Java:
 * org.apache.rocketmq.filter.parser.SelectorParser, rocketmq-filter 5.5.0):
 *
 *   JmsSelector  := orExpr                           (no <EOF> check: trailing tokens are ignored, as in Java)
 *   orExpr       := andExpr ( OR andExpr )*
 *   andExpr      := equality ( AND equality )*
 *   equality     := comparison ( "=" comparison | "<>" comparison | IS NULL | IS NOT NULL )*
 *   comparison   := unary ( (">"|">="|"<"|"<=") unary | [NOT] (CONTAINS|STARTSWITH|ENDSWITH) string
 *                          | [NOT] BETWEEN unary AND unary | [NOT] IN "(" string ("," string)* ")" )*
 *   unary        := "+" unary | "-" unary | NOT unary | primary
 *   primary      := literal | ID | "(" orExpr ")"
 *   literal      := STRING | DECIMAL | FLOAT | TRUE | FALSE | NULL
 *
 * Errors carry Java's message (what the broker answers in CHECK_CLIENT_CONFIG's remark: MQFilterException#getMessage,
 * i.e. the cause's toString): the "Encountered ... Was expecting ..." of JavaCC, the TokenMgrError of the lexer, or the
 * RuntimeException of an expression factory (see nodes.ts).
 */

export class ParseError extends Error {}

const UNARY_START = [Tok.NOT, Tok.TRUE, Tok.FALSE, Tok.NULL, Tok.DECIMAL, Tok.FLOAT, Tok.STRING, Tok.ID, Tok.LPAREN, Tok.MINUS];
const COMPARISON_LOOP = [Tok.NOT, Tok.BETWEEN, Tok.IN, Tok.CONTAINS, Tok.STARTSWITH, Tok.ENDSWITH, Tok.GT, Tok.GE, Tok.LT, Tok.LE];
const AFTER_NOT = [Tok.GT, Tok.GE, Tok.LT, Tok.LE, Tok.CONTAINS, Tok.STARTSWITH, Tok.ENDSWITH, Tok.BETWEEN, Tok.IN];

/** Java's token kind numbers, for the order of "Was expecting" lists. */
const JAVA_KIND: Record<number, number> = {
  [Tok.EOF]: 0, [Tok.NOT]: 8, [Tok.AND]: 9, [Tok.OR]: 10, [Tok.BETWEEN]: 11, [Tok.IN]: 12, [Tok.TRUE]: 13, [Tok.FALSE]: 14,
  [Tok.NULL]: 15, [Tok.IS]: 16, [Tok.CONTAINS]: 17, [Tok.STARTSWITH]: 18, [Tok.ENDSWITH]: 19, [Tok.DECIMAL]: 20,
  [Tok.FLOAT]: 21, [Tok.STRING]: 23, [Tok.ID]: 24, [Tok.EQ]: 25, [Tok.NE]: 26, [Tok.GT]: 27, [Tok.GE]: 28, [Tok.LT]: 29,
  [Tok.LE]: 30, [Tok.LPAREN]: 31, [Tok.COMMA]: 32, [Tok.RPAREN]: 33, [Tok.PLUS]: 34, [Tok.MINUS]: 35,
};

const PE = 'org.apache.rocketmq.filter.parser.ParseException: ';

class Parser {
  private readonly lx: Lexer;
  /** Token kinds the parser has tested at the current position (JavaCC: jj_la1 entries of this generation). */
  private expected = new Set<Tok>();
  private plusExpected = false;

  constructor(private readonly src: string) {
    this.lx = new Lexer(src);
  }

  private peek(k = 1): Token {
    return this.lx.peek(k);
  }

  private test(kinds: readonly Tok[]): Tok | undefined {
    const k = this.peek().kind;
    if (kinds.includes(k)) return k;
    // JavaCC records a choice point's tokens only when none of them matched (jj_la1 in the default branch).
    for (const t of kinds) this.expected.add(t);
    return undefined;
  }

  private next(): Token {
    const t = this.lx.next();
    this.expected = new Set();
    this.plusExpected = false;
    return t;
  }

  private expect(kind: Tok): Token {
    if (this.peek().kind !== kind) {
      this.expected.add(kind);
      throw this.error(this.peek());
    }
    return this.next();
  }

  /** JavaCC ParseException#getMessage for the current expectations. */
  private error(at: Token): ParseError {
    const names = [...this.expected].sort((a, b) => JAVA_KIND[a]! - JAVA_KIND[b]!).map((k) => TOKEN_NAMES[k]!);
    if (this.plusExpected && at.kind !== Tok.PLUS) names.push('"+"');
    const where = at.kind === Tok.EOF ? '"<EOF>"' : `" ${TOKEN_NAMES[at.kind]} "${escapeJava(at.image)} ""`;
    const line = this.src.length === 0 ? 0 : at.line;
    const column = this.src.length === 0 ? 0 : at.column;
    let msg = `${PE}Encountered ${where} at line ${line}, column ${column}.\n`;
    msg += names.length === 1 ? 'Was expecting:\n    ' : 'Was expecting one of:\n    ';
    for (const n of names) msg += `${n} ...\n    `;
    return new ParseError(msg);
  }

  selector(): N.Node {
    return N.asBoolean(this.orExpr());
  }

  private orExpr(): N.Node {
    let left = this.andExpr();
    while (this.test([Tok.OR]) !== undefined) {
      this.next();
      const right = this.andExpr();
      left = N.or(N.asBoolean(left), N.asBoolean(right));
    }
    return left;
  }

  private andExpr(): N.Node {
    let left = this.equality();
    while (this.test([Tok.AND]) !== undefined) {
      this.next();
      const right = this.equality();
      left = N.and(N.asBoolean(left), N.asBoolean(right));
    }
    return left;
  }

  private equality(): N.Node {
    let left = this.comparison();
    for (;;) {
      const k = this.test([Tok.IS, Tok.EQ, Tok.NE]);
      if (k === undefined) return left;
      if (k === Tok.EQ || k === Tok.NE) {
        this.next();
        const right = this.comparison();
        left = k === Tok.EQ ? N.equal(left, right) : N.notEqual(left, right);
      } else if (this.peek(2).kind === Tok.NULL) {
        this.next();
        this.next();
        left = N.isNull(left);
      } else {
        this.next();
        this.expected.add(Tok.NULL);
        this.expect(Tok.NOT);
        this.expect(Tok.NULL);
        left = N.isNotNull(left);
      }
    }
  }

  private comparison(): N.Node {
    let left = this.unary();
    for (;;) {
      const k = this.test(COMPARISON_LOOP);
      if (k === undefined) return left;
      if (k === Tok.GT || k === Tok.GE || k === Tok.LT || k === Tok.LE) {
        const op = (['>', '>=', '<', '<='] as const)[[Tok.GT, Tok.GE, Tok.LT, Tok.LE].indexOf(k)]!;
        this.next();
        left = N.relation(op, left, this.unary());
        continue;
      }
      let negated = false;
      let op: Tok = k;
      if (k === Tok.NOT) {
        for (const t of AFTER_NOT) this.expected.add(t);
        op = this.peek(2).kind;
        if (![Tok.CONTAINS, Tok.STARTSWITH, Tok.ENDSWITH, Tok.BETWEEN, Tok.IN].includes(op)) throw this.error(this.peek());
        negated = true;
        this.next();
      }
      this.next();
      if (op === Tok.CONTAINS || op === Tok.STARTSWITH || op === Tok.ENDSWITH) {
        const name = op === Tok.CONTAINS ? 'CONTAINS' : op === Tok.STARTSWITH ? 'STARTSWITH' : 'ENDSWITH';
        left = N.stringTest(name, left, this.stringLiteral(), negated);
      } else if (op === Tok.BETWEEN) {
        const low = this.unary();
        this.expect(Tok.AND);
        const high = this.unary();
        left = negated ? N.notBetween(left, low, high) : N.between(left, low, high);
      } else {
        this.expect(Tok.LPAREN);
        const list = [this.stringLiteral()];
        while (this.test([Tok.COMMA]) !== undefined) {
          this.next();
          list.push(this.stringLiteral());
        }
        this.expect(Tok.RPAREN);
        left = N.inList(left, list, negated);
      }
    }
  }

  private unary(): N.Node {
    const t = this.peek();
    if (t.kind === Tok.PLUS) {
      // Java: LOOKAHEAD("+" unaryExpr()): when "+" is not followed by a unary expression, the error is at "+".
      const before = this.expected;
      this.next();
      try {
        return this.unary();
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.expected = before;
        for (const k of UNARY_START) this.expected.add(k);
        this.plusExpected = true;
        throw this.error(t);
      }
    }
    if (t.kind === Tok.MINUS) {
      this.next();
      return N.negateNode(this.unary());
    }
    if (t.kind === Tok.NOT) {
      this.next();
      return N.not(N.asBoolean(this.unary()));
    }
    return this.primary();
  }

  private primary(): N.Node {
    const t = this.peek();
    switch (t.kind) {
      case Tok.STRING:
        return N.constant(this.stringLiteral());
      case Tok.DECIMAL: {
        this.next();
        const v = decimalLiteral(t.image);
        if (v === undefined) throw new N.BuildError(`java.lang.NumberFormatException: For input string: "${t.image.replace(/[lL]$/, '')}"`);
        return N.constant(v);
      }
      case Tok.FLOAT: {
        this.next();
        const d = Number(t.image);
        if (d > Number.MAX_VALUE) throw new N.BuildError(`java.lang.RuntimeException: ${t.image} is greater than 1.7976931348623157E308`);
        if (d < Number.MIN_VALUE) throw new N.BuildError(`java.lang.RuntimeException: ${t.image} is less than 4.9E-324`);
        return N.constant(new JNumber(NumKind.DOUBLE, d));
      }
      case Tok.TRUE:
      case Tok.FALSE:
      case Tok.NULL:
        this.next();
        return N.constant(t.kind === Tok.NULL ? null : t.kind === Tok.TRUE);
      case Tok.ID:
        this.next();
        return N.property(t.image);
      case Tok.LPAREN: {
        this.next();
        const inner = this.orExpr();
        this.expect(Tok.RPAREN);
        return inner;
      }
      default:
        for (const k of UNARY_START) this.expected.add(k);
        this.plusExpected = true;
        throw this.error(t);
    }
  }

  private stringLiteral(): string {
    const t = this.expect(Tok.STRING);
    return t.image.slice(1, -1).replace(/''/g, "'");
  }
}

export type ParseResult = { ok: true; root: N.Node } | { ok: false; error: string };

/** Java: SelectorParser#parse. */
export function parseSelector(sql: string): ParseResult {
  try {
    return { ok: true, root: new Parser(sql).selector() };
  } catch (e) {
    if (e instanceof ParseError || e instanceof LexError || e instanceof N.BuildError) return { ok: false, error: e.message };
    // Nesting deeper than the stack: Java's parser overflows too and SelectorParser#parse reports the Throwable.
    if (e instanceof RangeError) return { ok: false, error: 'java.lang.StackOverflowError' };
    throw e;
  }
}
