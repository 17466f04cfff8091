/**
 * A whole JadeVectorDB cluster on 127.0.0.1 for integration tests, as real processes:
 * a 3-broker KRaft Kafka (topics with replication factor 3 and min.insync.replicas=2), one or two gateways
 * (`serve --role gateway`) and replica groups of index nodes (`serve --role index`), under a fresh topic prefix.
 *
 * Everything it starts is torn down by `stop()`, and killed when the test process exits without it. Each child
 * also preloads `orphan-guard.mjs`, so it ends itself if the test process dies in a way no hook sees (SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MembershipView } from '../../src/cluster/membership';
import { RecordCodec } from '../../src/log/codec';
import { KafkaBackbone } from '../../src/log/kafka-backbone';
import { ensureTopics, type TopicNames } from '../../src/log/topics';
import type { IndexNodeStatus } from '../../src/node/remote-shard-reads';
import { randomName, waitFor } from '../../test/helpers/wait';
import { startKafka, type LocalKafka } from '../kafka/local-kafka';
import { CLUSTER_SECRET, IndexNodeProcess, freePort } from './processes';

const ROOT = path.join(__dirname, '..', '..');
const ORPHAN_GUARD = pathToFileURL(path.join(__dirname, 'orphan-guard.mjs')).href;

const running = new Set<ChildProcess>();
const dirsToRemove = new Set<string>();
/** `JADE_CLUSTER_KEEP=1` keeps the nodes' and gateways' directories (their logs) after the run, for a post-mortem. */
const KEEP = process.env.JADE_CLUSTER_KEEP === '1';
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  if (!KEEP) for (const dir of dirsToRemove) fs.rmSync(dir, { recursive: true, force: true });
});

/** HS256 secret the gateways verify JWTs with (role `gateway` refuses to start without a JWT key). */
export const JWT_SECRET = 'integration-jwt-secret-0123456789abcdef-0123456789';

/** An HS256 JWT for the test client: role admin on every database, valid for a day. */
export function adminToken(secret = JWT_SECRET): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'cluster-test', roles: ['admin'], databases: '*', iat: now, exp: now + 86_400 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** NODE_OPTIONS for a child: whatever the test process has, plus the orphan guard. */
export function guardedNodeOptions(): string {
  return `${process.env.NODE_OPTIONS ?? ''} --import=${ORPHAN_GUARD}`.trim();
}

export interface HttpReply<T = unknown> {
  status: number;
  body: T;
}

export interface GatewayProcessOptions {
  brokers: string[];
  prefix: string;
  name: string;
  partitions?: number;
  env?: Record<string, string>;
}

/** One `jadevectordb serve --role gateway` process on a free loopback port; restartable on the same port. */
export class GatewayProcess {
  readonly dataDir: string;
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private port = 0;
  private readonly authorization = `Bearer ${adminToken()}`;

  constructor(private readonly options: GatewayProcessOptions) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `jade-${options.name}-`));
    this.logFile = path.join(this.dataDir, 'gateway.log');
    dirsToRemove.add(this.dataDir);
  }

  get name(): string {
    return this.options.name;
  }

  /** Base URL of the REST API, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'serve', '--role', 'gateway'], {
      cwd: ROOT,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        NODE_OPTIONS: guardedNodeOptions(),
        JADE_KAFKA_BROKERS: this.options.brokers.join(','),
        JADE_TOPIC_PREFIX: this.options.prefix,
        JADE_DATA_DIR: this.dataDir,
        JADE_HTTP_HOST: '127.0.0.1',
        JADE_HTTP_PORT: String(this.port),
        JADE_CLUSTER_SECRET: CLUSTER_SECRET,
        JADE_JWT_SECRET: JWT_SECRET,
        JADE_LOG_LEVEL: 'info',
        // Tests force compaction within seconds (short segment.ms): nothing may hold it back.
        JADE_MIN_COMPACTION_LAG_MS: '0',
        ...(this.options.partitions === undefined ? {} : { JADE_PARTITIONS: String(this.options.partitions) }),
        ...this.options.env,
      },
    });
    fs.closeSync(log);
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.child = child;
  }

  /** Waits until `/ready` answers 200: every partition has a ready owner. */
  async waitReady(timeoutMs = 90_000): Promise<void> {
    await waitFor(
      async () => {
        if (this.pid === undefined) throw new Error(`gateway ${this.name} exited: ${this.tail()}`);
        const reply = await this.request('GET', '/ready');
        return reply.status === 200;
      },
      { timeoutMs, intervalMs: 200, what: `gateway ${this.name} ready (log: ${this.logFile})` },
    );
  }

  /** One JSON request to the REST API as an admin; network failures reject, HTTP errors resolve with their status. */
  async request<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', route: string, body?: unknown, timeoutMs = 60_000): Promise<HttpReply<T>> {
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers: { authorization: this.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T };
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  tail(lines = 30): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** An index node of the cluster with its identity. */
export interface ClusterNode {
  id: string;
  group: number;
  process: IndexNodeProcess;
}

export interface ClusterOptions {
  /** P. @default 4 */
  partitions?: number;
  /** @default 1 */
  gateways?: number;
  /** Replica groups. @default 2 */
  groups?: number;
  /** Index nodes per group. @default 2 */
  nodesPerGroup?: number;
  /** Added to every index node's environment. */
  indexEnv?: Record<string, string>;
  /** Added to every gateway's environment. */
  gatewayEnv?: Record<string, string>;
}

/** Ownership of one replica group, as its live nodes report it on their internal interface. */
export interface GroupView {
  group: number;
  /** Owners of each partition (node ids), and which of them are ready for it. */
  owners: Map<number, { nodeId: string; ready: boolean }[]>;
  /** Every partition owned by exactly one live node of the group, and ready there. */
  whole: boolean;
}

export class JadeCluster {
  readonly gateways: GatewayProcess[] = [];
  readonly nodes: ClusterNode[] = [];
  /** The test's own view of membership heartbeats, built like a gateway's (same topic, same TTL). */
  readonly membership: MembershipView;
  private stopped = false;

  private constructor(
    readonly kafka: LocalKafka,
    readonly prefix: string,
    readonly partitions: number,
    /** A client of the cluster's Kafka for the test itself (end offsets, raw reads). */
    readonly backbone: KafkaBackbone,
    readonly topics: TopicNames,
    readonly codec: RecordCodec,
  ) {
    this.membership = new MembershipView({ backbone, codec, topic: topics.cluster, groupPrefix: prefix });
  }

  /** Starts Kafka, creates the topics, then the index nodes and gateways, and waits until every group is whole. */
  static async start(options: ClusterOptions = {}): Promise<JadeCluster> {
    const partitions = options.partitions ?? 4;
    const prefix = randomName('cluster');
    const kafka = await startKafka({ nodes: 3 });
    let cluster: JadeCluster | undefined;
    try {
      const backbone = await KafkaBackbone.connect({ brokers: kafka.brokers, groupPrefix: prefix, sessionTimeoutMs: 6_000 });
      const codec = RecordCodec.load();
      // Created here first, so the processes starting together never race to create them.
      const topics = await ensureTopics(backbone, {
        topicPrefix: prefix,
        partitions,
        defaultPartitions: partitions,
        replicationFactor: 3,
        minInsyncReplicas: 2,
        deleteRetentionMs: 7 * 86_400_000,
      });
      const c = new JadeCluster(kafka, prefix, partitions, backbone, topics.names, codec);
      cluster = c;
      await c.membership.start();
      const groups = options.groups ?? 2;
      const perGroup = options.nodesPerGroup ?? 2;
      for (let g = 0; g < groups; g++) {
        for (let i = 0; i < perGroup; i++) {
          const id = `g${g}-n${i}`;
          const node = new IndexNodeProcess({
            brokers: kafka.brokers,
            prefix,
            nodeId: id,
            replicaGroup: g,
            partitions,
            env: {
              NODE_OPTIONS: guardedNodeOptions(),
              JADE_KAFKA_REPLICATION_FACTOR: '3',
              JADE_KAFKA_MIN_INSYNC_REPLICAS: '2',
              // Two cores for three brokers, four index nodes and the gateways: one shard thread each.
              JADE_SHARD_THREADS: '1',
              ...options.indexEnv,
            },
          });
          dirsToRemove.add(node.dataDir);
          c.nodes.push({ id, group: g, process: node });
        }
      }
      await Promise.all(c.nodes.map((n) => n.process.start()));
      await Promise.all(c.nodes.map((n) => c.waitNodeReady(n, 240_000)));
      for (let i = 0; i < (options.gateways ?? 1); i++) {
        c.gateways.push(
          new GatewayProcess({
            brokers: kafka.brokers,
            prefix,
            name: `gw${i}`,
            partitions,
            env: { JADE_KAFKA_REPLICATION_FACTOR: '3', JADE_KAFKA_MIN_INSYNC_REPLICAS: '2', ...options.gatewayEnv },
          }),
        );
      }
      await Promise.all(c.gateways.map((g) => g.start()));
      await Promise.all(c.gateways.map((g) => g.waitReady(240_000)));
      await c.waitWhole(240_000);
      return c;
    } catch (err) {
      if (cluster !== undefined) await cluster.stop();
      else await kafka.stop();
      throw err;
    }
  }

  /** Waits until a node is ready; a failure says whether the process is still alive, with its log's tail. */
  async waitNodeReady(node: ClusterNode, timeoutMs = 300_000): Promise<void> {
    try {
      await node.process.waitReady(timeoutMs);
    } catch (err) {
      const state = node.process.pid === undefined ? 'not running (exited or killed by a signal)' : 'running';
      throw new Error(`${(err as Error).message}; ${node.id} is ${state}; its log ends:\n${node.process.tail(20)}`);
    }
  }

  /** The index nodes of replica group `g`. */
  group(g: number): ClusterNode[] {
    return this.nodes.filter((n) => n.group === g);
  }

  get groupCount(): number {
    return new Set(this.nodes.map((n) => n.group)).size;
  }

  /** Internal status of every running node (a node that does not answer is left out). */
  async statuses(): Promise<Map<string, IndexNodeStatus>> {
    const out = new Map<string, IndexNodeStatus>();
    await Promise.all(
      this.nodes.map(async (n) => {
        if (n.process.pid === undefined) return;
        try {
          out.set(n.id, await n.process.reads.status());
        } catch {
          // starting, stopping or killed
        }
      }),
    );
    return out;
  }

  /** Ownership of group `g` as its running nodes report it. */
  async groupView(g: number, statuses?: Map<string, IndexNodeStatus>): Promise<GroupView> {
    const all = statuses ?? (await this.statuses());
    const owners = new Map<number, { nodeId: string; ready: boolean }[]>();
    for (let p = 0; p < this.partitions; p++) owners.set(p, []);
    for (const node of this.group(g)) {
      const status = all.get(node.id);
      for (const entry of status?.partitions ?? []) owners.get(entry.partition)?.push({ nodeId: node.id, ready: entry.ready });
    }
    const whole = [...owners.values()].every((list) => list.length === 1 && list[0]!.ready);
    return { group: g, owners, whole };
  }

  /** True when the test's membership view (a gateway's view) has a ready owner of every partition in every group. */
  membershipWhole(): boolean {
    const live = this.membership.live();
    for (let g = 0; g < this.groupCount; g++) {
      for (let p = 0; p < this.partitions; p++) {
        const owned = live.some((h) => h.replicaGroup === g && h.partitions.some((e) => e.partition === p && e.ready));
        if (!owned) return false;
      }
    }
    return true;
  }

  /**
   * Waits until every group is whole on the nodes' own status, then until membership heartbeats sent a second after
   * that say so too (so the gateways, reading the same topic, know it before the caller takes another node away).
   * Returns the ms until the nodes were whole.
   */
  async waitWhole(timeoutMs = 120_000, groups?: number[]): Promise<number> {
    const started = Date.now();
    const wanted = groups ?? Array.from({ length: this.groupCount }, (_, g) => g);
    let last = 'no node answered';
    try {
      await waitFor(
        async () => {
          const statuses = await this.statuses();
          const views = await Promise.all(wanted.map((g) => this.groupView(g, statuses)));
          last = views.map((v) => `group ${v.group}: ${[...v.owners].map(([p, o]) => `${p}=[${o.map((x) => `${x.nodeId}${x.ready ? '' : '*'}`).join(',')}]`).join(' ')}`).join('; ');
          return views.every((v) => v.whole);
        },
        { timeoutMs, intervalMs: 100, what: `replica groups ${wanted.join(',')} whole` },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message} (owners of each partition, * not ready: ${last})`);
    }
    const wholeAt = Date.now();
    const live = (): string[] => this.nodes.filter((n) => n.process.pid !== undefined).map((n) => n.id);
    await waitFor(
      () => {
        const heard = new Map(this.membership.live().map((h) => [h.nodeId, h.sentAtMs]));
        return this.membershipWhole() && live().every((id) => (heard.get(id) ?? 0) >= wholeAt + 1_000);
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'membership heartbeats showing every group whole' },
    );
    return wholeAt - started;
  }

  /** Waits until every running node has applied its partitions up to the current end of the vectors topic. */
  async waitCaughtUp(timeoutMs = 300_000): Promise<void> {
    await this.waitWhole(timeoutMs);
    const ends = await this.backbone.endOffsets(this.topics.vectors);
    await Promise.all(this.nodes.filter((n) => n.process.pid !== undefined).map((n) => n.process.waitCaughtUp(ends, timeoutMs)));
  }

  /** Resident memory (kB) of a process, from `/proc/<pid>/status`, or undefined when it is not running. */
  static rssKb(pid: number | undefined): number | undefined {
    if (pid === undefined) return undefined;
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match === null ? undefined : Number(match[1]);
    } catch {
      return undefined;
    }
  }

  /** Kills every process, stops Kafka and removes the data. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.membership.stop().catch(() => undefined);
    await Promise.all(this.gateways.map((g) => g.kill('SIGKILL')));
    await Promise.all(this.nodes.map((n) => n.process.kill('SIGKILL')));
    await this.backbone.close().catch(() => undefined);
    await this.kafka.stop();
    if (KEEP) {
      console.log(`kept: ${[...this.gateways.map((g) => g.logFile), ...this.nodes.map((n) => n.process.logFile)].join(' ')}`);
      return;
    }
    // The data goes; the processes' logs stay (small) for a post-mortem of a failed run.
    const logs = path.join(os.tmpdir(), `jade-cluster-logs-${this.prefix}`);
    fs.mkdirSync(logs, { recursive: true });
    for (const g of this.gateways) if (fs.existsSync(g.logFile)) fs.copyFileSync(g.logFile, path.join(logs, `${g.name}.log`));
    for (const n of this.nodes) if (fs.existsSync(n.process.logFile)) fs.copyFileSync(n.process.logFile, path.join(logs, `${n.id}.log`));
    console.log(`cluster logs: ${logs}`);
    for (const g of this.gateways) fs.rmSync(g.dataDir, { recursive: true, force: true });
    for (const n of this.nodes) n.process.remove();
  }
}
