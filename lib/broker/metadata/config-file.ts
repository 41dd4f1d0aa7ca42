import * as path from 'node:path';
import { JAVA_DISK_FORMAT, unwrap, type Body } from '../../../protocol/bodies';
import { readFileWithBackup, writeFileDurably, type Logger } from '../../common';

/**
 * A broker metadata file in Java's location (<storePathRootDir>/config/<name>, BrokerPathConfigHelper) and
 * Java's on-disk format (fastjson PrettyFormat with unquoted numeric keys, as ConfigManager#persist writes it),
 * so a Java broker started on the same directory reads it, and Apogee reads what Java left.
 */
export class ConfigFile<T> {
  readonly file: string;
  constructor(
    storePathRootDir: string,
    name: string,
    private readonly body: Body<T>,
    private readonly logger: Logger,
  ) {
    this.file = path.join(storePathRootDir, 'config', name);
  }

  load(): T | undefined {
    const v = readFileWithBackup(this.file, (text) => unwrap(this.body.decode(text)));
    if (v !== undefined) this.logger.info({ file: this.file }, 'loaded');
    return v;
  }

  persist(value: T): void {
    writeFileDurably(this.file, this.body.toJson(value, JAVA_DISK_FORMAT));
  }
}

/** Java DataVersion#nextVersion: counter + 1, timestamp = now. */
export interface DataVersionValue {
  counter: number;
  stateVersion: number;
  timestamp: number;
}

/** Java DataVersion#equals: timestamp, counter and stateVersion. */
export function sameVersion(a: DataVersionValue, b: { counter: number; stateVersion?: number; timestamp: number }): boolean {
  return a.counter === b.counter && a.timestamp === b.timestamp && a.stateVersion === (b.stateVersion ?? 0);
}

export function nextVersion(v: DataVersionValue, now: number, stateVersion = v.stateVersion): DataVersionValue {
  return { counter: v.counter + 1, stateVersion, timestamp: now };
}
