import { strict as assert } from 'node:assert';
import { createRequest, type RemotingCommand } from '../../../protocol/command';
import { RequestCode, ResponseCode } from '../../../protocol/codes';
import { encodeHeader, encodeSendMessageHeaderV2, SendMessageRequestHeader } from '../../../protocol/headers';
import { decodeMessages, parseProperties, PullSysFlag, stringifyProperties } from '../../../protocol/message';
import { ok } from '../../remoting';
import { BrokerHarness, FakeClient, waitUntil } from './testing/harness';

/**
 * SEND_REPLY_MESSAGE(_V2) over real sockets (Java: ReplyMessageProcessor): the reply is pushed with
 * PUSH_REPLY_MESSAGE_TO_CLIENT to the requester's connection found by REPLY_TO_CLIENT, then stored when
 * storeReplyMessageEnable; a requester that is gone gets Java's SYSTEM_ERROR remark.
 */
describe('lib/broker/processors/reply SEND_REPLY_MESSAGE -> PUSH_REPLY_MESSAGE_TO_CLIENT', function () {
  this.timeout(20_000);
  let h: BrokerHarness;
  const REPLY_TOPIC = 'DefaultCluster_REPLY_TOPIC';

  afterEach(async () => {
    await h.close();
  });

  function sendReply(replyTo: string | undefined, body = 'pong', code: number = RequestCode.SEND_REPLY_MESSAGE_V2): Promise<RemotingCommand> {
    const props: [string, string][] = [
      ['CORRELATION_ID', 'corr-1'],
      ['MSG_TYPE', 'reply'],
      ['TTL', '3000'],
      ['WAIT', 'true'],
    ];
    if (replyTo !== undefined) props.push(['REPLY_TO_CLIENT', replyTo]);
    const fields = { producerGroup: 'replier', topic: REPLY_TOPIC, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: stringifyProperties(props), reconsumeTimes: 0, unitMode: false, batch: false };
    return h.client.invoke(h.addr, createRequest({ code, opaque: 0, version: 479, extFields: code === RequestCode.SEND_REPLY_MESSAGE ? encodeHeader(SendMessageRequestHeader, fields) : encodeSendMessageHeaderV2(fields), body: Buffer.from(body) }), 15_000);
  }

  async function storedReplies(): Promise<ReturnType<typeof decodeMessages>> {
    const p = await h.call(RequestCode.PULL_MESSAGE, { consumerGroup: 'g', topic: REPLY_TOPIC, queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: PullSysFlag.FLAG_SUBSCRIPTION, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG' });
    assert.ok(p.code === ResponseCode.SUCCESS || p.code === ResponseCode.PULL_NOT_FOUND, `pull of the reply topic: ${p.code} ${p.remark ?? ''}`);
    return p.code === ResponseCode.SUCCESS ? decodeMessages(p.body!) : [];
  }

  it("pushes the reply to the requester's connection (found by REPLY_TO_CLIENT) and stores it", async () => {
    h = await BrokerHarness.start();
    const pushes: RemotingCommand[] = [];
    const requester = new FakeClient('127.0.0.1@requester', [
      [
        RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT,
        (ctx) => {
          pushes.push(ctx.request);
          return ok(ctx);
        },
      ],
    ]);
    try {
      assert.equal((await requester.heartbeat(h.addr, { producerGroup: 'requester-pg' })).code, ResponseCode.SUCCESS);
      const r = await sendReply('127.0.0.1@requester');
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
      assert.equal(r.extFields!.get('MSG_REGION'), 'DefaultRegion');
      assert.equal(r.extFields!.get('TRACE_ON'), 'true');
      assert.match(r.extFields!.get('msgId')!, /^7F000001[0-9A-F]{24}$/, 'the stored copy');
      assert.equal(pushes.length, 1, 'pushed once, before the answer');
      const push = pushes[0]!;
      const e = push.extFields!;
      assert.equal(e.get('topic'), REPLY_TOPIC);
      assert.equal(e.get('producerGroup'), 'replier');
      assert.equal(e.get('defaultTopic'), 'TBW102');
      assert.match(e.get('bornHost')!, /^127\.0\.0\.1:\d+$/);
      assert.equal(e.get('storeHost'), h.addr);
      assert.ok(Number(e.get('storeTimestamp')) > 0);
      assert.equal(push.body!.toString(), 'pong');
      const pushedProps = parseProperties(e.get('properties')!);
      assert.equal(pushedProps.get('CORRELATION_ID'), 'corr-1');
      assert.equal(pushedProps.get('MSG_REGION'), 'DefaultRegion');
      assert.ok(pushedProps.get('PUSH_REPLY_TIME') !== undefined, 'PUSH_REPLY_TIME on the pushed copy');
      const [stored] = await storedReplies();
      assert.equal(stored!.body.toString(), 'pong');
      assert.equal(stored!.properties.get('MSG_REGION'), 'DefaultRegion');
      assert.equal(stored!.properties.get('TRACE_ON'), 'true');
      assert.equal(stored!.properties.get('PUSH_REPLY_TIME'), undefined, 'the stored copy is the reply as sent');
      assert.equal(stored!.properties.get('CLUSTER'), undefined, 'Java adds no CLUSTER to a reply');
    } finally {
      requester.close();
    }
  });

  it("a requester that is gone: SYSTEM_ERROR with Java's remark; the reply is stored as Java stores it", async () => {
    h = await BrokerHarness.start();
    const requester = new FakeClient('127.0.0.1@gone');
    await requester.heartbeat(h.addr, { producerGroup: 'requester-pg' });
    requester.close();
    await waitUntil(() => h.broker.ctx.producers.findChannel('127.0.0.1@gone') === undefined);
    const r = await sendReply('127.0.0.1@gone');
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(r.remark, 'push reply message fail, channel of <127.0.0.1@gone> not found.');
    assert.equal((await storedReplies()).length, 1, 'storeReplyMessageEnable=true stores it whatever the push gave');
  });

  it('storeReplyMessageEnable=false: pushed, nothing stored; msgId "0"', async () => {
    h = await BrokerHarness.start({ config: { storeReplyMessageEnable: false } });
    const requester = new FakeClient('127.0.0.1@r2', [[RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (ctx) => ok(ctx)]]);
    try {
      await requester.heartbeat(h.addr, { producerGroup: 'requester-pg' });
      const r = await sendReply('127.0.0.1@r2', 'pong', RequestCode.SEND_REPLY_MESSAGE);
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? '');
      assert.equal(r.extFields!.get('msgId'), '0');
      assert.equal(r.extFields!.get('queueOffset'), '0');
      assert.equal((await storedReplies()).length, 0);
      const gone = await sendReply('127.0.0.1@nobody');
      assert.equal(gone.code, ResponseCode.SYSTEM_ERROR);
      assert.equal((await storedReplies()).length, 0, 'a refused reply is not stored either');
    } finally {
      requester.close();
    }
  });

  it('a reply without REPLY_TO_CLIENT is refused with Java\'s remark', async () => {
    h = await BrokerHarness.start({ config: { storeReplyMessageEnable: false } });
    const r = await sendReply(undefined);
    assert.equal(r.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(r.remark, 'reply message properties[REPLY_TO_CLIENT] is null');
  });
});
