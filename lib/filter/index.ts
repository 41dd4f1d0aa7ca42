/**
 * lib/filter: RocketMQ's SQL92 message selector (MessageSelector.bySql) as the rocketmq-filter 5.5.0 jar parses and
 * evaluates it. Pure functions, no I/O; the broker compiles a subscription's expression once and evaluates it per
 * message over the message's properties (Java: FilterFactory / SqlFilter#compile, ExpressionMessageFilter).
 */
import type { PropertyGetter } from './nodes';
import { parseSelector } from './parser';
import { FilterEvalError } from './values';

export type { PropertyGetter } from './nodes';
export { FilterEvalError } from './values';

/** Java: ExpressionType.SQL92 / TAG. */
export const ExpressionType = { SQL92: 'SQL92', TAG: 'TAG' } as const;

/** Java: ExpressionType#isTagType (null, empty or "TAG"). */
export function isTagType(type: string | undefined | null): boolean {
  return type === undefined || type === null || type === '' || type === ExpressionType.TAG;
}

export interface Sql92Filter {
  readonly expression: string;
  /** Three-valued result (Java: Expression#evaluate); throws FilterEvalError where Java's evaluation throws. */
  evaluate(get: PropertyGetter): boolean | null;
  /** The broker's verdict: true only for TRUE; null, non-boolean and evaluation errors do not match. */
  matches(get: PropertyGetter): boolean;
}

export type CompileResult = { ok: true; filter: Sql92Filter } | { ok: false; error: string };

/**
 * Java: SqlFilter#compile (SelectorParser#parse). On failure, error is the message Java's broker puts in the remark
 * of CHECK_CLIENT_CONFIG (MQFilterException#getMessage).
 */
export function compileSql92(expression: string): CompileResult {
  const r = parseSelector(expression);
  if (!r.ok) return r;
  const ev = r.root.ev;
  const evaluate = (get: PropertyGetter): boolean | null => {
    const v = ev(get);
    return v === null ? null : v === true ? true : v === false ? false : null;
  };
  return {
    ok: true,
    filter: {
      expression,
      evaluate,
      matches(get: PropertyGetter): boolean {
        try {
          return ev(get) === true;
        } catch (e) {
          // Java: ExpressionMessageFilter#isMatchedByCommitLog catches every Throwable (a StackOverflowError of a
          // very deep expression included) and answers "no match".
          if (e instanceof FilterEvalError || e instanceof RangeError) return false;
          throw e;
        }
      },
    },
  };
}
