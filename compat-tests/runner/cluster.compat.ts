/**
 * Issue 13's cluster proofs with the official Java client 5.5.0 (compat-tests/java/suites ClusterTest, tag
 * "cluster") on the cluster topology of cluster.ts — 2 NameServers, 2 masters, 2 slaves — once for Apogee and once
 * for Apache RocketMQ 5.5.0: clusterList from each NameServer, sends spread over both masters, one NameServer
 * killed, one master killed (producers move, nothing acknowledged lost), and consuming from a slave after its
 * master died (the slave holds the master's messages through lib/ha replication).
 *
 * The Apache reference run starts six JVMs (3-6 minutes here), so npm test (CI, bounded to 60 minutes) runs the
 * Apogee cluster only and prints why; APOGEE_COMPAT_CLUSTER_TARGETS=apogee,apache (or apache) runs the reference too
 * (its latest result: README "Clusters and slaves").
 */
import * as assert from 'node:assert/strict';
import { createLogger } from '../../lib/common';
import { startClusterTarget, type ClusterKind } from './cluster';
import { runJavaSuite } from './java-suite';
import { liveProcessNames } from './process';
import { RunContext } from './run';

const KINDS: ClusterKind[] = (process.env.APOGEE_COMPAT_CLUSTER_TARGETS ?? (process.env.APOGEE_COMPAT_FULL === '1' ? 'apogee,apache' : 'apogee')).split(',').filter((k): k is ClusterKind => k === 'apogee' || k === 'apache');

/** The scenarios of ClusterTest; every one must pass or be skipped for the reason given. */
const SCENARIOS = [
  'cluster.clusterlist-each-namesrv',
  'cluster.sends-spread-over-masters',
  'cluster.namesrv-killed-clients-continue',
  'cluster.master-killed-producers-move',
  'cluster.consume-from-slave-after-master-killed',
];

describe('compat: cluster topology, 2 NameServers + 2 masters + 2 slaves (issue 13)', function () {
  this.timeout(40 * 60_000);
  let ctx: RunContext;

  before(() => {
    ctx = RunContext.create({ logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
  });

  after(() => {
    assert.deepEqual(liveProcessNames(), [], 'every process the harness started has exited');
  });

  if (!KINDS.includes('apache')) {
    it('apache: the same ClusterTest against six Apache RocketMQ 5.5.0 JVMs (the reference)', function () {
      console.log('      skipped: the reference run takes 3-6 minutes and CI is bounded; APOGEE_COMPAT_FULL=1 (npm run test:full) or APOGEE_COMPAT_CLUSTER_TARGETS=apogee,apache runs it (last: 5/5, README)');
      this.skip();
    });
  }

  for (const kind of KINDS) {
    it(`${kind}: the official Java client 5.5.0 keeps working across NameServer and master failures`, async () => {
      const target = await startClusterTarget(ctx, kind);
      try {
        const run = await runJavaSuite(ctx, {
          clientVersion: '5.5.0',
          target,
          groups: ['cluster'],
          test: 'ClusterTest',
          timeoutMs: 30 * 60_000,
          props: { 'compat.excludedGroups': 'none', 'compat.slaveReplication': String(target.slaveReplication) },
        });
        assert.equal(target.health?.(), undefined, 'no cluster process died on its own');
        const byId = new Map(run.results.map((r) => [r.id, r]));
        for (const id of SCENARIOS) {
          const r = byId.get(id);
          assert.ok(r !== undefined, `${id} ran (${run.error ?? 'see ' + run.logDir})`);
          if (id === 'cluster.consume-from-slave-after-master-killed' && !target.slaveReplication) {
            assert.equal(r.status, 'skipped', `${id}: skipped until lib/ha replication (h/ha-repl) is merged`);
            continue;
          }
          assert.equal(r.status, 'passed', `${id} on ${target.name}: ${JSON.stringify(r)}`);
        }
      } finally {
        await target.stop();
      }
    });
  }
});
