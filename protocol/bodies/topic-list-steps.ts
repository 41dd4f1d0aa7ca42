import type { Decoded } from '../headers';
import { jsonBytesMax, type JsonLimits } from './json';
import { fastTopicConfig, Scanner, Unusual } from './register-broker-steps';
import { CreateTopicListRequestBody, type TopicConfig } from './topic';

/**
 * UPDATE_AND_CREATE_TOPIC_LIST body (CreateTopicListRequestBody) decoded in bounded steps (issue 14: a 1,000-topic
 * list parsed and read in one go held the broker's event loop ~5-30 ms; no block may exceed 20 ms). `step(topicsMax)`
 * reads at most `topicsMax` list entries and returns; the caller yields to the event loop between steps.
 *
 * Only the shape Java writes is read in steps: `{"topicConfigList":[{...},{...}]}` with each entry in the shape
 * register-broker-steps.ts's fastTopicConfig reads (quoted keys without escapes, small ints, booleans, plain
 * strings). Anything else (other or extra outer keys, an entry fastTopicConfig declines, trailing commas, bytes past
 * the end, a body over jsonBytesMax) makes the next step decode the whole body with CreateTopicListRequestBody.decode,
 * so the accepted dialect, the values and every error message are the one-go decoder's (topic-list-steps.test.ts
 * compares both on generated bodies).
 */
export type TopicListStepResult = { done: false } | { done: true; result: Decoded<CreateTopicListRequestBody> };

export class TopicListBodySteps {
  private s: Scanner | null = null;
  private readonly list: TopicConfig[] = [];

  constructor(
    private readonly body: Buffer,
    private readonly limits: JsonLimits = {},
  ) {}

  step(topicsMax: number): TopicListStepResult {
    try {
      return this.stepPlain(topicsMax);
    } catch (e) {
      if (e instanceof Unusual) return { done: true, result: CreateTopicListRequestBody.decode(this.body, this.limits) };
      throw e;
    }
  }

  private stepPlain(topicsMax: number): TopicListStepResult {
    if (this.s === null) {
      if (this.body.length > (this.limits.bytesMax ?? jsonBytesMax)) throw new Unusual();
      const s = new Scanner(this.body.toString('utf8'));
      s.expect(0x7b);
      if (s.plainString() !== 'topicConfigList') throw new Unusual();
      s.expect(0x3a);
      s.expect(0x5b);
      if (s.ws() === 0x5d) throw new Unusual(); // an empty list: the one-go decoder reads it at once
      this.s = s;
    }
    const s = this.s;
    for (let n = 0; n < topicsMax; n++) {
      const t = fastTopicConfig(s);
      if (t === undefined) throw new Unusual();
      this.list.push(t);
      const c = s.ws();
      s.pos++;
      if (c === 0x2c) {
        if (s.ws() === 0x5d) throw new Unusual(); // trailing comma
        continue;
      }
      if (c !== 0x5d) throw new Unusual();
      s.expect(0x7d);
      if (s.ws() !== -1) throw new Unusual();
      return { done: true, result: { ok: true, value: { topicConfigList: this.list } } };
    }
    return { done: false };
  }
}
