/**
 * Java .properties text (java.util.Properties#store format, UTF-8 — RocketMQ reads its config files with
 * Properties#load(InputStream), which is ISO-8859-1, so non-ASCII is written as \uXXXX).
 */
export type PropValue = string | number | boolean;

export function renderProperties(entries: Record<string, PropValue | undefined>, header?: string): string {
  const lines: string[] = [];
  if (header !== undefined) for (const h of header.split('\n')) lines.push(`# ${h}`);
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined) continue;
    lines.push(`${escape(k, true)}=${escape(String(v), false)}`);
  }
  return `${lines.join('\n')}\n`;
}

function escape(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '=' || c === ':' || c === '#' || c === '!') out += `\\${c}`;
    else if (c === ' ' && (isKey || i === 0)) out += '\\ ';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** Parses Java .properties text (the subset renderProperties writes, plus comments and blank lines). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    let i = 0;
    let key = '';
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (c === '\\' && i + 1 < line.length) {
        key += unescapeChar(line, i);
        i += line[i + 1] === 'u' ? 5 : 1;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ') break;
      key += c;
    }
    while (i < line.length && line[i] === ' ') i++;
    if (line[i] === '=' || line[i] === ':') i++;
    while (i < line.length && line[i] === ' ') i++;
    let value = '';
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (c === '\\' && i + 1 < line.length) {
        value += unescapeChar(line, i);
        i += line[i + 1] === 'u' ? 5 : 1;
        continue;
      }
      value += c;
    }
    out.set(key, value);
  }
  return out;
}

function unescapeChar(line: string, i: number): string {
  const n = line[i + 1]!;
  switch (n) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'u': return String.fromCharCode(parseInt(line.slice(i + 2, i + 6), 16));
    default: return n;
  }
}
