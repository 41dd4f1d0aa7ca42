import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { DataVersion, PropertiesBody } from '../../../../protocol/bodies';
import { RequestCode, ResponseCode } from '../../../../protocol/codes';
import { BrokerHarness } from '../testing/harness';
import { JAVA_550_BROKER_CONFIG_KEYS } from '../../../../compat-tests/runner/java55-broker-config-keys';

/** GET_BROKER_CONFIG (26) / UPDATE_BROKER_CONFIG (25). Java: AdminBrokerProcessor#getBrokerConfig, #updateBrokerConfig. */
describe('lib/broker/processors/admin config family', () => {
  let h: BrokerHarness;

  before(async () => {
    h = await BrokerHarness.start();
  });

  after(async () => {
    await h.close();
  });

  const get = async () => {
    const r = await h.call(RequestCode.GET_BROKER_CONFIG);
    assert.equal(r.code, ResponseCode.SUCCESS);
    const v = DataVersion.decode(r.extFields!.get('version')!);
    assert.ok(v.ok, 'header version is a DataVersion JSON');
    assert.ok(r.body !== null && r.body.length > 0, 'the body is never empty (Java does new String(body))');
    const p = PropertiesBody.decode(r.body);
    assert.ok(p.ok);
    return { version: v.value, props: p.value };
  };

  it('GET_BROKER_CONFIG: header version = DataVersion JSON, body = properties text with broker, remoting and store keys', async () => {
    const { version, props } = await get();
    assert.equal(version.counter, 0);
    assert.equal(props.get('brokerName'), 'broker-a');
    assert.ok(props.has('serverChannelMaxIdleTimeSeconds'));
    assert.ok(props.has('storePathRootDir'));
  });

  it('GET_BROKER_CONFIG lists every key a Java 5.5.0 broker lists (486), with Java defaults for the ones Apogee ignores', async () => {
    const { props } = await get();
    const missing = JAVA_550_BROKER_CONFIG_KEYS.filter((k) => !props.has(k));
    assert.deepEqual(missing, [], `keys Java 5.5.0 lists that Apogee does not: ${missing.join(', ')}`);
    assert.equal(JAVA_550_BROKER_CONFIG_KEYS.length, 486);
    // a few Java-only keys with their 5.5.0 defaults, as the Java broker prints them
    assert.equal(props.get('maxLiteSubscriptionCount'), '100000');
    assert.equal(props.get('logicalDiskSpaceCleanForciblyThreshold'), '0.8');
    assert.equal(props.get('socksProxyConfig'), '{}');
    assert.equal(props.get('defaultMessageRequestMode'), 'PULL');
    assert.equal(props.get('configBlackList'), 'configBlackList;brokerConfigPath');
    // mqadmin exportMetrics prints it as runtimeEnv.cpuNum (Java NettySystemConfig: availableProcessors)
    assert.equal(props.get('clientCallbackExecutorThreads'), String(os.availableParallelism()));
  });

  it('UPDATE_BROKER_CONFIG applies key=value text and bumps the version', async () => {
    const r = await h.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from('flushConsumerOffsetInterval=4000\n'));
    assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
    const { version, props } = await get();
    assert.equal(props.get('flushConsumerOffsetInterval'), '4000');
    assert.equal(version.counter, 1);
    assert.equal(h.broker.ctx.config.flushConsumerOffsetInterval, 4000);
  });

  it('refuses black-listed keys with NO_PERMISSION and a malformed body with "string2Properties error"', async () => {
    const black = await h.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from('brokerName=other\n'));
    assert.equal(black.code, ResponseCode.NO_PERMISSION);
    assert.match(black.remark!, /^Can not update config in black list/);
    const bad = await h.call(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from('a=\\u12\n'));
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(bad.remark, 'string2Properties error');
    assert.equal((await get()).version.counter, 1);
    // Java: no body, nothing to do
    assert.equal((await h.call(RequestCode.UPDATE_BROKER_CONFIG)).code, ResponseCode.SUCCESS);
  });
});
