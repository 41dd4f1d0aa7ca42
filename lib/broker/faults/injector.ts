import { RequestCode } from '../../../protocol/codes';
import { parseFaultRules, type FaultAction, type FaultRule } from './rules';

/**
 * The fault injector's state and its decisions: which rule (if any) hits a request of a code and topic. Rules are
 * tried in order; a rule whose code and topic match draws one number from a seeded PRNG (mulberry32, seed
 * `apogeeFaultSeed`) and hits when it is below the rule's p; the first hit wins. The same seed, rules and request
 * sequence give the same injections. Counts per action (and per rule) are kept for GET_BROKER_RUNTIME_INFO.
 * Pure apart from its own state: no clock, no I/O (gate.ts acts on the decisions).
 */
export interface FaultHit {
  readonly rule: FaultRule;
  readonly action: FaultAction;
}

/** The header field holding the topic: `topic`, or `b` in the compressed SEND_MESSAGE_V2 family headers. */
const V2_CODES: ReadonlySet<number> = new Set([RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2]);

export function requestTopic(code: number, extFields: ReadonlyMap<string, string> | null | undefined): string | null {
  if (extFields == null) return null;
  return extFields.get('topic') ?? (V2_CODES.has(code) ? extFields.get('b') : undefined) ?? null;
}

export class FaultInjector {
  /** The single check the request path makes: on (apogeeFaultsEnable) and at least one rule. */
  enabled = false;
  /** apogeeFaultsEnable as set, rules or not (what runtime info reports). */
  private setting = false;
  private rules: FaultRule[] = [];
  private used: number[] = [];
  private state = 0;
  private readonly counts = { delay: 0, error: 0, drop: 0, close: 0, slowread: 0 };

  /** Applies the three config keys; throws (message naming the rule) on bad rule text, changing nothing. */
  configure(enable: boolean, rulesText: string, seed: number): void {
    const parsed = parseFaultRules(rulesText);
    if (!parsed.ok) throw new Error(parsed.error);
    this.rules = parsed.rules;
    this.used = parsed.rules.map(() => 0);
    this.state = seed >>> 0;
    this.setting = enable;
    this.enabled = enable && parsed.rules.length > 0;
  }

  /** The rule hitting this request, or null. Only called when enabled. */
  decide(code: number, topic: string | null): FaultHit | null {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      if (rule.codes !== null && !rule.codes.has(code)) continue;
      if (rule.topic !== null && rule.topic !== topic) continue;
      if (this.used[i]! >= rule.timesMax) continue;
      if (rule.probability < 1 && this.next() >= rule.probability) continue;
      this.used[i]!++;
      this.counts[rule.action.kind]++;
      return { rule, action: rule.action };
    }
    return null;
  }

  /**
   * Runtime-info keys: apogeeFaultsEnable (the setting, true even before any rule is given), apogeeFaultRulesInForce (the
   * number of rules in force), apogeeFaultInjected{Total,Delay,Error,Drop,Close,SlowRead}.
   */
  runtimeInfo(): [string, string][] {
    const c = this.counts;
    return [
      ['apogeeFaultsEnable', String(this.setting)],
      ['apogeeFaultRulesInForce', String(this.rules.length)],
      ['apogeeFaultInjectedTotal', String(c.delay + c.error + c.drop + c.close + c.slowread)],
      ['apogeeFaultInjectedDelay', String(c.delay)],
      ['apogeeFaultInjectedError', String(c.error)],
      ['apogeeFaultInjectedDrop', String(c.drop)],
      ['apogeeFaultInjectedClose', String(c.close)],
      ['apogeeFaultInjectedSlowRead', String(c.slowread)],
    ];
  }

  /** mulberry32: a uniform double in [0, 1). */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
