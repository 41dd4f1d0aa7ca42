/**
 * ACL benchmark (issue 16): synchronous sends with ACL 2.0 authentication + authorization on (every request signed
 * with HmacSHA1 and checked, then authorized against a Normal user's rule — not the Super-user bypass) and with
 * both off, Apogee and the Apache RocketMQ 5.5.0 broker side by side in one run (processes, load and report:
 * bench/harness/legs.ts).
 *
 * "on": authenticationEnabled + authorizationEnabled with Java's Local metadata providers; the Super user (start-up
 * user) creates user `bench` (Normal) and its one rule `Topic:BenchAcl* Pub Allow` through AUTH_CREATE_USER /
 * AUTH_CREATE_ACL, then loadgen signs as `bench` (lib/client credentials = AclClientRPCHook). "off": an empty
 * broker.conf. Each leg is a fresh broker (the settings are read at start). Rounds alternate the order of the
 * systems and of the legs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RequestCode } from '../../protocol/codes';
import { arg } from '../harness/args';
import { createRoutedTopic, helpOr, javaServerClasspath, legsReport, loadgenSend, mustCall, ROOT, runBench, startApogee, startJava, stopAll, type Leg, type Running, type SystemName } from '../harness/legs';
import { benchClient } from '../harness/ops';
import { fmtInt } from '../harness/stats';

const USAGE = 'npm run build && node dist/bench/acl/run.js [--rounds 2] [--seconds 8] [--out bench/results/DATE-acl.md] [--note "text for the report"]';
const ROOT_USER = { accessKey: 'rocketmq', secretKey: '12345678' };
const BENCH_USER = { accessKey: 'bench', secretKey: 'bench-secret' };
const ACL_CONF = [
  'authenticationEnabled=true',
  'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider',
  'authorizationEnabled=true',
  'authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider',
  `initAuthenticationUser={"username":"${ROOT_USER.accessKey}","password":"${ROOT_USER.secretKey}"}`,
];

/** As the Super user (acl) or unsigned: the user and its rule (acl), then the topic, routed. */
async function prepare(sys: Running, topic: string, acl: boolean): Promise<void> {
  const c = benchClient(sys.namesrv, 5000, undefined, false, acl ? ROOT_USER : undefined);
  try {
    if (acl) {
      await mustCall(c, sys.broker, RequestCode.AUTH_CREATE_USER, new Map([['username', BENCH_USER.accessKey]]), { username: BENCH_USER.accessKey, password: BENCH_USER.secretKey, userType: 'Normal' }, 'create user');
      const rule = { subject: `User:${BENCH_USER.accessKey}`, policies: [{ entries: [{ resource: 'Topic:BenchAcl*', actions: ['Pub'], decision: 'Allow' }] }] };
      await mustCall(c, sys.broker, RequestCode.AUTH_CREATE_ACL, new Map([['subject', rule.subject]]), rule, 'create acl');
    }
    await createRoutedTopic(c, sys, topic);
  } finally {
    c.close();
  }
}

async function main(): Promise<void> {
  helpOr(USAGE);
  const rounds = Number(arg('rounds', '2'));
  const seconds = Number(arg('seconds', '8'));
  const note = arg('note', '');
  const cp = javaServerClasspath();
  const legs: Leg[] = [];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-bench-acl-'));
  try {
    for (let round = 1; round <= rounds; round++) {
      const order: SystemName[] = round % 2 === 1 ? ['Apogee', 'Java'] : ['Java', 'Apogee'];
      for (const system of order) {
        for (const acl of round % 2 === 1 ? [false, true] : [true, false]) {
          const dir = path.join(base, `${system}-${round}-${acl ? 'acl' : 'off'}`);
          fs.mkdirSync(dir, { recursive: true });
          const conf = acl ? ACL_CONF : [];
          const sys = system === 'Apogee' ? await startApogee(dir, { conf }) : await startJava(dir, cp, 'java-acl', { conf });
          try {
            const topic = `BenchAcl_${round}_${acl ? 'on' : 'off'}`;
            await prepare(sys, topic, acl);
            const r = loadgenSend(sys, topic, seconds, acl ? ['--accessKey', BENCH_USER.accessKey, '--secretKey', BENCH_USER.secretKey] : []);
            console.log(`round ${round}: ${system} ACL ${acl ? 'on' : 'off'}: ${fmtInt(r.msgsPerSec)} msg/s, p99 ${fmtInt(r.p99Us)} µs, errors ${r.errors}`);
            legs.push({ system, round, on: acl, ...r });
          } finally {
            await stopAll(sys);
          }
        }
      }
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  const out = arg('out', path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-acl.md`));
  fs.writeFileSync(out, legsReport(legs, {
    title: 'ACL 2.0: sync send with authentication + authorization on vs off, Apogee vs Apache RocketMQ 5.5.0',
    command: `npm run build && node dist/bench/acl/run.js --rounds ${rounds} --seconds ${seconds}`,
    seconds,
    load: 'ACL on: every request signed (HmacSHA1) as a Normal user authorized by one rule (Topic:BenchAcl* Pub Allow); each leg a fresh broker.',
    legName: (on) => `ACL ${on ? 'on' : 'off'}`,
    ratioHeader: 'ACL on / off',
    summaryOn: 'Apogee / Java with ACL on',
    summaryOff: 'with ACL off',
    notes: note === '' ? [] : [`Note: ${note}`],
  }));
  console.log(`wrote ${out}`);
}

runBench('bench/acl', main);
