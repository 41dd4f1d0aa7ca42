import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileDurably } from '../../common';

/**
 * Contract: the ACL 2.0 users (username, password, userType Super|Normal, userStatus enable|disable) the broker
 * authenticates requests against, kept in memory and persisted to `<storePathRootDir>/config/users.json`.
 *
 * Java 5.5.0 keeps them in RocksDB (auth/.../LocalAuthenticationMetadataProvider: ConfigRocksDBStorage at
 * `<authConfigPath>/users`, authConfigPath = storePathRootDir/config, BrokerStartup); Apogee has no RocksDB and
 * stores the same User objects as one JSON file instead (README: "Access control"), so a Java broker's user
 * directory is not read and vice versa. Start-up users: `initAuthenticationUser` (JSON {"username","password"},
 * made Super) and `innerClientAuthenticationCredentials` (JSON {"accessKey","secretKey"}, Super), each created
 * only when absent (Java: AuthenticationMetadataManagerImpl#initUser). The number of users is bounded (usersMax).
 */

export type UserType = 'Super' | 'Normal';
export type UserStatus = 'enable' | 'disable';

export interface User {
  username: string;
  password: string;
  userType: UserType;
  userStatus: UserStatus;
}

/** At most this many users (each one a map entry and a few hundred file bytes). */
export const USERS_MAX = 10_000;

export class UserStore {
  private readonly users = new Map<string, User>();
  private readonly file: string;

  /** Loads `<configDir>/users.json` when present; a file that does not parse is an error naming it. */
  constructor(configDir: string, private readonly usersMax = USERS_MAX) {
    this.file = path.join(configDir, 'users.json');
    if (!fs.existsSync(this.file)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (e) {
      throw new Error(`${this.file}: not valid JSON (${(e as Error).message}); fix or remove the file`);
    }
    const list = (parsed as { users?: unknown }).users;
    if (!Array.isArray(list)) throw new Error(`${this.file}: expected {"users":[...]}`);
    for (const [i, raw] of list.entries()) {
      const u = toUser(raw);
      if (typeof u === 'string') throw new Error(`${this.file}: users[${i}]: ${u}`);
      this.users.set(u.username, u);
    }
  }

  get(username: string): User | undefined {
    return this.users.get(username);
  }

  list(): User[] {
    return [...this.users.values()];
  }

  /** Creates or replaces a user and persists; an error text when the store is full. */
  put(user: User): string | undefined {
    if (!this.users.has(user.username) && this.users.size >= this.usersMax) {
      return `too many users: ${this.users.size} (usersMax=${this.usersMax}); delete unused users first`;
    }
    this.users.set(user.username, { ...user });
    this.persist();
    return undefined;
  }

  delete(username: string): boolean {
    const had = this.users.delete(username);
    if (had) this.persist();
    return had;
  }

  /** Java AuthenticationMetadataManagerImpl#initUser: the configured start-up users, created when absent. */
  initFromConfig(initAuthenticationUser: string, innerClientAuthenticationCredentials: string): void {
    if (initAuthenticationUser.trim() !== '') {
      const j = parseJson(initAuthenticationUser, 'initAuthenticationUser') as { username?: unknown; password?: unknown };
      if (typeof j.username !== 'string' || j.username === '') throw new Error('initAuthenticationUser: "username" is required');
      if (this.get(j.username) === undefined) {
        this.put({ username: j.username, password: typeof j.password === 'string' ? j.password : '', userType: 'Super', userStatus: 'enable' });
      }
    }
    if (innerClientAuthenticationCredentials.trim() !== '') {
      const j = parseJson(innerClientAuthenticationCredentials, 'innerClientAuthenticationCredentials') as { accessKey?: unknown; secretKey?: unknown };
      if (typeof j.accessKey !== 'string' || j.accessKey === '') throw new Error('innerClientAuthenticationCredentials: "accessKey" is required');
      if (this.get(j.accessKey) === undefined) {
        this.put({ username: j.accessKey, password: typeof j.secretKey === 'string' ? j.secretKey : '', userType: 'Super', userStatus: 'enable' });
      }
    }
  }

  private persist(): void {
    writeFileDurably(this.file, JSON.stringify({ users: this.list() }, null, 2));
  }
}

function parseJson(text: string, key: string): unknown {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object') throw new Error('not an object');
    return v;
  } catch (e) {
    throw new Error(`${key}: expected a JSON object (${(e as Error).message})`);
  }
}

function toUser(raw: unknown): User | string {
  if (raw === null || typeof raw !== 'object') return 'not an object';
  const r = raw as Record<string, unknown>;
  if (typeof r['username'] !== 'string' || r['username'] === '') return '"username" is required';
  if (typeof r['password'] !== 'string') return '"password" is required';
  const userType = r['userType'] === 'Super' ? 'Super' : 'Normal';
  const userStatus = r['userStatus'] === 'disable' ? 'disable' : 'enable';
  return { username: r['username'], password: r['password'], userType, userStatus };
}
