/**
 * Apogee compatibility harness: starts targets (Apache RocketMQ NameServer/broker, Apogee; as local processes or
 * containers), runs the official-client suites against them and returns per-scenario results; the matrix runner
 * (compat.ts, `npm run compat`) compares them. See compat-tests/README.md.
 */
export { RunContext, reapStale } from './run';
export type { RunOptions } from './run';
export { ManagedProcess, ProcessScope, onInterrupt, runToCompletion, liveProcessCount, liveProcessNames, tailFile } from './process';
export type { SpawnSpec, ExitInfo, Completed, Killable } from './process';
export { LocalLauncher, localLauncher, describeExit } from './runtime';
export type { Launcher, LaunchSpec, ServerProcess, ServerSignal, Readiness, RuntimeKind, ImageKind } from './runtime';
export { ContainerEngine, ContainerLauncher, ContainerProcess, probeDocker, LABEL, LABEL_OWNER, LABEL_RUN, LABEL_PROCESS } from './containers';
export { ImageBuilder, IMAGE_REPO } from './images';
export type { ImageInfo } from './images';
export { runMatrix, judge } from './matrix';
export type { Matrix, MatrixOptions, Row, Cell, CellStatus, Verdict, SuitePlan, TargetPlan, TargetOutcome, SuiteOutcome, Judgement, RuntimeInfo } from './matrix';
export { renderTable, renderMarkdown, renderJunit, writeReport, closingLine } from './report';
export { suitePlans, targetPlan, parseTarget, chooseRuntime, SUITE_NAMES } from './plan';
export type { TargetSpec, RuntimeChoice } from './plan';
export { runTargetSuite } from './target-suite';
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
export { startApacheTarget, apacheTarget, externalTarget, discoverExternalTarget, startApogeeTarget } from './target';
export { ApogeeProcess } from './apogee';
export type { ApogeeProcessOptions } from './apogee';
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
export {
  runBenchmark,
  runBenchmarkSuite,
  benchmarkProblems,
  parseProducerOutput,
  parseConsumerOutput,
  BENCHMARK_PRODUCER_MAIN,
  BENCHMARK_CONSUMER_MAIN,
  BENCHMARK_JVM_ARGS,
} from './benchmark';
export { runMqadminSuite } from './mqadmin-suite';
export type { MqadminSuiteOptions } from './mqadmin-suite';
export type { BenchmarkOptions, BenchmarkResult, ProducerStats, ConsumerStats } from './benchmark';
export { formatResults, describeProblems } from './results';
export type { ScenarioResult, ScenarioStatus, SuiteRun } from './results';
export { repoRoot, compatDir, classpathFile, ensureClasspath } from './paths';
export type { ApacheServerVersion, JavaClientVersion, DistName } from './paths';
export { PROXY_JVM_ARGS, PROXY_MAIN, PROXY_VERSION, proxyConfig } from './grpc-proxy';
