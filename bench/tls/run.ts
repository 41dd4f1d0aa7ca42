/**
 * TLS benchmark (issue 16): synchronous sends over TLS and over plaintext, Apogee and the Apache RocketMQ 5.5.0
 * broker side by side in one run (processes, load and report: bench/harness/legs.ts). Both run in Java's default
 * tls.server.mode=permissive (one port, both kinds of client; the server certificate is Java's test-mode self-signed
 * one), so the same broker serves both legs; loadgen gets `--tls true` for the TLS leg. Rounds alternate the order
 * of the systems and of the legs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { arg } from '../harness/args';
import { createRoutedTopic, helpOr, javaServerClasspath, legsReport, loadgenSend, ROOT, runBench, startApogee, startJava, stopAll, type Leg, type SystemName } from '../harness/legs';
import { benchClient } from '../harness/ops';
import { fmtInt } from '../harness/stats';

const USAGE = 'npm run build && node dist/bench/tls/run.js [--rounds 2] [--seconds 8] [--out bench/results/DATE-tls.md] [--note "text for the report"]';
/** Java's system properties (Apogee reads them from JAVA_OPT as Java's scripts pass them). */
const PERMISSIVE = '-Dtls.server.mode=permissive -Dtls.config.file=/nonexistent/tls.properties';

async function main(): Promise<void> {
  helpOr(USAGE);
  const rounds = Number(arg('rounds', '2'));
  const seconds = Number(arg('seconds', '8'));
  const note = arg('note', '');
  const cp = javaServerClasspath();
  const legs: Leg[] = [];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-bench-tls-'));
  const start = { conf: [], env: { JAVA_OPT: PERMISSIVE }, jvm: PERMISSIVE.split(' ') };
  try {
    for (let round = 1; round <= rounds; round++) {
      const order: SystemName[] = round % 2 === 1 ? ['Apogee', 'Java'] : ['Java', 'Apogee'];
      for (const system of order) {
        const dir = path.join(base, `${system}-${round}`);
        fs.mkdirSync(dir, { recursive: true });
        console.log(`round ${round}: starting ${system}`);
        const sys = system === 'Apogee' ? await startApogee(dir, start) : await startJava(dir, cp, 'java-tls', start);
        try {
          for (const tls of round % 2 === 1 ? [false, true] : [true, false]) {
            const topic = `BenchTls_${round}_${tls ? 'tls' : 'plain'}`;
            const c = benchClient(sys.namesrv, 5000);
            try {
              await createRoutedTopic(c, sys, topic);
            } finally {
              c.close();
            }
            const r = loadgenSend(sys, topic, seconds, ['--tls', String(tls)]);
            console.log(`  ${system} ${tls ? 'TLS' : 'plaintext'}: ${fmtInt(r.msgsPerSec)} msg/s, p99 ${fmtInt(r.p99Us)} µs, errors ${r.errors}`);
            legs.push({ system, round, on: tls, ...r });
          }
        } finally {
          await stopAll(sys);
        }
      }
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  const out = arg('out', path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-tls.md`));
  fs.writeFileSync(out, legsReport(legs, {
    title: 'TLS: sync send over TLS vs plaintext, Apogee vs Apache RocketMQ 5.5.0',
    command: `npm run build && node dist/bench/tls/run.js --rounds ${rounds} --seconds ${seconds}`,
    seconds,
    load: 'tls.server.mode=permissive (self-signed test-mode certificate); one broker serves both legs.',
    legName: (on) => (on ? 'TLS' : 'plaintext'),
    ratioHeader: 'TLS / plaintext',
    summaryOn: 'Apogee / Java over TLS',
    summaryOff: 'over plaintext',
    notes: note === '' ? [] : [`Note: ${note}`],
  }));
  console.log(`wrote ${out}`);
}

runBench('bench/tls', main);
