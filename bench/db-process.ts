/** Starts, measures and stops the database under test (bench/db-child.ts) in a child process. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { IsolateMemory } from './db-child';
import { HttpClient } from './http-client';
import { processMemory, type ProcessMemory } from './machine';

export interface DbStartOptions {
  dataDir: string;
  /** Config keys of the server (validated by its loadConfig): partitions, kafkaBrokers, topicPrefix... */
  config?: Record<string, unknown>;
  startTimeoutMs?: number;
}

export interface StartTimings {
  /** From fork to ready (includes Node and TypeScript loading). */
  spawnToReadyMs: number;
  /** From the server's start to listening. */
  startToListenMs: number;
  /** From the server's start to every owned partition caught up (`/ready` true): recovery time. */
  startToReadyMs: number;
}

type Message =
  | { type: 'ready'; url: string; startToListenMs: number; startToReadyMs: number }
  | { type: 'stopped'; stopMs: number }
  | { type: 'gc-done'; isolates: IsolateMemory[] }
  | { type: 'failed'; message: string };

export class DbProcess {
  readonly client: HttpClient;
  private exited = false;
  private expectingExit = false;
  /** Set when the server exits without being asked to: its exit and the tail of its stderr. */
  crash: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly timings: StartTimings,
    readonly dataDir: string,
    stderrTail: () => string,
  ) {
    this.client = new HttpClient(url);
    child.on('exit', (code, signal) => {
      this.exited = true;
      if (!this.expectingExit) this.crash = `database process exited unexpectedly (code ${code}, signal ${signal})\n${stderrTail()}`;
    });
  }

  static start(options: DbStartOptions): Promise<DbProcess> {
    const spawned = performance.now();
    const child = fork(path.join(__dirname, 'db-child.ts'), [JSON.stringify({ dataDir: options.dataDir, ...options.config })], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-4000);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`database did not become ready in ${options.startTimeoutMs ?? 600_000} ms\n${stderr}`));
      }, options.startTimeoutMs ?? 600_000);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`database process exited (${code}) before it was ready\n${stderr}`));
      };
      child.once('exit', onExit);
      child.on('message', (m: Message) => {
        if (m.type === 'failed') {
          clearTimeout(timer);
          child.off('exit', onExit);
          reject(new Error(`database failed to start: ${m.message}`));
        } else if (m.type === 'ready') {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(
            new DbProcess(child, m.url, { spawnToReadyMs: performance.now() - spawned, startToListenMs: m.startToListenMs, startToReadyMs: m.startToReadyMs }, options.dataDir, () => stderr),
          );
        }
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  memory(): ProcessMemory | undefined {
    return processMemory(this.pid);
  }

  /**
   * Runs a full GC in every heap of the server (its main thread and each shard worker thread) and waits for it;
   * resolves to each heap's figures afterwards.
   */
  gc(): Promise<IsolateMemory[]> {
    return this.call('gc', 'gc-done').then((m) => (m as Extract<Message, { type: 'gc-done' }>).isolates);
  }

  /** Stops the server as a user's SIGTERM would (snapshots every shard) and waits for the process to exit. */
  async stop(): Promise<{ stopMs: number }> {
    this.client.close();
    this.expectingExit = true;
    if (this.exited) return { stopMs: 0 };
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const stopped = await this.call('stop', 'stopped');
    await exit;
    return { stopMs: (stopped as { stopMs: number }).stopMs };
  }

  /** Kills the server (`kill -9`). */
  async kill(): Promise<void> {
    this.client.close();
    this.expectingExit = true;
    if (this.exited) return;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exit;
  }

  private call(type: 'stop' | 'gc', answer: Message['type']): Promise<Message> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: Message) => {
        if (m.type !== answer) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(m);
      };
      const onExit = () => reject(new Error(`database process exited while waiting for ${answer}`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ type });
    });
  }
}
