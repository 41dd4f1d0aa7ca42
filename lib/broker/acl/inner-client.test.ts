import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { createRequest } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { defaults, silentLogger, type Logger } from '../../common';
import { NameServer, NamesrvSchema } from '../../nameserver';
import { freeBrokerPort } from '../../remoting/testing/ports';
import { defaultStoreConfig } from '../../store';
import { Broker } from '../broker';
import { BrokerRemotingSchema, BrokerSchema } from '../config';
import { REMARK_NO_USERNAME, REMARK_BAD_SIGNATURE } from './authentication';
import { innerClientCredentials, signingHook } from './inner-client';
import { requestSignature, SIGNATURE } from './signature';

describe('lib/broker/acl inner client credentials (Java BrokerOuterAPI#newAclRPCHook)', () => {
  it('rule: blank -> unsigned; blank accessKey or secretKey -> unsigned with a reason; not a JSON object -> an error naming the key', () => {
    assert.deepEqual(innerClientCredentials('  '), { ok: true, credentials: undefined });
    const blankSk = innerClientCredentials('{"accessKey":"rocketmq2","secretKey":""}');
    assert.ok(blankSk.ok && blankSk.credentials === undefined && /blank accessKey or secretKey/.test(blankSk.ignoredBecause ?? ''));
    const bad = innerClientCredentials('{accessKey:');
    assert.ok(!bad.ok && bad.error.startsWith('innerClientAuthenticationCredentials: expected a JSON object'));
    assert.equal(innerClientCredentials('[1]').ok, false);
    assert.deepEqual(innerClientCredentials('{"accessKey":"rocketmq2","secretKey":"12345678"}'), { ok: true, credentials: { accessKey: 'rocketmq2', secretKey: '12345678' } });
  });

  it('rule: the hook signs the final ext fields and body so that the broker-side check accepts them', () => {
    const req = createRequest({ code: RequestCode.GET_ALL_TOPIC_CONFIG, opaque: 1, version: 1, extFields: null, body: Buffer.from('b') });
    signingHook({ accessKey: 'ak', secretKey: 'sk' })('127.0.0.1:1', req);
    assert.equal(req.extFields?.get('AccessKey'), 'ak');
    assert.equal(req.extFields?.get(SIGNATURE), requestSignature(req, 'sk'));
  });
});

/** Proof of step 1: an Apogee slave of an Apogee master with authenticationEnabled copies its metadata only when signed. */
describe('lib/broker/acl a slave syncing from a master with authenticationEnabled', function () {
  this.timeout(30_000);
  const creds = '{"accessKey":"rocketmq2","secretKey":"12345678"}';
  let dir: string;
  let ns: NameServer;
  let master: Broker;

  async function broker(name: string, brokerId: number, role: string, logger: Logger, extra: Record<string, unknown>): Promise<Broker> {
    const b = await Broker.create({
      config: { ...defaults(BrokerSchema), listenPort: await freeBrokerPort(), brokerIP1: '127.0.0.1', brokerName: 'bk-auth', brokerId, namesrvAddr: `127.0.0.1:${ns.port}`, registerBrokerTimeoutMills: 3000, ...extra },
      remotingConfig: { ...defaults(BrokerRemotingSchema), bindAddress: '127.0.0.1' },
      storeConfig: defaultStoreConfig({ storePathRootDir: path.join(dir, name), mappedFileSizeCommitLog: 1024 * 1024, brokerRole: role }),
      logger,
    });
    await b.start();
    return b;
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-inner-auth-'));
    ns = new NameServer({ config: { ...defaults(NamesrvSchema), listenPort: 0, bindAddress: '127.0.0.1', kvConfigPath: path.join(dir, 'kv.json'), configStorePath: path.join(dir, 'ns.properties') }, logger: silentLogger() });
    await ns.start();
    master = await broker('m', 0, 'ASYNC_MASTER', silentLogger(), {
      authenticationEnabled: true,
      authenticationMetadataProvider: 'org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider',
      innerClientAuthenticationCredentials: creds,
    });
    // What the slave must copy: a topic, a group and a committed offset (put directly: the master refuses unsigned admin calls).
    assert.ok(master.ctx.topics.update([{ ...master.ctx.topics.get('TBW102')!, topicName: 'T_AUTH_SYNC' }]).ok);
    assert.ok(master.ctx.groups.update([{ ...[...master.ctx.groups.all()][0]!, groupName: 'G_AUTH_SYNC' }]).ok);
    master.ctx.offsets.commitOffset('G_AUTH_SYNC', 'T_AUTH_SYNC', 1, 7);
  });

  after(async () => {
    await master.shutdown();
    await ns.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function slaveRound(name: string, extra: Record<string, unknown>): Promise<{ slave: Broker; lines: string[] }> {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    const slave = await broker(name, 1, 'SLAVE', logger, extra);
    assert.equal(slave.ctx.masterAddress.masterAddr, master.brokerAddr, 'the slave learnt its master from the NameServer');
    await slave.slaveSync!.syncAll();
    return { slave, lines };
  }

  it('without innerClientAuthenticationCredentials the master refuses (NO_PERMISSION, Java remark) and the slave logs the setting to fix; nothing is copied', async () => {
    const { slave, lines } = await slaveRound('s1', {});
    try {
      assert.equal(slave.ctx.topics.get('T_AUTH_SYNC'), undefined);
      assert.equal(slave.ctx.groups.get('G_AUTH_SYNC'), undefined);
      assert.equal(slave.ctx.offsets.queryOffset('G_AUTH_SYNC', 'T_AUTH_SYNC', 1), -1);
      const refused = lines.map((l) => JSON.parse(l) as { msg: string; code?: number; remark?: string }).filter((l) => /refused \(NO_PERMISSION/.test(l.msg));
      assert.deepEqual(refused.map((l) => [l.code, l.remark]), [1, 2, 3, 4].map(() => [ResponseCode.NO_PERMISSION, REMARK_NO_USERNAME]), 'topic, consumer offset, delay offset and group steps each refused');
      assert.match(refused[0]!.msg, /set innerClientAuthenticationCredentials/);
    } finally {
      await slave.shutdown();
    }
  });

  it('with a wrong secret the master answers "check signature failed."', async () => {
    const { slave, lines } = await slaveRound('s2', { innerClientAuthenticationCredentials: '{"accessKey":"rocketmq2","secretKey":"wrong"}' });
    try {
      assert.equal(slave.ctx.topics.get('T_AUTH_SYNC'), undefined);
      assert.ok(lines.some((l) => l.includes(REMARK_BAD_SIGNATURE) && l.includes('NO_PERMISSION')));
    } finally {
      await slave.shutdown();
    }
  });

  it('with the credentials set the slave copies topics, consumer offsets and subscription groups', async () => {
    const { slave, lines } = await slaveRound('s3', { innerClientAuthenticationCredentials: creds });
    try {
      assert.deepEqual(slave.ctx.topics.get('T_AUTH_SYNC'), master.ctx.topics.get('T_AUTH_SYNC'));
      assert.ok(slave.ctx.groups.get('G_AUTH_SYNC') !== undefined);
      assert.equal(slave.ctx.offsets.queryOffset('G_AUTH_SYNC', 'T_AUTH_SYNC', 1), 7);
      assert.ok(!lines.some((l) => l.includes('NO_PERMISSION')));
      assert.ok(!lines.some((l) => l.includes('12345678')), 'the secret never appears in the logs');
    } finally {
      await slave.shutdown();
    }
  });
});
