/**
 * LanguageCode (Java: remoting/.../protocol/LanguageCode.java). JSON headers carry the name, ROCKETMQ binary
 * headers the byte. NODE_JS (13) is 5.x only and RUST (12) is unknown before 4.9.x; Apogee always sends JAVA,
 * which every client decodes.
 */
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  NODE_JS: 13,
} as const;
export type LanguageName = keyof typeof LanguageCode;

const byCode = new Map<number, LanguageName>(
  Object.entries(LanguageCode).map(([k, v]) => [v, k as LanguageName]),
);

export function languageName(code: number): LanguageName | undefined {
  return byCode.get(code);
}

/** Parses a JSON header's language: a name (any known), or an integer code. Unknown -> undefined. */
export function parseLanguage(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const c = (LanguageCode as Record<string, number>)[v];
    return c;
  }
  if (typeof v === 'number' && Number.isInteger(v) && byCode.has(v)) return v;
  return undefined;
}
