/**
 * Apogee compatibility harness: starts targets (Apache RocketMQ NameServer/broker as local processes today,
 * Apogee and containers later), runs the official-client suites against them and returns per-scenario results.
 * See compat-tests/README.md.
 */
export { RunContext, reapStale } from './run';
export type { RunOptions } from './run';
export { ManagedProcess, runToCompletion, liveProcessCount, liveProcessNames, tailFile } from './process';
export type { SpawnSpec, ExitInfo, Completed } from './process';
export { freePort, freeBrokerPorts, isPortFree, LOOPBACK } from './ports';
export type { BrokerPorts } from './ports';
export { Probe, waitFor, RemotingFailure } from './probe';
export type { ClusterInfo, BrokerEntry, TopicRoute, QueueData, QueueOffsets, ConsumerQueueOffsets, WaitOptions } from './probe';
export {
  ApacheNamesrv,
  ApacheBroker,
  defaultBrokerConfig,
  javaProcessLayout,
  logbackXml,
  NAMESRV_JVM_ARGS,
  BROKER_JVM_ARGS,
  TOOLS_JVM_ARGS,
  COMMON_JVM_ARGS,
  JAVA8_SERVER_OPENS,
  versionJvmArgs,
} from './apache';
export type { ApacheNamesrvOptions, ApacheBrokerOptions, BrokerConfig } from './apache';
export { startApacheTarget, apacheTarget, externalTarget, startApogeeTarget } from './target';
export type { Target, TargetControl, LogRef, DurableOffsets, BrokerSignal, ApacheTargetOptions, ApogeeTargetOptions } from './target';
export { ControlChannel } from './control';
export type { ControlRequest, ControlEvent } from './control';
export { runJavaSuite } from './java-suite';
export type { JavaSuiteOptions } from './java-suite';
export { parseSurefireXml, readSurefireReports } from './surefire';
export { runGoSuite, parseGoTestJson, goScenarioId } from './go-suite';
export type { GoSuiteOptions } from './go-suite';
export { Mqadmin, mqadminFailed, parseClusterList, parseNamesrvConfig, parseTopicList } from './mqadmin';
export type { MqadminResult, MqadminOptions, ClusterListRow } from './mqadmin';
export { runBenchmark, runBenchmarkSuite, benchmarkProblems, parseProducerOutput, parseConsumerOutput } from './benchmark';
export { runMqadminSuite } from './mqadmin-suite';
export type { MqadminSuiteOptions } from './mqadmin-suite';
export type { BenchmarkOptions, BenchmarkResult, ProducerStats, ConsumerStats } from './benchmark';
export { formatResults, describeProblems } from './results';
export type { ScenarioResult, ScenarioStatus, SuiteRun } from './results';
export { repoRoot, compatDir, classpathFile, ensureClasspath } from './paths';
export type { ApacheServerVersion, JavaClientVersion, DistName } from './paths';
