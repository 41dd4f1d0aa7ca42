/**
 * Contract: the YAML subset plain_acl.yml files use (Java reads them with SnakeYAML: auth/.../migration/v1/
 * PlainPermissionManager), parsed without a dependency: block mappings (`key: value`, `key:` + a deeper block),
 * block sequences (`- scalar`, `- key: value` opening a mapping item, also at the key's own indent), flow sequences of
 * scalars (`[a, b]`, `[]`), plain/single-/double-quoted scalars, `#` comments, blank lines, `---` at the top. Every
 * scalar stays a string (callers convert: `admin: true`, `secretKey: 12345678`); an empty value is null.
 * Anything else (tabs in indentation, anchors, multi-line scalars, bad indentation, duplicate keys, a line that is
 * neither) is a YamlError naming the line number and, where known, the key.
 */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

export class YamlError extends Error {
  constructor(readonly line: number, readonly key: string | undefined, detail: string) {
    super(`line ${line}${key !== undefined ? ` (key "${key}")` : ''}: ${detail}`);
  }
}

interface Line { no: number; indent: number; text: string }

export function parseYaml(source: string): YamlValue {
  const lines: Line[] = [];
  for (const [i, raw] of source.split(/\r?\n/).entries()) {
    const no = i + 1;
    const lead = /^[ \t]*/.exec(raw)![0];
    if (lead.includes('\t')) throw new YamlError(no, undefined, 'a tab in the indentation; indent with spaces');
    const text = stripComment(raw.slice(lead.length), no).trimEnd();
    if (text === '' || (text === '---' && lines.length === 0)) continue;
    lines.push({ no, indent: lead.length, text });
  }
  if (lines.length === 0) return null;
  const p = new Parser(lines);
  const v = p.block(lines[0]!.indent);
  if (p.pos < lines.length) throw new YamlError(lines[p.pos]!.no, undefined, 'indentation does not match any open block');
  return v;
}

class Parser {
  pos = 0;
  constructor(private readonly lines: Line[]) {}

  block(indent: number): YamlValue {
    const first = this.lines[this.pos]!;
    return isItem(first.text) ? this.sequence(indent) : this.mapping(indent, {});
  }

  private sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) throw new YamlError(l.no, undefined, `unexpected indentation (${l.indent} spaces, the list is at ${indent})`);
      if (!isItem(l.text)) break;
      const rest = l.text === '-' ? '' : l.text.slice(2).trimStart();
      this.pos++;
      if (rest === '') {
        const next = this.lines[this.pos];
        out.push(next !== undefined && next.indent > indent ? this.block(next.indent) : null);
      } else if (keyOf(rest) !== undefined) {
        // "- key: value" opens a mapping whose further keys sit where "key" sits.
        const itemIndent = l.indent + (l.text.length - rest.length);
        const map: { [k: string]: YamlValue } = {};
        this.entry(rest, l.no, itemIndent, map);
        out.push(this.mapping(itemIndent, map));
      } else {
        out.push(scalar(rest, l.no, undefined));
      }
    }
    return out;
  }

  private mapping(indent: number, map: { [k: string]: YamlValue }): { [k: string]: YamlValue } {
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) throw new YamlError(l.no, undefined, `unexpected indentation (${l.indent} spaces, the mapping is at ${indent})`);
      if (isItem(l.text)) throw new YamlError(l.no, undefined, 'a list item where a "key: value" line was expected');
      this.pos++;
      this.entry(l.text, l.no, indent, map);
    }
    return map;
  }

  /** One "key: value" (or "key:" + a deeper block, or a list at the key's indent). */
  private entry(text: string, no: number, indent: number, map: { [k: string]: YamlValue }): void {
    const key = keyOf(text);
    if (key === undefined) throw new YamlError(no, undefined, `expected "key: value", found "${text}"`);
    if (Object.prototype.hasOwnProperty.call(map, key.name)) throw new YamlError(no, key.name, 'duplicate key');
    if (key.rest !== '') {
      map[key.name] = scalar(key.rest, no, key.name);
      return;
    }
    const next = this.lines[this.pos];
    if (next !== undefined && (next.indent > indent || (next.indent === indent && isItem(next.text)))) {
      map[key.name] = this.block(next.indent);
    } else {
      map[key.name] = null;
    }
  }
}

const isItem = (t: string): boolean => t === '-' || t.startsWith('- ');

function keyOf(text: string): { name: string; rest: string } | undefined {
  let name: string;
  let after: string;
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = text.indexOf(text[0]!, 1);
    if (end < 0) return undefined;
    name = text.slice(1, end);
    after = text.slice(end + 1);
    if (!after.startsWith(':')) return undefined;
    after = after.slice(1);
  } else {
    const m = /^([^:\s[\]{},'"][^:]*?):(?:\s+|$)/.exec(text);
    if (m === null) return undefined;
    name = m[1]!.trim();
    after = text.slice(m[0].length);
  }
  return { name, rest: after.trim() };
}

function scalar(text: string, no: number, key: string | undefined): YamlValue {
  if (text === '~' || text === 'null') return null;
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new YamlError(no, key, 'a flow list must end on its line with "]"');
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((s) => scalar(s.trim(), no, key));
  }
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"')) throw new YamlError(no, key, 'unterminated double-quoted string');
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new YamlError(no, key, 'bad escape in a double-quoted string');
    }
  }
  if (text.startsWith("'")) {
    if (text.length < 2 || !text.endsWith("'")) throw new YamlError(no, key, 'unterminated single-quoted string');
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[&*!|>{]/.test(text)) throw new YamlError(no, key, `unsupported YAML ("${text[0]}": anchors, tags, block scalars and flow mappings are not read)`);
  return text;
}

/** Removes a comment: `#` at the start or after a space, outside quotes. */
function stripComment(text: string, no: number): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:\-[,]/.test(text[i - 1]!)) quote = c;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ')) {
      return text.slice(0, i);
    }
  }
  if (quote !== '' && no > 0) return text; // left for scalar() to report as unterminated
  return text;
}
