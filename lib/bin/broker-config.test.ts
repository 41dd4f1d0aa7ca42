import { strict as assert } from 'node:assert';
import { parseJavaProperties } from '../../protocol/codec';
import { BrokerSchema } from '../broker';
import { storeConfigSchema } from '../store';
import { INERT_SECTION_HEADER, loadBrokerConfig, printConfigLines } from './broker-config';

/** `mqbroker -p`: every key, those Apogee does not act on in a section of their own (Java: BrokerStartup -p). */
describe('lib/bin/broker-config printConfigLines (mqbroker -p)', () => {
  const loaded = loadBrokerConfig({});
  const lines = printConfigLines(loaded);
  const header = lines.indexOf(INERT_SECTION_HEADER);

  it('rule: the keys Apogee acts on come first, the inert ones after the header line', () => {
    assert.ok(header > 0, 'the header line is printed');
    const keyOf = (l: string): string => l.slice(0, l.indexOf('='));
    const schemaOf = (k: string) => (BrokerSchema as Record<string, { inert?: boolean }>)[k] ?? (storeConfigSchema as Record<string, { inert?: boolean }>)[k];
    for (const l of lines.slice(0, header)) assert.notEqual(schemaOf(keyOf(l))?.inert, true, `${l} is inert but listed as acted on`);
    const inert = lines.slice(header + 1).map(keyOf);
    for (const k of ['timerRocksDBEnable', 'maxLiteSubscriptionCount', 'sendMessageThreadPoolNums', 'haFlowControlEnable']) assert.ok(inert.includes(k), `${k} is marked inert`);
    for (const k of ['brokerName', 'listenPort', 'storePathRootDir']) assert.ok(lines.slice(0, header).some((l) => keyOf(l) === k), `${k} is listed as acted on`);
  });

  it('rule: the output still loads as a properties file with every key', () => {
    const props = parseJavaProperties(lines.join('\n'));
    assert.equal(props.size, lines.length - 1, 'one key per line but the header (a comment)');
    assert.equal(props.get('brokerName'), 'broker-a');
  });

  it('rule: -m (important only) keeps the filter', () => {
    const only = printConfigLines(loaded, ['brokerName', 'listenPort']);
    assert.deepEqual(only, ['brokerName=broker-a', 'listenPort=10911']);
  });
});
