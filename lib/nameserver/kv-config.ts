import type { Logger } from '../common';
import { readFileWithBackup, writeFileDurably } from '../common';

/**
 * KV config (namespace -> key -> value), persisted to kvConfig.json in Java's format
 * ({"configTable":{"ns":{"k":"v"}}}, KVConfigSerializeWrapper). Java: namesrv/.../kvconfig/KVConfigManager.java.
 * Every change is written through before the request is answered.
 */
export interface KvLimits {
  /** Namespaces kept; a put creating one more is refused. */
  kvNamespacesMax: number;
  /** Keys per namespace. */
  kvKeysPerNamespaceMax: number;
}

export const DEFAULT_KV_LIMITS: KvLimits = { kvNamespacesMax: 1024, kvKeysPerNamespaceMax: 100_000 };

export class KvConfigManager {
  private readonly table = new Map<string, Map<string, string>>();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    readonly limits: KvLimits = DEFAULT_KV_LIMITS,
  ) {}

  load(): void {
    const parsed = readFileWithBackup(this.file, (text) => {
      const v = JSON.parse(text) as { configTable?: Record<string, Record<string, unknown>> };
      if (v === null || typeof v !== 'object') throw new Error('not a JSON object');
      return v;
    });
    if (parsed?.configTable === undefined) return;
    for (const [ns, kv] of Object.entries(parsed.configTable)) {
      if (kv === null || typeof kv !== 'object') continue;
      const m = new Map<string, string>();
      for (const [k, v] of Object.entries(kv)) if (v !== null && v !== undefined) m.set(k, String(v));
      this.table.set(ns, m);
    }
    this.logger.info({ file: this.file, namespaces: this.table.size }, 'KV config loaded');
  }

  /** null on success, or the reason it was refused. */
  put(namespace: string, key: string, value: string): string | null {
    let m = this.table.get(namespace);
    if (m === undefined) {
      if (this.table.size >= this.limits.kvNamespacesMax) return `kvNamespacesMax ${this.limits.kvNamespacesMax} reached`;
      m = new Map();
      this.table.set(namespace, m);
    }
    if (!m.has(key) && m.size >= this.limits.kvKeysPerNamespaceMax) {
      return `kvKeysPerNamespaceMax ${this.limits.kvKeysPerNamespaceMax} reached in namespace ${namespace}`;
    }
    m.set(key, value);
    this.logger.info({ namespace, key, value }, 'KV config put');
    this.persist();
    return null;
  }

  get(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  delete(namespace: string, key: string): void {
    const m = this.table.get(namespace);
    if (m === undefined || !m.delete(key)) return;
    this.logger.info({ namespace, key }, 'KV config deleted');
    this.persist();
  }

  list(namespace: string): Map<string, string> | undefined {
    return this.table.get(namespace);
  }

  private persist(): void {
    const obj: Record<string, Record<string, string>> = {};
    for (const [ns, m] of this.table) obj[ns] = Object.fromEntries(m);
    writeFileDurably(this.file, JSON.stringify({ configTable: obj }));
  }
}
