/**
 * SLOW-ish (about 2 min): the matrix runner with real processes and real containers — the fault paths of the
 * containers runtime (a container that exits before it is ready, one that never becomes ready, one killed from
 * outside mid-run, a runner interrupted with SIGINT, containers of a runner that died), and a real run of the
 * runner with each runtime. The Docker cases skip, with the reason, when no Docker engine answers.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GenericContainer } from 'testcontainers';
import { createLogger } from '../../lib/common';
import { ContainerEngine, LABEL, LABEL_OWNER, probeDocker } from './containers';
import { judge, runMatrix, type Matrix } from './matrix';
import { freePort } from './ports';
import { Probe } from './probe';
import { liveProcessNames } from './process';
import type { SuiteRun } from './results';
import { RunContext } from './run';
import { startApogeeTarget } from './target';

const COMPAT_JS = path.join(__dirname, 'compat.js');

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ReturnType<typeof spawn>; output: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [COMPAT_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exit };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'compat-runner-'));
}

describe('compat runner: containers runtime, fault paths (real Docker)', function () {
  this.timeout(10 * 60_000);
  let ctx: RunContext;
  let engine: ContainerEngine;
  let image: string;

  before(async function () {
    const d = await probeDocker();
    if ('error' in d) {
      console.log(`      skipped: no Docker engine answered (${d.error})`);
      this.skip();
    }
    ctx = RunContext.create({ rootDir: tmp(), logger: createLogger({ name: 'compat', fd: 2, level: 'warn' }) });
    engine = await ContainerEngine.connect(ctx, (l) => console.log(`      [images] ${l}`));
    image = await engine.images.ensure('apogee');
  });

  after(async function () {
    if (engine === undefined) return;
    await engine.removeAll();
    assert.deepEqual(await engine.ownContainers(), [], 'no container of this runner is left');
    engine.close();
  });

  const spec = (name: string, command: string, args: string[], readyTimeoutMs: number, port: number) => {
    const dir = ctx.subdir(name);
    const probe = new Probe();
    return {
      probe,
      spec: {
        name,
        command,
        args,
        cwd: dir,
        logFile: path.join(dir, `${name}.out`),
        image: 'apogee' as const,
        mounts: [dir],
        ready: { what: `a NameServer at 127.0.0.1:${port}`, check: async () => (await probe.clusterInfo(`127.0.0.1:${port}`), true as const), timeoutMs: readyTimeoutMs },
      },
    };
  };

  it('a container that exits before it is ready: a clear error with its output, and the container is gone', async () => {
    const port = await freePort();
    const { probe, spec: s } = spec('exits-early', '/bin/sh', ['-c', 'echo "fatal: cannot bind"; exit 3'], 30_000, port);
    const t0 = Date.now();
    try {
      await assert.rejects(engine.launcher().launch(s), (e: Error) => {
        assert.match(e.message, /exits-early: container apogee-compat-\S+: the container exited \(exit code 3\) before it was ready/);
        assert.match(e.message, /fatal: cannot bind/, 'the process output is in the error');
        return true;
      });
    } finally {
      probe.close();
    }
    assert.ok(Date.now() - t0 < 20_000, 'it did not wait for the readiness bound');
    assert.deepEqual(await engine.ownContainers(), []);
    assert.ok(fs.readdirSync(path.dirname(s.logFile)).some((f) => f.endsWith('.container.log')), 'the engine log is copied out');
  });

  it('a container that never becomes ready: bounded by its readiness timeout, with the logs, and removed', async () => {
    const port = await freePort();
    const { probe, spec: s } = spec('never-ready', '/bin/sh', ['-c', 'echo "waiting for nothing"; exec sleep 600'], 3_000, port);
    const t0 = Date.now();
    try {
      await assert.rejects(engine.launcher().launch(s), /a NameServer at 127\.0\.0\.1:\d+: not reached within 3000 ms \(last: [^)]*ECONNREFUSED|connect/);
    } finally {
      probe.close();
    }
    assert.ok(Date.now() - t0 < 30_000);
    assert.match(fs.readFileSync(s.logFile, 'utf8'), /waiting for nothing/);
    assert.deepEqual(await engine.ownContainers(), []);
  });

  it('a container killed from outside mid-run: the suite is given up with the reason and the logs, nothing is left', async () => {
    let killedId = '';
    const m: Matrix = await runMatrix(ctx, {
      targets: [{ name: 'apogee', dir: (c) => path.join(c.dir, 'apogee'), start: (c) => startApogeeTarget(c, { launcher: engine.launcher() }) }],
      suites: [
        {
          name: 'victim',
          suite: 'victim',
          expected: ['victim.a'],
          timeoutMs: 120_000,
          run: async () => {
            const list = await engine.docker.listContainers({ filters: { label: [`${LABEL}`], name: ['apogee-compat-'] } });
            const mine = list.find((c) => c.Labels['org.apogee.compat.process'] === 'apogee' && c.Labels[LABEL_OWNER]?.endsWith(`:${process.pid}`));
            assert.ok(mine !== undefined, 'the apogee container is running');
            killedId = mine.Id;
            await engine.docker.getContainer(mine.Id).kill({ signal: 'SIGKILL' }); // "from outside": not through the harness
            return new Promise<SuiteRun>(() => undefined);
          },
        },
        { name: 'later', suite: 'later', expected: ['later.a'], timeoutMs: 60_000, run: async () => assert.fail('must not run') },
      ],
      subject: 'apogee',
      runtime: { kind: 'containers', description: engine.description, reason: 'test' },
      healthIntervalMs: 200,
      abortGraceMs: 500,
    });
    assert.ok(killedId !== '');
    const t = m.targets[0]!;
    assert.match(t.died!, /apogee \(\w+\) exited unexpectedly \(killed by SIGKILL\)/);
    assert.equal(t.suites[0]!.end, 'target-died');
    assert.match(m.rows[0]!.cells['apogee']!.detail!, /died during the suite[\s\S]*target logs: .*apogee\.log/);
    assert.match(m.rows[1]!.cells['apogee']!.detail!, /not run: target apogee died earlier/);
    assert.ok(t.logs.some((l) => l.name.endsWith('.container.log')), `the container's engine log is among the logs: ${t.logs.map((l) => l.name).join(', ')}`);
    assert.equal(judge(m, false).exitCode, 1);
    assert.deepEqual(await engine.ownContainers(), []);
  });

  it('removes containers left by a runner that died (its owner pid is gone), and no others', async () => {
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const orphan = await new GenericContainer(image)
      .withLabels({ [LABEL]: 'true', [LABEL_OWNER]: `${os.hostname()}:${dead.pid}` })
      .withCommand(['sleep', '600'])
      .withNetworkMode('host')
      .start();
    const other = await new GenericContainer(image).withLabels({ 'some.other.label': 'x' }).withCommand(['sleep', '600']).withNetworkMode('host').start();
    try {
      const reaped = await engine.reapStale();
      assert.equal(reaped.length, 1);
      await assert.rejects(engine.docker.getContainer(orphan.getId()).inspect(), /no such container/i);
      assert.equal((await engine.docker.getContainer(other.getId()).inspect()).State.Running, true, 'a container without our label is never touched');
    } finally {
      await other.stop({ timeout: 0, remove: true });
    }
  });

  it('SIGINT to a running runner removes its containers before it exits', async () => {
    const run = runCli(['--runtime', 'containers', '--targets', 'apogee', '--suites', 'mqadmin'], { COMPAT_DIR: tmp() });
    const owner = `${os.hostname()}:${run.child.pid}`;
    const deadline = Date.now() + 120_000;
    let seen = 0;
    while (Date.now() < deadline && seen === 0) {
      seen = (await engine.docker.listContainers({ filters: { label: [`${LABEL_OWNER}=${owner}`] } })).length;
      if (seen === 0) await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok(seen > 0, `the runner started its container:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 2_000)); // a suite is running (mqadmin JVMs on the host)
    run.child.kill('SIGINT');
    const exit = await run.exit;
    assert.equal(exit.signal, 'SIGINT', run.output());
    assert.match(run.output(), /SIGINT, removing what it started/);
    assert.deepEqual(await engine.docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${owner}`] } }), []);
  });
});

describe('compat runner: one real run per runtime (target checks, apogee and apache-5)', function () {
  this.timeout(10 * 60_000);

  after(() => assert.deepEqual(liveProcessNames(), []));

  for (const runtime of ['local', 'containers'] as const) {
    it(`--runtime ${runtime}: both targets ready, every check passes, the report says which runtime ran`, async function () {
      if (runtime === 'containers') {
        const d = await probeDocker();
        if ('error' in d) {
          console.log(`      skipped: --runtime containers needs a Docker engine, none answered (${d.error})`);
          this.skip();
        }
      }
      const out = tmp();
      const run = runCli(['--runtime', runtime, '--targets', 'apogee,apache-5', '--suites', 'target', '--strict', '--out', out], { COMPAT_DIR: tmp() });
      const exit = await run.exit;
      assert.equal(exit.code, 0, run.output());
      assert.match(run.output(), /^compat: 6 passed, 0 failed, 0 skipped$/m);
      const report = JSON.parse(fs.readFileSync(path.join(out, 'matrix.json'), 'utf8')) as Matrix & { judgement: { exitCode: number } };
      assert.equal(report.runtime.kind, runtime);
      assert.equal(report.judgement.exitCode, 0);
      assert.deepEqual(report.targets.map((t) => [t.name, t.ready, t.runtime]), [
        ['apogee', true, runtime],
        ['apache-5', true, runtime],
      ]);
      assert.match(fs.readFileSync(path.join(out, 'matrix.md'), 'utf8'), new RegExp(`runtime \\*\\*${runtime}\\*\\*`));
    });
  }
});
