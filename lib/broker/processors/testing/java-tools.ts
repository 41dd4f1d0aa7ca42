import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freeBrokerPort, freePort as anyFreePort } from '../../../remoting/testing/ports';

/**
 * Helpers for running the official Apache Java tools and client from mocha (mqadmin.compat.test.ts): tools
 * classpaths, free ports, JVM flags that keep a Java process's files inside a temp dir, a single-file Java client.
 * Test-only.
 */
export const ROOT = findRoot();
export const CP_DIR = path.join(ROOT, 'compat-tests', 'java', 'apache-dist', 'target', 'classpath');
export const APOGEE = path.join(ROOT, 'dist', 'lib', 'bin', 'apogee.js');
export const MQADMIN_MAIN = 'org.apache.rocketmq.tools.command.MQAdminStartup';
export const COMMAND_TIMEOUT_MS = 90_000;

function findRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

export function hasJava(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
}

/** 4.9.8 tools classpath resolved offline by Maven (cached in the OS temp dir), or undefined. */
export function classpath498(): string | undefined {
  const cache = path.join(os.tmpdir(), 'apogee-mqadmin-classpath-4.9.8.txt');
  if (fs.existsSync(cache) && fs.statSync(cache).size > 0) return fs.readFileSync(cache, 'utf8').trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apogee-cp498-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'pom.xml'),
      `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>apogee.tmp</groupId>` +
        `<artifactId>tools498</artifactId><version>1</version><dependencies><dependency><groupId>org.apache.rocketmq</groupId>` +
        `<artifactId>rocketmq-tools</artifactId><version>4.9.8</version></dependency></dependencies></project>`,
    );
    const r = spawnSync('mvn', ['-q', '-o', 'dependency:build-classpath', `-Dmdep.outputFile=${cache}`], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
    if (r.status !== 0 || !fs.existsSync(cache)) return undefined;
    return fs.readFileSync(cache, 'utf8').trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function toolsClasspath(version: '5.5.0' | '4.9'): { cp: string; label: string } | undefined {
  if (version === '4.9') {
    const cp = classpath498();
    if (cp !== undefined) return { cp, label: '4.9.8' };
    const f = path.join(CP_DIR, 'server-4.9.7.txt');
    return fs.existsSync(f) ? { cp: fs.readFileSync(f, 'utf8').trim(), label: '4.9.7' } : undefined;
  }
  const f = path.join(CP_DIR, `server-${version}.txt`);
  return fs.existsSync(f) ? { cp: fs.readFileSync(f, 'utf8').trim(), label: version } : undefined;
}

/** A free port on 127.0.0.1; with `forBroker`, one whose p-2 (VIP) and p+1 (HA) are free too (remoting/testing/ports). */
export function freePort(forBroker = false): Promise<number> {
  return forBroker ? freeBrokerPort() : anyFreePort();
}

export interface Run {
  out: string;
  code: number | null;
}

/** Runs a JVM to completion, killing it after COMMAND_TIMEOUT_MS. */
export function runJava(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn('java', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
}

/** Java system properties that keep a Java process's files inside `dir` and its logs out of stdout. */
export function javaLayout(dir: string): string[] {
  const home = path.join(dir, 'home');
  const rmqHome = path.join(dir, 'rmqhome');
  const logs = path.join(dir, 'logs');
  for (const d of [home, path.join(rmqHome, 'conf'), logs]) fs.mkdirSync(d, { recursive: true });
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><configuration debug="false"><appender name="FILE" class="ch.qos.logback.core.FileAppender">` +
    `<file>${path.join(logs, 'java.log')}</file><encoder><pattern>%d %-5p [%t] %c{0} - %m%n</pattern></encoder></appender>` +
    `<root level="INFO"><appender-ref ref="FILE"/></root></configuration>`;
  const logback = path.join(dir, 'logback.xml');
  fs.writeFileSync(logback, xml);
  fs.writeFileSync(path.join(rmqHome, 'conf', 'logback_tools.xml'), xml);
  return [
    '-Xms64m',
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Dfile.encoding=UTF-8',
    '-Duser.language=en',
    `-Duser.home=${home}`,
    `-Drocketmq.home.dir=${rmqHome}`,
    `-Drmq.logback.configurationFile=${logback}`,
    `-Drocketmq.client.logRoot=${logs}`,
  ];
}

/**
 * The official Java client: a producer sends N messages, a push consumer consumes them, then both stay online.
 * Arguments: namesrv topic producerGroup consumerGroup N [trace] — with `trace` both have message trace on and the
 * client waits 5 s more for the trace records before it says READY.
 */
export const CLIENT_SOURCE = `
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

public class CompatClient {
    public static void main(String[] args) throws Exception {
        String ns = args[0], topic = args[1], pgroup = args[2], cgroup = args[3];
        int n = Integer.parseInt(args[4]);
        boolean trace = args.length > 5 && args[5].equals("trace");
        DefaultMQProducer p = new DefaultMQProducer(pgroup, trace, null);
        p.setNamesrvAddr(ns);
        p.start();
        for (int i = 0; i < n; i++) {
            SendResult r = p.send(new Message(topic, "TagA", "key" + i, ("m" + i).getBytes("UTF-8")));
            System.out.println("SENT " + r.getMsgId() + " " + r.getOffsetMsgId() + " " + r.getSendStatus());
        }
        CountDownLatch got = new CountDownLatch(n);
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(cgroup, trace, null);
        c.setNamesrvAddr(ns);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(topic, "*");
        c.setPersistConsumerOffsetInterval(1000);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (int i = 0; i < msgs.size(); i++) got.countDown();
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        if (!got.await(60, TimeUnit.SECONDS)) { System.out.println("TIMEOUT consuming"); System.exit(3); }
        Thread.sleep(trace ? 7500 : 2500);
        System.out.println("READY " + p.buildMQClientId() + " " + c.buildMQClientId());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        while (in.readLine() != null) { }
        c.shutdown();
        p.shutdown();
    }
}
`;

export function kill(p: ChildProcess | undefined): Promise<void> {
  if (p === undefined || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => p.kill('SIGKILL'), 5000);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

/** True when mqadmin printed a failure: MQAdminStartup prints the exception and still exits 0. */
export function failed(r: Run): boolean {
  return /Exception|command failed|Error:/.test(r.out);
}


/**
 * The official Java client, one synchronous send for the fault-injection proof (faults/java-client.compat.test.ts).
 * Args: namesrv topic producerGroup retryTimesWhenSendFailed sendMsgTimeoutMs. Prints `SEND_OK <status> <queueId>
 * <queueOffset>` or `SEND_FAIL` followed by one `CAUSE <class>: <message>` line per exception in the cause chain.
 */
export const FAULT_CLIENT_SOURCE = `
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;

public class FaultClient {
    public static void main(String[] args) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer(args[2]);
        p.setNamesrvAddr(args[0]);
        p.setRetryTimesWhenSendFailed(Integer.parseInt(args[3]));
        p.setSendMsgTimeout(Integer.parseInt(args[4]));
        p.start();
        try {
            SendResult r = p.send(new Message(args[1], "TagF", "fault-key", "fault body".getBytes("UTF-8")));
            System.out.println("SEND_OK " + r.getSendStatus() + " " + r.getMessageQueue().getQueueId() + " " + r.getQueueOffset());
        } catch (Throwable t) {
            System.out.println("SEND_FAIL");
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                System.out.println("CAUSE " + c.getClass().getName() + ": " + c.getMessage());
            }
        }
        System.out.flush();
        p.shutdown();
        System.exit(0);
    }
}
`;
