/** A real server (role all, embedded log) in this process on a free port, in its own temp dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { JadeClient } from '../../src/client';
import type { CliIo } from '../../src/cli/cli-io';
import { startServer, type RunningServer } from '../../src/cli/server';
import { loadConfig } from '../../src/config/load';
import { CONFIG_SPEC } from '../../src/config/schema';
import { silentLogger } from '../../src/logger';

/*
 * `/docs` needs `@fastify/static`, which requires `content-disposition` 3, an ES module: Node 20.19+ loads it with
 * its own require (require(esm)), Jest's module registry refuses it before Node 24.9. Hand Jest what Node's own
 * require loads. Inside Jest, `process.getBuiltinModule` and `createRequire` lead back into Jest's registry (and so
 * into this mock), so take Node's from the host realm, through a function created there.
 */
jest.mock('content-disposition', () => {
  const HostFunction = Buffer.constructor as FunctionConstructor;
  const hostProcess = (new HostFunction('return process') as () => NodeJS.Process)();
  return hostProcess.getBuiltinModule('node:module').createRequire(__filename)('content-disposition') as unknown;
});

export interface TestServer {
  url: string;
  dataDir: string;
  client: JadeClient;
  server: RunningServer;
  stop(): Promise<void>;
}

export async function startTestServer(overrides: Record<string, unknown> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-client-test-'));
  // Authentication is not what these tests are about (the client's headers are checked on the wire instead).
  const open = 'auth' in CONFIG_SPEC ? { auth: 'off' } : {};
  const config = loadConfig({ env: {}, overrides: { dataDir, httpPort: 0, shardThreads: 0, logLevel: 'silent', partitions: 2, ...open, ...overrides } });
  const server = await startServer(config, silentLogger);
  const url = await server.app!.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    dataDir,
    client: new JadeClient({ url }),
    server,
    stop: async () => {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A writable that keeps what is written; `isTTY` makes it pass for a terminal. */
export class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns = 120;
  constructor(tty = false) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface MemoryIo extends CliIo {
  stdout: Capture;
  stderr: Capture;
}

/** CLI streams in memory; `stdin` is empty unless given. */
export function memoryIo(options: { env?: Record<string, string>; tty?: boolean; stdin?: Readable } = {}): MemoryIo {
  return {
    stdout: new Capture(false),
    stderr: new Capture(options.tty ?? false),
    stdin: options.stdin ?? Readable.from([]),
    env: options.env ?? {},
  };
}
