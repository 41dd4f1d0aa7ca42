import * as path from 'node:path';
import { readFileWithBackup, writeFileDurably, type Logger } from '../../common';

/**
 * Which (topic, group) pairs consume by POP (Java: broker/.../loadbalance/MessageRequestModeManager.java), set by
 * SET_MESSAGE_REQUEST_MODE (mqadmin setConsumeMode) and read by QUERY_ASSIGNMENT. Stored where Java keeps it,
 * <storePathRootDir>/config/messageRequestMode.json, in its fastjson form:
 *   {"messageRequestModeMap":{"<topic>":{"<group>":{"consumerGroup":"g","mode":"POP","popShareQueueNum":0,"topic":"t"}}}}
 * Bounded by MESSAGE_REQUEST_MODES_MAX entries (a set beyond it is refused by the processor).
 */
export type MessageRequestMode = 'PULL' | 'POP';

export interface RequestModeEntry {
  topic: string;
  consumerGroup: string;
  mode: MessageRequestMode;
  popShareQueueNum: number;
}

/** (topic, group) pairs with an explicit mode. */
export const MESSAGE_REQUEST_MODES_MAX = 100_000;

export class MessageRequestModes {
  private readonly map = new Map<string, Map<string, RequestModeEntry>>();
  private count = 0;
  readonly file: string;

  constructor(storePathRootDir: string, private readonly logger: Logger) {
    this.file = path.join(storePathRootDir, 'config', 'messageRequestMode.json');
    this.load();
  }

  private load(): void {
    const parsed = readFileWithBackup(this.file, (text) => JSON.parse(text) as unknown);
    if (parsed === undefined || parsed === null || typeof parsed !== 'object') return;
    const root = (parsed as Record<string, unknown>)['messageRequestModeMap'];
    if (root === null || typeof root !== 'object') return;
    for (const [topic, groups] of Object.entries(root as Record<string, unknown>)) {
      if (groups === null || typeof groups !== 'object') continue;
      for (const [group, v] of Object.entries(groups as Record<string, unknown>)) {
        const e = v as Record<string, unknown> | null;
        if (e === null || typeof e !== 'object') continue;
        const mode = e['mode'] === 'POP' ? 'POP' : 'PULL';
        const share = typeof e['popShareQueueNum'] === 'number' ? e['popShareQueueNum'] : 0;
        this.setNoPersist({ topic, consumerGroup: group, mode, popShareQueueNum: share });
      }
    }
    this.logger.info({ file: this.file, entries: this.count }, 'loaded');
  }

  get(topic: string, group: string): RequestModeEntry | undefined {
    return this.map.get(topic)?.get(group);
  }

  /** False when the table is full and the pair is new. */
  set(e: RequestModeEntry): boolean {
    if (!this.setNoPersist(e)) return false;
    try {
      writeFileDurably(this.file, this.encode());
    } catch (err) {
      this.logger.error({ err, file: this.file }, 'messageRequestMode.json not written');
    }
    return true;
  }

  private setNoPersist(e: RequestModeEntry): boolean {
    let groups = this.map.get(e.topic);
    if (groups?.has(e.consumerGroup) !== true && this.count >= MESSAGE_REQUEST_MODES_MAX) return false;
    if (groups === undefined) {
      groups = new Map();
      this.map.set(e.topic, groups);
    }
    if (!groups.has(e.consumerGroup)) this.count++;
    groups.set(e.consumerGroup, e);
    return true;
  }

  /** fastjson's encode of the manager (keys of each body sorted). */
  encode(): string {
    const topics: string[] = [];
    for (const [topic, groups] of this.map) {
      const gs: string[] = [];
      for (const [group, e] of groups) {
        gs.push(`${JSON.stringify(group)}:{"consumerGroup":${JSON.stringify(e.consumerGroup)},"mode":"${e.mode}","popShareQueueNum":${e.popShareQueueNum},"topic":${JSON.stringify(e.topic)}}`);
      }
      topics.push(`${JSON.stringify(topic)}:{${gs.join(',')}}`);
    }
    return `{"messageRequestModeMap":{${topics.join(',')}}}`;
  }
}
