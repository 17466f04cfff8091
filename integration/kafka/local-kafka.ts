/**
 * Runs real Apache Kafka brokers (KRaft, combined broker+controller nodes) on 127.0.0.1 for tests and local use.
 *
 * The broker's jars come from Maven Central through `mvn` (pom.xml beside this file) into `.cache/`, and each node
 * is a plain `java kafka.Kafka server.properties` process with its own directory under the data dir:
 *   <dataDir>/node-<id>/{server.properties, log4j2.xml, data/, logs/}
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

export interface KafkaNodeHandle {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
  /** Port of each extra listener (`StartKafkaOptions.listeners`), by name. */
  listenerPorts: Record<string, number>;
  pid?: number;
}

/** A listener beside PLAINTEXT, e.g. `{ name: 'SSL', securityProtocol: 'SSL' }`. */
export interface ExtraListener {
  /** Listener name; its settings go in `extraConfig` as `listener.name.<name in lower case>.<setting>`. */
  name: string;
  securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
}

export interface LocalKafka {
  /** Bootstrap list, e.g. `['127.0.0.1:39092', ...]`. */
  readonly brokers: string[];
  /** Bootstrap list of each extra listener, by name. */
  readonly listeners: Record<string, string[]>;
  readonly dataDir: string;
  readonly nodes: KafkaNodeHandle[];
  /** Signals one node and waits for its process to exit (SIGTERM is bounded, then SIGKILL). */
  stopNode(nodeId: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Restarts a stopped node on its existing data dir and waits until it answers as a registered broker. */
  startNode(nodeId: number): Promise<void>;
  /** Stops every node, waits for the processes to exit, and removes the data dir unless `keepData`. */
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Number of combined broker+controller nodes; default 1. */
  nodes?: 1 | 3;
  /** Node i (0-based) listens on basePort + 2i (broker) and basePort + 2i + 1 (controller); default: free ports. */
  basePort?: number;
  /** Default: a new temporary directory. An existing, already formatted node directory is reused as it is. */
  dataDir?: string;
  keepData?: boolean;
  /** Spawn detached and unref'd (for the CLI): the brokers outlive this process. */
  detached?: boolean;
  /** Maximum heap per broker; default 512. */
  heapMb?: number;
  /** Added to every node's server.properties (overrides the defaults below). */
  extraConfig?: Record<string, string>;
  /** Bound on the wait for the cluster to answer; default 90 s. */
  readyTimeoutMs?: number;
  /**
   * Listeners beside PLAINTEXT (TLS, SASL), each on a free port on every node. PLAINTEXT stays the inter-broker
   * listener and the one readiness is checked on.
   */
  listeners?: ExtraListener[];
  /** More arguments to `kafka-storage format` (run only for unformatted nodes), e.g. `['--add-scram', 'SCRAM-SHA-256=[name=u,password=p]']`. */
  formatArgs?: string[];
}

const HOST = '127.0.0.1';
const KAFKA_DIR = __dirname;
const POM = path.join(KAFKA_DIR, 'pom.xml');
export const CACHE_DIR = path.join(KAFKA_DIR, '.cache');
const MARKER = '.complete';
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const SIGTERM_GRACE_MS = 30_000;

// ---------------------------------------------------------------------------------------------------------------
// Jars

/** The Kafka version to run: `JADE_KAFKA_VERSION`, else the `kafka.version` property of pom.xml. */
function kafkaVersion(): string {
  const fromEnv = process.env['JADE_KAFKA_VERSION'];
  if (fromEnv) return fromEnv;
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!match?.[1]) throw new Error(`no <kafka.version> property in ${POM}`);
  return match[1].trim();
}

/**
 * Resolves the broker's runtime classpath into `.cache/kafka-<version>/lib` (once; a marker file written after a
 * successful copy makes later calls free). Maven's own repository (~/.m2) is reused across versions.
 */
export async function ensureKafkaJars(): Promise<{ version: string; classpath: string }> {
  const version = kafkaVersion();
  if (!version.startsWith('4.')) {
    // 3.x needs a reload4j binding and a log4j 1 config; this runner only writes log4j2 configs.
    throw new Error(`Kafka ${version} is not supported by local-kafka (4.x only)`);
  }
  const versionDir = path.join(CACHE_DIR, `kafka-${version}`);
  const libDir = path.join(versionDir, 'lib');
  const marker = path.join(versionDir, MARKER);

  const cached = readMarker(marker, libDir);
  if (cached) return { version, classpath: cached };

  // Copy into a private directory and rename it into place, so concurrent callers never see half a lib/.
  fs.mkdirSync(versionDir, { recursive: true });
  const tmpLib = fs.mkdtempSync(path.join(versionDir, 'lib.tmp-'));
  try {
    await run('mvn', [
      '-B', '-q', '-f', POM,
      `-Dkafka.version=${version}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmpLib}`,
    ], { cwd: KAFKA_DIR, what: 'mvn dependency:copy-dependencies' });
    const jars = fs.readdirSync(tmpLib).filter((f) => f.endsWith('.jar')).sort();
    if (!jars.some((j) => j.startsWith(`kafka_2.13-${version}`))) {
      throw new Error(`mvn did not copy kafka_2.13-${version}.jar into ${tmpLib}`);
    }
    const again = readMarker(marker, libDir);
    if (again) return { version, classpath: again }; // another process finished first
    fs.rmSync(libDir, { recursive: true, force: true });
    fs.renameSync(tmpLib, libDir);
    fs.writeFileSync(marker, JSON.stringify({ version, jars }, null, 2) + '\n');
    return { version, classpath: jars.map((j) => path.join(libDir, j)).join(path.delimiter) };
  } finally {
    fs.rmSync(tmpLib, { recursive: true, force: true });
  }
}

/** The classpath recorded by a previous successful copy, if every jar is still there. */
function readMarker(marker: string, libDir: string): string | undefined {
  let jars: unknown;
  try {
    jars = (JSON.parse(fs.readFileSync(marker, 'utf8')) as { jars?: unknown }).jars;
  } catch {
    return undefined;
  }
  if (!Array.isArray(jars) || jars.length === 0) return undefined;
  const files = jars.filter((j): j is string => typeof j === 'string').map((j) => path.join(libDir, j));
  if (files.length !== jars.length || !files.every((f) => fs.existsSync(f))) return undefined;
  return files.join(path.delimiter);
}

// ---------------------------------------------------------------------------------------------------------------
// Starting and stopping

interface NodeRuntime {
  handle: KafkaNodeHandle;
  dir: string;
  child?: ChildProcess;
}

/** Non-detached clusters of this process, killed (and their data removed, unless kept) if it exits without stop(). */
interface Attached {
  nodes: NodeRuntime[];
  removeDir?: string;
}
const attached = new Set<Attached>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL and a synchronous rm are all that can be done here.
  process.on('exit', () => {
    for (const cluster of attached) {
      for (const n of cluster.nodes) {
        try {
          n.child?.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
      if (cluster.removeDir) fs.rmSync(cluster.removeDir, { recursive: true, force: true });
    }
  });
}

export async function startKafka(opts: StartKafkaOptions = {}): Promise<LocalKafka> {
  const count = opts.nodes ?? 1;
  const heapMb = opts.heapMb ?? 512;
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const detached = opts.detached ?? false;
  const keepData = opts.keepData ?? false;
  const { classpath } = await ensureKafkaJars();

  const ports = opts.basePort !== undefined
    ? Array.from({ length: 2 * count }, (_, i) => opts.basePort! + i)
    : await freePorts(2 * count);
  await assertPortsFree(ports);
  const extraListeners = opts.listeners ?? [];
  for (const l of extraListeners) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(l.name) || ['PLAINTEXT', 'CONTROLLER'].includes(l.name)) throw new Error(`listener name ${l.name} is taken or invalid`);
  }
  const listenerPorts = await freePorts(count * extraListeners.length);

  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jade-kafka-'));
  fs.mkdirSync(dataDir, { recursive: true });

  const nodes: NodeRuntime[] = Array.from({ length: count }, (_, i) => {
    const nodeId = i + 1;
    return {
      handle: {
        nodeId,
        brokerPort: ports[2 * i]!,
        controllerPort: ports[2 * i + 1]!,
        listenerPorts: Object.fromEntries(extraListeners.map((l, j) => [l.name, listenerPorts[i * extraListeners.length + j]!])),
      },
      dir: path.join(dataDir, `node-${nodeId}`),
    };
  });
  const voters = nodes.map((n) => `${n.handle.nodeId}@${HOST}:${n.handle.controllerPort}`).join(',');
  const brokers = nodes.map((n) => `${HOST}:${n.handle.brokerPort}`);
  const jvm = jvmOptions(heapMb);
  const self: Attached = { nodes, removeDir: keepData ? undefined : dataDir };
  if (!detached) {
    installExitHook();
    attached.add(self);
  }

  const spawnNode = (n: NodeRuntime): void => {
    const logFd = fs.openSync(path.join(n.dir, 'logs', 'stdout.log'), 'a');
    try {
      const child = spawn(javaBin(), [
        ...jvm, '-cp', classpath,
        `-Dkafka.logs.dir=${path.join(n.dir, 'logs')}`,
        `-Dlog4j2.configurationFile=${path.join(n.dir, 'log4j2.xml')}`,
        'kafka.Kafka', path.join(n.dir, 'server.properties'),
      ], { cwd: n.dir, detached, stdio: ['ignore', logFd, logFd] });
      n.child = child;
      n.handle.pid = child.pid;
      if (detached) child.unref();
    } finally {
      fs.closeSync(logFd); // the child holds its own copy
    }
  };

  const byId = (nodeId: number): NodeRuntime => {
    const n = nodes.find((x) => x.handle.nodeId === nodeId);
    if (!n) throw new Error(`no Kafka node ${nodeId} (nodes: ${nodes.map((x) => x.handle.nodeId).join(', ')})`);
    return n;
  };

  const stopNode = async (nodeId: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const n = byId(nodeId);
    if (n.handle.pid !== undefined) await stopProcess(n.handle.pid, signal, n.child);
    n.child = undefined;
    n.handle.pid = undefined;
  };

  // Without keepData the files are deleted anyway, so a clean shutdown would only cost time.
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = keepData ? 'SIGTERM' : 'SIGKILL'): Promise<void> => {
    await Promise.all(nodes.map((n) => stopNode(n.handle.nodeId, signal)));
    if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    attached.delete(self);
  };

  try {
    // A reused dataDir keeps its cluster id and data: only nodes without storage are formatted.
    const clusterId = nodes.map((n) => formattedClusterId(n.dir)).find((id) => id !== undefined) ?? newClusterId();
    await Promise.all(nodes.map(async (n) => {
      fs.mkdirSync(path.join(n.dir, 'logs'), { recursive: true });
      writeProperties(n.dir, brokerConfig(n, count, voters, extraListeners, opts.extraConfig ?? {}));
      writeLog4j2(n.dir);
      if (formattedClusterId(n.dir) !== undefined) return;
      await run(javaBin(), [
        ...TOOL_JVM_OPTIONS, '-cp', classpath, `-Dlog4j2.configurationFile=${path.join(n.dir, 'log4j2.xml')}`,
        'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', path.join(n.dir, 'server.properties'),
        ...(opts.formatArgs ?? []),
      ], { cwd: n.dir, what: `kafka-storage format (node ${n.handle.nodeId})` });
    }));
    // The quorum needs a majority of the controllers: all nodes start together.
    nodes.forEach(spawnNode);
    await waitUntilReady(nodes, count, readyTimeoutMs);
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }

  return {
    brokers,
    listeners: Object.fromEntries(extraListeners.map((l) => [l.name, nodes.map((n) => `${HOST}:${n.handle.listenerPorts[l.name]!}`)])),
    dataDir,
    nodes: nodes.map((n) => n.handle),
    stopNode,
    async startNode(nodeId: number): Promise<void> {
      const n = byId(nodeId);
      if (n.handle.pid !== undefined && isAlive(n.handle.pid)) throw new Error(`Kafka node ${nodeId} is running`);
      await assertPortsFree([n.handle.brokerPort, n.handle.controllerPort]);
      spawnNode(n);
      // Other nodes may be down on purpose: only this one has to be back.
      await waitUntilReady([n], 1, readyTimeoutMs);
    },
    stop: () => stop(),
  };
}

/** A short-lived tool JVM: C1 only and the serial GC start faster (0.5 s instead of 0.7 s per format here). */
const TOOL_JVM_OPTIONS = ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

/**
 * Kafka's own defaults (kafka-run-class.sh) with a smaller heap. C1-only (-XX:TieredStopAtLevel=1) was measured:
 * it does not make brokers ready sooner here and would slow them down under load, so it is left out.
 */
function jvmOptions(heapMb: number): string[] {
  return [
    `-Xmx${heapMb}m`,
    `-Xms${Math.min(256, heapMb)}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
  ];
}

function brokerConfig(
  n: NodeRuntime,
  count: number,
  voters: string,
  listeners: ExtraListener[],
  extra: Record<string, string>,
): Record<string, string> {
  const rf = String(count === 1 ? 1 : 3);
  const minIsr = String(count === 1 ? 1 : 2);
  const more = listeners.map((l) => `,${l.name}://${HOST}:${n.handle.listenerPorts[l.name]!}`).join('');
  return {
    'process.roles': 'broker,controller',
    'node.id': String(n.handle.nodeId),
    'controller.quorum.voters': voters,
    'listeners': `PLAINTEXT://${HOST}:${n.handle.brokerPort},CONTROLLER://${HOST}:${n.handle.controllerPort}${more}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${n.handle.brokerPort}${more}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': ['CONTROLLER:PLAINTEXT', 'PLAINTEXT:PLAINTEXT', ...listeners.map((l) => `${l.name}:${l.securityProtocol}`)].join(','),
    'log.dirs': path.join(n.dir, 'data'),
    // The program creates its topics itself, with explicit partitions, replication and configs.
    'auto.create.topics.enable': 'false',
    // KRaft samples leave the default of 3 s, which delays every first group join in tests.
    'group.initial.rebalance.delay.ms': '0',
    // Internal topics are created on first use; fewer partitions make that first use quick.
    'offsets.topic.num.partitions': '3',
    'transaction.state.log.num.partitions': '3',
    'share.coordinator.state.topic.num.partitions': '3',
    'num.partitions': '1',
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    ...(count > 1 ? {
      // A killed broker keeps its partitions' leadership until the controller fences it (default 9 s). KafkaJS's
      // default producer retries (~15 s, metadata refreshed only between them) then often give up: measured here,
      // a 9 s fence failed acks=all sends, 3 s let them through after ~8 s.
      'broker.heartbeat.interval.ms': '500',
      'broker.session.timeout.ms': '3000',
    } : {}),
    ...extra,
  };
}

function writeProperties(dir: string, config: Record<string, string>): void {
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  const body = Object.entries(config).map(([k, v]) => `${k}=${escape(v)}`).join('\n');
  fs.writeFileSync(path.join(dir, 'server.properties'), `# written by integration/kafka/local-kafka.ts\n${body}\n`);
}

/** WARN and above to logs/server.log, nothing on stdout: brokers under tests stay quiet. */
function writeLog4j2(dir: string): void {
  const file = path.join(dir, 'logs', 'server.log')
    .replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  fs.writeFileSync(path.join(dir, 'log4j2.xml'), `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <File name="file" fileName="${file}">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="WARN"><AppenderRef ref="file"/></Root>
  </Loggers>
</Configuration>
`);
}

/** The cluster id a node's storage was formatted with, if it was. */
function formattedClusterId(nodeDir: string): string | undefined {
  try {
    const meta = fs.readFileSync(path.join(nodeDir, 'data', 'meta.properties'), 'utf8');
    return /^cluster\.id=(.+)$/m.exec(meta)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** A Kafka `Uuid` in its base64url form, as `kafka-storage random-uuid` prints it, without starting a JVM. */
function newClusterId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    // Kafka reserves the all-zero id and the one with only the last bit set; ids starting with '-' confuse CLIs.
    const reserved = bytes.subarray(0, 15).every((b) => b === 0) && bytes[15]! <= 1;
    const id = bytes.toString('base64url');
    if (!reserved && !id.startsWith('-')) return id;
  }
}

function javaBin(): string {
  const home = process.env['JAVA_HOME'];
  return home ? path.join(home, 'bin', 'java') : 'java';
}

// ---------------------------------------------------------------------------------------------------------------
// Readiness

/**
 * Ready when every given node, asked on its own broker port, returns cluster metadata that lists itself and at least
 * `minBrokers` brokers (KRaft lists only registered, unfenced brokers). Fails fast with the log tail if a JVM exits.
 */
async function waitUntilReady(nodes: NodeRuntime[], minBrokers: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(nodes);
  let lastError = '';
  while (pending.size > 0) {
    for (const n of pending) {
      const exited = n.child && (n.child.exitCode !== null || n.child.signalCode !== null);
      if (exited || (n.handle.pid !== undefined && !isAlive(n.handle.pid))) {
        throw new Error(`Kafka node ${n.handle.nodeId} exited during start-up\n${logTail(n.dir)}`);
      }
      try {
        const ids = await describeBrokers(`${HOST}:${n.handle.brokerPort}`, 2_000);
        if (ids.length >= minBrokers && ids.includes(n.handle.nodeId)) pending.delete(n);
        else lastError = `node ${n.handle.nodeId} sees brokers [${ids.join(', ')}]`;
      } catch (err) {
        lastError = `node ${n.handle.nodeId}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      const tails = [...pending].map((n) => `--- node ${n.handle.nodeId} (${n.dir}) ---\n${logTail(n.dir)}`);
      throw new Error(`Kafka not ready after ${timeoutMs} ms (${lastError})\n${tails.join('\n')}`);
    }
    await sleep(250);
  }
}

/** Broker ids in the metadata that `broker` returns; throws if it does not answer within `timeoutMs`. */
export async function describeBrokers(broker: string, timeoutMs: number): Promise<number[]> {
  const admin = new Kafka({
    clientId: 'jade-local-kafka',
    brokers: [broker],
    logLevel: logLevel.NOTHING, // refused connections are expected while a broker starts
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function logTail(dir: string, lines = 40): string {
  const parts: string[] = [];
  for (const name of ['server.log', 'stdout.log']) {
    try {
      const text = fs.readFileSync(path.join(dir, 'logs', name), 'utf8').trimEnd();
      if (text) parts.push(`[${name}]\n${text.split('\n').slice(-lines).join('\n')}`);
    } catch {
      // not written yet
    }
  }
  return parts.join('\n') || '(no log output)';
}

// ---------------------------------------------------------------------------------------------------------------
// Processes and ports

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Signals `pid` and waits until it has exited. A SIGTERM (Kafka's controlled shutdown) is bounded, then SIGKILL.
 * `child`, when this process spawned it, gives an exact exit event; otherwise the pid is polled.
 */
export async function stopProcess(
  pid: number,
  signal: 'SIGTERM' | 'SIGKILL',
  child?: ChildProcess,
  graceMs = SIGTERM_GRACE_MS,
): Promise<void> {
  const exited = (): boolean =>
    child ? child.exitCode !== null || child.signalCode !== null : !isAlive(pid);
  if (exited()) return;
  try {
    process.kill(pid, signal);
  } catch {
    return; // already gone
  }
  if (await waitFor(exited, signal === 'SIGKILL' ? 10_000 : graceMs)) return;
  if (signal === 'SIGTERM') {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    if (await waitFor(exited, 10_000)) return;
  }
  throw new Error(`process ${pid} did not exit after ${signal}`);
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Ports that were free a moment ago: each from a listener bound to port 0, all held open together. */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

async function assertPortsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, HOST, () => server.close(() => resolve(true)));
    });
    if (!free) throw new Error(`port ${HOST}:${port} is already in use`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a command to completion; on failure the error carries the tail of its output. */
function run(cmd: string, args: string[], o: { cwd: string; what: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-8_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => reject(new Error(`${o.what}: cannot run ${cmd}: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${o.what} failed (${signal ?? `exit ${code}`})\n${output.trimEnd()}`));
    });
  });
}
