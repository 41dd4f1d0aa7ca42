import { strict as assert } from 'node:assert';
import { silentLogger } from '../common';
import { freePort } from '../remoting/testing/ports';
import { ApiError, decoderFor, isSystemGroup, isSystemTopic } from './api';
import { Dashboard, DASHBOARD_REQUEST_BYTES_MAX } from './server';

/**
 * The dashboard's HTTP edge without a cluster: the page itself, and every error a user can cause answered with its
 * status and an actionable message (no stack, no hang). The cluster-facing behaviour is in dashboard.browser.test.
 */
describe('lib/dashboard HTTP server (edge rules)', () => {
  let d: Dashboard;
  let base: string;

  before(async () => {
    // A NameServer address nothing listens on: every cluster call fails fast with ECONNREFUSED.
    d = new Dashboard({ port: 0, host: '127.0.0.1', namesrvAddr: `127.0.0.1:${await freePort()}`, logger: silentLogger(), requestTimeoutMs: 2000 });
    await d.start();
    base = d.url.replace(/\/$/, '');
  });
  after(() => d.close());

  const post = (p: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => fetch(base + p, { method: 'POST', headers, body });

  it('binds where told (127.0.0.1) and serves one self-contained page: no script or style from elsewhere', async () => {
    assert.match(d.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await fetch(base + '/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    const html = await r.text();
    for (const id of ['brokers', 'topics', 'groups', 'connections', 'producers', 'rate-chart', 'lookup-form', 'send-form', 'reset-form']) assert.ok(html.includes(`id="${id}"`), id);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
    assert.doesNotMatch(html, /innerHTML/); // data is rendered with textContent only
  });

  it('a POST that is not application/json is 415 (a cross-site form cannot post JSON without a preflight)', async () => {
    const r = await post('/api/send', 'topic=T&body=x', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(r.status, 415);
    assert.match(((await r.json()) as { error: string }).error, /Content-Type: application\/json/);
  });

  it('a POST from another origin is 403', async () => {
    const r = await post('/api/reset-offset', '{"group":"G","topic":"T"}', { 'content-type': 'application/json', origin: 'http://evil.example' });
    assert.equal(r.status, 403);
    assert.match(((await r.json()) as { error: string }).error, /cross-origin request from http:\/\/evil\.example refused/);
  });

  it(`a POST body over DASHBOARD_REQUEST_BYTES_MAX (${DASHBOARD_REQUEST_BYTES_MAX} bytes) is 413; one at the limit is read`, async () => {
    const over = await post('/api/send', JSON.stringify({ topic: 'T', body: 'x'.repeat(DASHBOARD_REQUEST_BYTES_MAX) }));
    assert.equal(over.status, 413);
    assert.match(((await over.json()) as { error: string }).error, /DASHBOARD_REQUEST_BYTES_MAX/);
    const pad = DASHBOARD_REQUEST_BYTES_MAX - JSON.stringify({ topic: '', body: '' }).length;
    const at = await post('/api/send', JSON.stringify({ topic: '', body: 'x'.repeat(pad) }));
    assert.equal(at.status, 400); // read whole, then refused for the empty topic
    assert.match(((await at.json()) as { error: string }).error, /topic is required/);
  });

  it('bad input is 400 naming the field: not JSON, not an object, no topic, no body, a bad timestamp', async () => {
    const cases: [string, string, RegExp][] = [
      ['/api/send', '{', /not JSON/],
      ['/api/send', '[1]', /JSON object/],
      ['/api/send', '{"body":"x"}', /topic is required/],
      ['/api/send', '{"topic":"T"}', /body \(a string, sent as UTF-8\) is required/],
      ['/api/reset-offset', '{"group":"G","topic":"T","timestamp":"yesterday"}', /timestamp must be epoch milliseconds, or -1/],
      ['/api/reset-offset', '{"topic":"T"}', /group is required/],
    ];
    for (const [p, body, re] of cases) {
      const r = await post(p, body);
      assert.equal(r.status, 400, `${p} ${body}`);
      assert.match(((await r.json()) as { error: string }).error, re);
    }
  });

  it('on loopback, a request naming another Host is 403 (DNS rebinding); localhost and 127.0.0.1 are served', async () => {
    const http = await import('node:http');
    const status = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const r = http.request({ host: '127.0.0.1', port: d.port, path: '/', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        r.on('error', reject);
        r.end();
      });
    assert.equal(await status(`evil.example:${d.port}`), 403);
    assert.equal(await status(`localhost:${d.port}`), 200);
    assert.equal(await status(`127.0.0.1:${d.port}`), 200);
  });

  it('a wrong method is 405, an unknown path 404', async () => {
    assert.equal((await fetch(base + '/api/send')).status, 405);
    assert.equal((await post('/api/topics', '{}')).status, 405);
    const r = await fetch(base + '/nope');
    assert.equal(r.status, 404);
    assert.match(((await r.json()) as { error: string }).error, /the dashboard is at \//);
  });

  it('when no NameServer answers, a data endpoint is 502 saying so', async () => {
    const r = await fetch(base + '/api/topics');
    assert.equal(r.status, 502);
    assert.match(((await r.json()) as { error: string }).error, /no NameServer answered/);
  });

  it('a message lookup without key or id is 400; an id that is not 32 hex digits is 400', async () => {
    const r = await fetch(base + '/api/message?topic=T');
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { error: string }).error, /key \(or id\) is required/);
    const bad = await fetch(base + '/api/message?id=xyz');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /not 32 hex digits/);
  });
});

describe('lib/dashboard api helpers', () => {
  it('decoderFor: a WHATWG label decodes (GBK), an unknown one is an ApiError 400 listing labels that work', () => {
    assert.equal(decoderFor('GBK').decode(Buffer.from('c4e3bac3', 'hex')), '你好');
    assert.equal(decoderFor('utf-8').decode(Buffer.from('你好')), '你好');
    assert.throws(() => decoderFor('klingon'), (e: unknown) => e instanceof ApiError && e.status === 400 && /GBK/.test(e.message));
  });

  it('system topics and groups are recognised (hidden unless asked for)', () => {
    const names = new Set(['DefaultCluster', 'broker-a']);
    for (const t of ['TBW102', 'DefaultCluster', 'broker-a', 'RMQ_SYS_TRANS_HALF_TOPIC', '%RETRY%G', '%DLQ%G', 'SCHEDULE_TOPIC_XXXX', 'DefaultCluster_REPLY_TOPIC']) assert.ok(isSystemTopic(t, names), t);
    assert.ok(!isSystemTopic('Orders', names));
    for (const g of ['TOOLS_CONSUMER', 'CID_RMQ_SYS_TRANS', 'SELF_TEST_C_GROUP']) assert.ok(isSystemGroup(g), g);
    assert.ok(!isSystemGroup('OrdersGroup'));
  });
});
