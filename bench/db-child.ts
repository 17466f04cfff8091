/**
 * The database under test, in its own process (so its memory is its own and the load generator is not inside it):
 * role `all` with the default configuration except authentication (off), logging (silent) and the port (free).
 * Started by db-process.ts with a JSON config; reports over IPC when it listens and is ready, and stops cleanly on
 * request (which snapshots every shard, as a user's `SIGTERM` would).
 *
 * A `gc` request first waits until every shard has linked its backlog into its graph (deferred indexing makes applied
 * vectors searchable before they are in the graph, and the graph grows only then), then collects garbage in every V8
 * heap of the process, the shard worker threads' as well as the main thread's, so that memory measured afterwards is
 * what the database holds for everything it was given, not garbage a worker has yet to collect nor a graph still to
 * grow (a bare hnswlib process has one heap and its own `gc()` reaches all of it). The worker threads are reached
 * through a message port handed to each at its start: `worker_threads.Worker` is wrapped before the server starts.
 */
import path from 'node:path';
import v8 from 'node:v8';
import workerThreads from 'node:worker_threads';
import { loadConfig } from '../src/config/load';
import { startServer, type RunningServer } from '../src/cli/server';
import { createLogger } from '../src/logger';

interface ChildMessage {
  type: 'stop' | 'gc';
}

/** The heap of one thread after its collection: process.memoryUsage() figures as that thread sees them. */
export interface IsolateMemory {
  thread: 'main' | 'worker';
  heapUsed: number;
  heapTotal: number;
  /** Memory of ArrayBuffers and other objects outside the V8 heap owned by this thread. */
  external: number;
  arrayBuffers: number;
  /** Memory V8 itself has malloc'd for this heap (not counted in heapTotal). */
  mallocedMemory: number;
}

type Gc = () => void;

/** Runs in each worker before its own entry module: answers collection requests on the port it was handed. */
const PROBE_PREAMBLE = `{
  const { workerData: __jadeBenchData } = require('node:worker_threads');
  const __jadeBenchPort = __jadeBenchData && __jadeBenchData.__jadeBenchProbe;
  if (__jadeBenchPort !== undefined) {
    __jadeBenchPort.on('message', () => {
      if (typeof globalThis.gc === 'function') { globalThis.gc(); globalThis.gc(); }
      const usage = process.memoryUsage();
      const heap = require('node:v8').getHeapStatistics();
      __jadeBenchPort.postMessage({ thread: 'worker', heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, mallocedMemory: heap.malloced_memory });
    });
    __jadeBenchPort.unref();
  }
}
`;

const probes: workerThreads.MessagePort[] = [];
const SOURCE_DIR = path.join(__dirname, '..', 'src');

/** Wraps `Worker` so that every worker thread the server starts can be asked to collect its garbage. */
function trackWorkers(): void {
  const Original = workerThreads.Worker;
  class ProbedWorker extends Original {
    constructor(filename: string | URL, options: workerThreads.WorkerOptions = {}) {
      const target = filename instanceof URL ? filename.pathname : filename;
      // Only the database's own workers (shard threads); others (a loader's, say) start as they asked.
      if (!target.includes(SOURCE_DIR)) {
        super(filename, options);
        return;
      }
      const channel = new workerThreads.MessageChannel();
      const code = options.eval === true ? target : `require(${JSON.stringify(target)});`;
      const data: unknown = options.workerData;
      super(PROBE_PREAMBLE + code, {
        ...options,
        eval: true,
        workerData: typeof data === 'object' && data !== null ? { ...data, __jadeBenchProbe: channel.port2 } : { __jadeBenchProbe: channel.port2 },
        transferList: [...(options.transferList ?? []), channel.port2],
      });
      channel.port1.unref();
      probes.push(channel.port1);
      this.once('exit', () => {
        const i = probes.indexOf(channel.port1);
        if (i >= 0) probes.splice(i, 1);
        channel.port1.close();
      });
    }
  }
  (workerThreads as { Worker: typeof workerThreads.Worker }).Worker = ProbedWorker;
}

function probeWorker(port: workerThreads.MessagePort): Promise<IsolateMemory | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      port.off('message', onMessage);
      resolve(undefined);
    }, 30_000);
    const onMessage = (memory: IsolateMemory) => {
      clearTimeout(timer);
      port.off('message', onMessage);
      resolve(memory);
    };
    port.on('message', onMessage);
    port.postMessage('gc');
  });
}

/** Collects garbage on the main thread and in every worker thread; returns each heap's figures afterwards. */
async function collectEverywhere(): Promise<IsolateMemory[]> {
  const gc = (globalThis as { gc?: Gc }).gc;
  gc?.();
  const workers = await Promise.all(probes.map((port) => probeWorker(port)));
  gc?.();
  const usage = process.memoryUsage();
  const main: IsolateMemory = {
    thread: 'main',
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    mallocedMemory: v8.getHeapStatistics().malloced_memory,
  };
  return [main, ...workers.filter((w) => w !== undefined)];
}

/**
 * Waits until no shard holds vectors that are applied but not linked into its graph yet (bounded), as the index node
 * reports them (its status follows a draining backlog down).
 */
async function waitIndexed(server: RunningServer, timeoutMs = 600_000): Promise<void> {
  const host = server.node?.host;
  if (host === undefined) return;
  const deadline = performance.now() + timeoutMs;
  while (host.status().some((p) => p.databases.some((d) => d.backlog > 0)) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  trackWorkers();
  const overrides = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
  const config = loadConfig({ env: {}, overrides: { auth: 'off', logLevel: 'silent', httpPort: 0, ...overrides } });
  const started = performance.now();
  const server = await startServer(config, createLogger(config.logLevel));
  const address = await server.app!.listen({ host: '127.0.0.1', port: config.httpPort });
  const listening = performance.now();
  while (server.node?.host.ready() !== true) await new Promise((r) => setTimeout(r, 2));
  const ready = performance.now();
  process.send?.({ type: 'ready', url: address, startToListenMs: listening - started, startToReadyMs: ready - started });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const t = performance.now();
    await server.stop();
    const message = { type: 'stopped', stopMs: performance.now() - t };
    if (process.send === undefined) process.exit(0);
    process.send(message, () => process.exit(0));
  };
  process.on('message', (message: ChildMessage) => {
    if (message.type === 'stop') void stop();
    if (message.type === 'gc') {
      void waitIndexed(server)
        .then(() => collectEverywhere())
        .then((isolates) => process.send?.({ type: 'gc-done', isolates }));
    }
  });
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
}

main().catch((err: unknown) => {
  process.send?.({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
