import { RequestCode, ResponseCode } from '../../../protocol/codes';

/**
 * Fault-injection rules (Apogee only; no Java broker has this): the text of the `apogeeFaultRules` config key,
 * parsed into data. Pure: no I/O, no clock, no randomness (decisions live in injector.ts).
 *
 * Syntax: rules separated by ';', fields by ',', each field `key=value`:
 *   code=310|SEND_MESSAGE    request codes, by number or RequestCode name, '|'-separated (absent = any code)
 *   topic=T1                 the request header's topic (`topic`, or `b` in SEND_MESSAGE_V2 headers; absent = any)
 *   action=delay:200         wait 200 ms, then run the processor
 *   action=error:SYSTEM_BUSY answer that ResponseCode (by name or number) without running the processor
 *   action=drop              run the processor, send no answer (a send IS stored: a lost ack)
 *   action=close             close the client's connection without running the processor
 *   action=slowread:300      run the processor; each read from the store made for this request (PULL_MESSAGE, a
 *                            long-polled pull's re-read on wake-up, QUERY_MESSAGE, VIEW_MESSAGE_BY_ID) completes
 *                            300 ms late, as on a slow disk (slow-reads.ts)
 *   p=0.5                    probability in [0, 1] (default 1)
 *   times=3                  injections by this rule at most (default unlimited)
 * Example: `code=SEND_MESSAGE|SEND_MESSAGE_V2,topic=T1,action=error:SYSTEM_BUSY,p=0.5;code=11,action=delay:200`
 */
export type FaultAction =
  | { kind: 'delay'; delayMs: number }
  | { kind: 'error'; code: number; name: string }
  | { kind: 'drop' }
  | { kind: 'close' }
  | { kind: 'slowread'; delayMs: number };

export interface FaultRule {
  /** 1-based position in the rule text, for logs and remarks. */
  readonly index: number;
  readonly text: string;
  /** null = every request code. */
  readonly codes: ReadonlySet<number> | null;
  /** null = every topic (and requests without a topic). */
  readonly topic: string | null;
  readonly action: FaultAction;
  readonly probability: number;
  /** Injections allowed by this rule; Infinity = unlimited. */
  readonly timesMax: number;
}

export type ParseResult = { ok: true; rules: FaultRule[] } | { ok: false; error: string };

/** Longest delay a rule may ask for (ms): longer than any client timeout, short enough not to pin requests forever. */
export const FAULT_DELAY_MS_MAX = 600_000;
/** Rules in one text at most. */
export const FAULT_RULES_MAX = 64;

const KEYS = new Set(['code', 'topic', 'action', 'p', 'times']);

export function parseFaultRules(text: string): ParseResult {
  const rules: FaultRule[] = [];
  const parts = text.split(';').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length > FAULT_RULES_MAX) return { ok: false, error: `apogeeFaultRules: ${parts.length} rules, at most ${FAULT_RULES_MAX}` };
  for (let i = 0; i < parts.length; i++) {
    const r = parseRule(parts[i]!, i + 1);
    if (typeof r === 'string') return { ok: false, error: `apogeeFaultRules rule #${i + 1} "${parts[i]}": ${r}` };
    rules.push(r);
  }
  return { ok: true, rules };
}

function parseRule(text: string, index: number): FaultRule | string {
  const fields = new Map<string, string>();
  for (const f of text.split(',')) {
    const eq = f.indexOf('=');
    if (eq <= 0) return `field "${f.trim()}" is not key=value`;
    const key = f.slice(0, eq).trim();
    if (!KEYS.has(key)) return `unknown key "${key}" (known: ${[...KEYS].join(', ')})`;
    if (fields.has(key)) return `key "${key}" given twice`;
    fields.set(key, f.slice(eq + 1).trim());
  }
  const actionText = fields.get('action');
  if (actionText === undefined) return 'no action (action=delay:MS | error:RESPONSE_CODE | drop | close | slowread:MS)';
  const action = parseAction(actionText);
  if (typeof action === 'string') return action;
  let codes: Set<number> | null = null;
  const codeText = fields.get('code');
  if (codeText !== undefined) {
    codes = new Set();
    for (const c of codeText.split('|')) {
      const code = codeOf(c.trim(), RequestCode);
      if (code === null) return `unknown request code "${c.trim()}" (a number or a RequestCode name such as SEND_MESSAGE_V2)`;
      codes.add(code);
    }
  }
  const topic = fields.get('topic') ?? null;
  if (topic === '') return 'empty topic';
  let probability = 1;
  const pText = fields.get('p');
  if (pText !== undefined) {
    probability = Number(pText);
    if (pText === '' || !Number.isFinite(probability) || probability < 0 || probability > 1) return `p=${pText} is not a probability in [0, 1]`;
  }
  let timesMax = Infinity;
  const tText = fields.get('times');
  if (tText !== undefined) {
    timesMax = Number(tText);
    if (!/^\d+$/.test(tText) || timesMax < 1) return `times=${tText} is not a positive integer`;
  }
  return { index, text, codes, topic, action, probability, timesMax };
}

function parseAction(text: string): FaultAction | string {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const arg = colon < 0 ? '' : text.slice(colon + 1);
  switch (kind) {
    case 'delay':
    case 'slowread': {
      const delayMs = Number(arg);
      if (!/^\d+$/.test(arg) || delayMs > FAULT_DELAY_MS_MAX) return `action=${text}: ${kind} needs whole milliseconds in 0..${FAULT_DELAY_MS_MAX} (${kind}:200)`;
      return { kind, delayMs };
    }
    case 'error': {
      const code = codeOf(arg, ResponseCode);
      if (code === null) return `action=${text}: unknown ResponseCode "${arg}" (error:SYSTEM_BUSY, error:SERVICE_NOT_AVAILABLE, ...)`;
      const name = Object.entries(ResponseCode).find(([, v]) => v === code)?.[0] ?? String(code);
      return { kind: 'error', code, name };
    }
    case 'drop':
    case 'close':
      if (arg !== '') return `action=${text}: ${kind} takes no argument`;
      return { kind };
    default:
      return `unknown action "${text}" (delay:MS | error:RESPONSE_CODE | drop | close | slowread:MS)`;
  }
}

/** A code by decimal number or by name in `table`; null when neither. */
function codeOf(text: string, table: Readonly<Record<string, number>>): number | null {
  if (/^-?\d+$/.test(text)) return Number(text);
  const v = Object.prototype.hasOwnProperty.call(table, text) ? table[text] : undefined;
  return typeof v === 'number' ? v : null;
}
