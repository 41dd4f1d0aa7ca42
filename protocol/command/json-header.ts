import { ProtocolError } from '../errors';
import { languageName, parseLanguage } from '../codes';
import { jsonQuote, type JsonDialect } from './json-string';
import type { RemotingCommand } from './types';
import { SerializeType } from './types';
import { FIELD_COLLECTOR } from './header-fields';

/**
 * JSON header (serializeType 0). Java writes the RemotingCommand bean with fastjson: keys in alphabetical
 * order, null values omitted, enums by name:
 *
 *   {"code":105,"extFields":{"topic":"T"},"flag":0,"language":"JAVA","opaque":12,
 *    "remark":"...","serializeTypeCurrentRPC":"JSON","version":479}
 *
 * Decoding accepts any key order, a missing remark/extFields, language as a name or a number, and numbers given
 * as numeric strings (fastjson does); the Go client's layout ({"code":..,"language":"GO",...,"remark":""}) too.
 */

export function encodeJsonHeader(cmd: RemotingCommand, dialect: JsonDialect = 'fastjson2'): Buffer {
  let s = '{"code":' + (cmd.code | 0);
  if (cmd.extFields !== null) {
    s += ',"extFields":{';
    let first = true;
    cmd.extFields.forEach((v, k) => {
      s += (first ? '' : ',') + jsonQuote(k, dialect) + ':' + jsonQuote(v, dialect);
      first = false;
    });
    s += '}';
  }
  s += ',"flag":' + (cmd.flag | 0);
  s += ',"language":"' + (languageName(cmd.language) ?? 'JAVA') + '"';
  s += ',"opaque":' + (cmd.opaque | 0);
  if (cmd.remark !== null) s += ',"remark":' + jsonQuote(cmd.remark, dialect);
  s += ',"serializeTypeCurrentRPC":"JSON"';
  s += ',"version":' + (cmd.version | 0);
  s += '}';
  return Buffer.from(s, 'utf8');
}

function intField(obj: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = obj[key];
  if (v === undefined || v === null) return 0;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) n = Number(v.trim());
  else throw new ProtocolError('JSON_HEADER', `JSON header field "${key}" is not an integer`);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ProtocolError('JSON_HEADER', `JSON header field "${key}" is out of range: ${String(v)}`);
  }
  return n;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function decodeJsonHeader(buf: Buffer, start: number, end: number, fieldsMax = Number.MAX_SAFE_INTEGER): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8', start, end));
  } catch (e) {
    throw new ProtocolError('JSON_HEADER', `JSON header does not parse: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ProtocolError('JSON_HEADER', 'JSON header is not an object');
  }
  const obj = parsed as Record<string, unknown>;
  let language = 0;
  if (obj.language !== undefined && obj.language !== null) {
    const l = parseLanguage(obj.language);
    // Java decodes an unknown enum name as null; treat it as OTHER rather than failing the frame.
    language = l ?? 7;
  }
  let remark: string | null = null;
  if (obj.remark !== undefined && obj.remark !== null) {
    if (typeof obj.remark !== 'string') {
      throw new ProtocolError('JSON_HEADER', 'JSON header field "remark" is not a string');
    }
    remark = obj.remark;
  }
  let extFields: Map<string, string> | null = null;
  const ext = obj.extFields;
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'object' || Array.isArray(ext)) {
      throw new ProtocolError('JSON_HEADER', 'JSON header field "extFields" is not an object');
    }
    let fields = 0;
    const fc = FIELD_COLLECTOR;
    fc.start();
    for (const k in ext as Record<string, unknown>) {
      if (++fields > fieldsMax) throw new ProtocolError('HEADER_TOO_LARGE', `header has more than headerFieldsMax ${fieldsMax} extFields`);
      const raw = (ext as Record<string, unknown>)[k];
      if (raw === null || raw === undefined) continue;
      let v: string;
      if (typeof raw === 'string') v = raw;
      else if (typeof raw === 'number' || typeof raw === 'boolean') v = String(raw);
      else throw new ProtocolError('JSON_HEADER', `JSON header extFields["${k}"] is not a string`);
      fc.add(k, v);
    }
    extFields = fc.finish();
  }
  return {
    code: intField(obj, 'code', INT32_MIN, INT32_MAX),
    language,
    version: intField(obj, 'version', INT32_MIN, INT32_MAX),
    opaque: intField(obj, 'opaque', INT32_MIN, INT32_MAX),
    flag: intField(obj, 'flag', INT32_MIN, INT32_MAX),
    remark,
    extFields,
    body: null,
    serializeType: SerializeType.JSON,
  };
}
