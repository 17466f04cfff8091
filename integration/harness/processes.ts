/**
 * Runs JadeVectorDB as real processes for integration tests (from sources, through tsx), and always tears them
 * down: every process started here is killed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RemoteShardReads, type IndexNodeStatus } from '../../src/node/remote-shard-reads';
import { waitFor } from '../../test/helpers/wait';

const ROOT = path.join(__dirname, '..', '..');
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export const CLUSTER_SECRET = 'integration-cluster-secret-0123456789abcdef';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface IndexNodeProcessOptions {
  brokers: string[];
  prefix: string;
  nodeId: string;
  replicaGroup?: number;
  partitions?: number;
  dataDir?: string;
  env?: Record<string, string>;
}

/** One `jadevectordb serve --role index` process; restartable on the same data directory and port. */
export class IndexNodeProcess {
  readonly dataDir: string;
  private child: ChildProcess | undefined;
  private port = 0;
  readonly logFile: string;
  reads!: RemoteShardReads;

  constructor(private readonly options: IndexNodeProcessOptions) {
    this.dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `jade-${options.nodeId}-`));
    this.logFile = path.join(this.dataDir, 'node.log');
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    this.reads = new RemoteShardReads(`http://127.0.0.1:${this.port}`, CLUSTER_SECRET);
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts'), 'serve', '--role', 'index'], {
      cwd: ROOT,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        JADE_KAFKA_BROKERS: this.options.brokers.join(','),
        JADE_TOPIC_PREFIX: this.options.prefix,
        JADE_DATA_DIR: this.dataDir,
        JADE_NODE_ID: this.options.nodeId,
        JADE_REPLICA_GROUP: String(this.options.replicaGroup ?? 0),
        JADE_INTERNAL_PORT: String(this.port),
        JADE_CLUSTER_SECRET: CLUSTER_SECRET,
        JADE_KAFKA_REPLICATION_FACTOR: '1',
        JADE_SHARD_THREADS: '2',
        // Tests force compaction within seconds (short segment.ms): nothing may hold it back.
        JADE_MIN_COMPACTION_LAG_MS: '0',
        JADE_LOG_LEVEL: 'info',
        ...(this.options.partitions === undefined ? {} : { JADE_PARTITIONS: String(this.options.partitions) }),
        ...this.options.env,
      },
    });
    fs.closeSync(log);
    running.add(child);
    child.once('exit', () => running.delete(child));
    this.child = child;
  }

  /** Waits until the node answers and every partition it owns has caught up. */
  async waitReady(timeoutMs = 60_000): Promise<IndexNodeStatus> {
    return waitFor(
      async () => {
        if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) throw new Error(`index node exited: ${this.tail()}`);
        const status = await this.reads.status();
        return status.ready ? status : undefined;
      },
      { timeoutMs, intervalMs: 200, what: `${this.options.nodeId} ready (log: ${this.logFile})` },
    );
  }

  /** Waits until every owned partition has applied up to `ends`. */
  /**
   * Waits until the partitions the node owns have applied up to `ends`. With `ownsAll` (the node is alone in its
   * replica group) it also waits until it owns every partition: right after a SIGKILL and restart, the dead member
   * keeps part of the assignment until the group's session timeout expires it.
   */
  async waitCaughtUp(ends: number[], timeoutMs = 120_000, { ownsAll = false }: { ownsAll?: boolean } = {}): Promise<IndexNodeStatus> {
    return waitFor(
      async () => {
        const status = await this.reads.status();
        if (ownsAll && status.partitions.length !== ends.length) return undefined;
        return status.partitions.length > 0 && status.partitions.every((p) => p.nextOffset >= (ends[p.partition] ?? 0)) ? status : undefined;
      },
      { timeoutMs, intervalMs: 200, what: `${this.options.nodeId} caught up` },
    );
  }

  /** Process id of the running node (e.g. to read its `/proc/<pid>/status`), or `undefined` when it is not running. */
  get pid(): number | undefined {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    // A child killed by a signal keeps exitCode null: without the signalCode check a second kill would wait forever.
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }

  remove(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  tail(lines = 30): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}
