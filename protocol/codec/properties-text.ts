/**
 * Java `.properties` text, as java.util.Properties#load reads it and MixAll#properties2String writes it. Used for
 * broker.conf / namesrv.conf files and for the GET/UPDATE_BROKER_CONFIG and GET/UPDATE_NAMESRV_CONFIG bodies.
 *
 * load(): logical lines may continue with a trailing odd number of backslashes; lines starting with # or ! are
 * comments; the key ends at the first unescaped '=', ':' or whitespace; whitespace (and one '=' or ':') after
 * the key is skipped; escapes \t \n \r \f \uXXXX, and \x for any other x. Later duplicates win.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    // Join continuation lines: an odd count of trailing backslashes.
    while (endsWithOddBackslashes(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (endsWithOddBackslashes(line)) line = line.slice(0, -1);
    let k = 0;
    let key = '';
    while (k < line.length) {
      const c = line[k]!;
      if (c === '\\') {
        key += line.slice(k, k + 2);
        k += 2;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      key += c;
      k++;
    }
    // Skip whitespace, then one separator, then whitespace.
    while (k < line.length && /[ \t\f]/.test(line[k]!)) k++;
    if (k < line.length && (line[k] === '=' || line[k] === ':')) k++;
    while (k < line.length && /[ \t\f]/.test(line[k]!)) k++;
    out.set(unescape(key), unescape(line.slice(k)));
  }
  return out;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    if (n === 'u') {
      // java.util.Properties#loadConvert throws on a malformed \uxxxx escape.
      if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) throw new Error(`malformed \\uxxxx encoding in "${s}"`);
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (n === 't') out += '\t';
    else if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 'f') out += '\f';
    else out += n;
  }
  return out;
}

/**
 * MixAll#properties2String(properties, isSort=true): "key=value\n" per entry, keys sorted (TreeMap order, i.e.
 * UTF-16 code unit order), no escaping at all (exactly as Java writes it).
 */
export function formatJavaProperties(entries: Iterable<[string, string]>): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let s = '';
  for (const [k, v] of sorted) s += `${k}=${v}\n`;
  return s;
}
