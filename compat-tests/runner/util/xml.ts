/**
 * A minimal, strict-enough XML reader for the reports the harness consumes (Maven surefire TEST-*.xml).
 * Supports elements, attributes, text, CDATA, comments, processing instructions and the five predefined plus
 * numeric character references. No namespaces processing (prefixes stay in names), no DTDs.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA directly inside this element. */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at offset ${position}`);
    this.name = 'XmlError';
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const top = (): XmlElement => stack[stack.length - 1]!;

  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt < 0) {
      top().text += decodeEntities(src.slice(i));
      break;
    }
    if (lt > i) top().text += decodeEntities(src.slice(i, lt));
    i = lt;
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4);
      if (end < 0) throw new XmlError('unterminated comment', i);
      i = end + 3;
    } else if (src.startsWith('<![CDATA[', i)) {
      const end = src.indexOf(']]>', i + 9);
      if (end < 0) throw new XmlError('unterminated CDATA', i);
      top().text += src.slice(i + 9, end);
      i = end + 3;
    } else if (src.startsWith('<?', i)) {
      const end = src.indexOf('?>', i + 2);
      if (end < 0) throw new XmlError('unterminated processing instruction', i);
      i = end + 2;
    } else if (src.startsWith('<!', i)) {
      const end = src.indexOf('>', i + 2);
      if (end < 0) throw new XmlError('unterminated declaration', i);
      i = end + 1;
    } else if (src.startsWith('</', i)) {
      const end = src.indexOf('>', i + 2);
      if (end < 0) throw new XmlError('unterminated end tag', i);
      const name = src.slice(i + 2, end).trim();
      const open = stack.pop();
      if (open === undefined || open === root || open.name !== name) {
        throw new XmlError(`end tag </${name}> does not match <${open?.name ?? '(none)'}>`, i);
      }
      i = end + 1;
    } else {
      // start tag
      const m = /^<([A-Za-z_:][-A-Za-z0-9_:.]*)/.exec(src.slice(i, i + 256));
      if (m === null) throw new XmlError('bad start tag', i);
      const el: XmlElement = { name: m[1]!, attrs: {}, children: [], text: '' };
      i += m[0].length;
      const attrRe = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;
      for (;;) {
        attrRe.lastIndex = i;
        const a = attrRe.exec(src);
        if (a === null) break;
        el.attrs[a[1]!] = decodeEntities(a[3] ?? a[4] ?? '');
        i = attrRe.lastIndex;
      }
      while (i < src.length && /\s/.test(src[i]!)) i++;
      top().children.push(el);
      if (src.startsWith('/>', i)) {
        i += 2;
      } else if (src[i] === '>') {
        i += 1;
        stack.push(el);
      } else {
        throw new XmlError(`bad attribute syntax in <${el.name}>`, i);
      }
    }
  }
  if (stack.length !== 1) throw new XmlError(`unclosed element <${top().name}>`, src.length);
  const doc = root.children[0];
  if (doc === undefined) throw new XmlError('no root element', 0);
  return doc;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}
