/** Helpers of the HTTP tests: a server in its own temp dir, requests through `app.inject()`, error-shape checks. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startServer, type RunningServer } from '../../src/cli/server';
import { loadConfig } from '../../src/config/load';
import type { JadeConfig, JadeConfigInput } from '../../src/config/schema';
import { silentLogger } from '../../src/logger';
import type { ShardRuntime } from '../../src/node/shard-runtime';
import { mintToken } from '../../src/security/jwt';
import { waitFor } from '../helpers/wait';

export interface TestServer {
  server: RunningServer;
  app: FastifyInstance;
  config: JadeConfig;
  dir: string;
  /** Stops the server; removes the data dir unless `keepDir`. */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/** The HS256 secret of every test server: authentication stays on, as in production. */
export const TEST_JWT_SECRET = 'jade-http-tests-secret-0123456789abcdef';
/** An admin token for TEST_JWT_SECRET, sent by `call` unless a request sets its own `authorization`. */
export const ADMIN_TOKEN = mintToken({ secret: TEST_JWT_SECRET, subject: 'http-tests', roles: ['admin'], databases: '*', ttlSeconds: 3_600 });

/** The unit-test configuration: embedded log in `dir`, 2 partitions, silent, authentication on. Overrides win. */
export function testConfig(dir: string, overrides: JadeConfigInput = {}): JadeConfig {
  return loadConfig({ env: {}, overrides: { dataDir: dir, shardThreads: 0, logLevel: 'silent', partitions: 2, jwtSecret: TEST_JWT_SECRET, ...overrides } });
}

/** Starts role `all` on `config` (a fresh temp dir when `dir` is not given) and waits for `/ready`. */
export async function startTestServer(
  options: { dir?: string; overrides?: JadeConfigInput; config?: (dir: string) => JadeConfig; runtime?: ShardRuntime } = {},
): Promise<TestServer> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'jade-http-'));
  const config = options.config?.(dir) ?? testConfig(dir, options.overrides);
  const server = await startServer(config, silentLogger, options.runtime === undefined ? {} : { runtime: options.runtime });
  const app = server.app!;
  await waitFor(async () => (await call(app, 'GET', '/ready')).status === 200, { timeoutMs: 30_000, what: '/ready' });
  return {
    server,
    app,
    config,
    dir,
    stop: async ({ keepDir = false } = {}) => {
      await server.stop();
      if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  headers: Record<string, unknown>;
  body: T;
  text: string;
}

/** One request through `app.inject()`; a JSON body is sent as JSON, a string as is (with `contentType`). */
export async function call<T = unknown>(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const res = await app.inject({
    method,
    url,
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  });
  let parsed: unknown = undefined;
  if (res.body !== '' && String(res.headers['content-type'] ?? '').includes('json')) parsed = JSON.parse(res.body);
  return { status: res.statusCode, headers: res.headers, body: parsed as T, text: res.body };
}

/** Like `call`, but fails the test unless the status is `expected`. */
export async function ok<T = unknown>(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, expected = 200, headers?: Record<string, string>): Promise<T> {
  const res = await call<T>(app, method, url, body, headers);
  if (res.status !== expected) throw new Error(`${method} ${url}: expected ${expected}, got ${res.status}: ${res.text.slice(0, 500)}`);
  return res.body;
}

/**
 * Asserts an error reply: the status, the code, and the one error shape (exactly `statusCode`, `code`, `error`,
 * `message`, plus `acknowledged` only for partial writes) with nothing internal in it.
 */
export function expectError(res: Reply, status: number, code: string, what = ''): void {
  const label = `${what} -> ${res.status} ${res.text.slice(0, 300)}`;
  expect({ label, status: res.status, code: (res.body as { code?: unknown } | undefined)?.code }).toEqual({ label, status, code });
  const body = res.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
  expect(body.statusCode).toBe(status);
  expect(typeof body.error).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(String(res.headers['content-type'])).toContain('application/json');
  expectNothingInternal(res.text, label);
}

/** No stack frames, source paths or module names in what a client sees. */
export function expectNothingInternal(text: string, label = ''): void {
  // Stack frames (`\n    at fn (file:line)`, escaped or not), source paths, module names, the temp dir.
  const leaks = [/\bat \S+ \(/, /(\\n|\n)\s*at\s/, /\/work\//, /node_modules/, /\.[cm]?[jt]s:\d+/, /\bsrc\//, /\w*Error:\s/, new RegExp(escapeRegExp(os.tmpdir() + '/'))];
  for (const leak of leaks) {
    if (leak.test(text)) throw new Error(`${label}: reply leaks internals (${leak}): ${text.slice(0, 500)}`);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface StoredVector {
  id: string;
  values: number[];
  metadata: Record<string, unknown> | null;
}
export interface Hit {
  id: string;
  score: number;
  metadata?: Record<string, unknown> | null;
  values?: number[];
}
export interface WriteReply {
  id?: string;
  ids?: string[];
  count?: number;
  token: string;
}
export interface Page {
  vectors: StoredVector[];
  nextCursor: string | null;
}
export interface DatabaseReply {
  name: string;
  dimension: number;
  metric: string;
  index: { m: number; efConstruction: number; efSearch: number };
  description: string | null;
  createdAt: string;
  vectorCount?: number;
}

/** Plain arrays (what JSON carries) of float32 vectors: every value is exactly representable in float32. */
export function toArrays(vectors: readonly Float32Array[]): number[][] {
  return vectors.map((v) => Array.from(v));
}
