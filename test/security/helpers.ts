/** Helpers of the security tests: a server with auth on, tokens of every kind, requests, the audit topic read back. */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type vm from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { createSigner } from 'fast-jwt';
import { startServer, type RunningServer } from '../../src/cli/server';
import { loadConfig } from '../../src/config/load';
import type { JadeConfig, JadeConfigInput } from '../../src/config/schema';
import type { AuditEventRecord } from '../../src/log/records';
import { silentLogger } from '../../src/logger';
import { mintToken } from '../../src/security/jwt';
import type { Role } from '../../src/security/principal';
import { readUntil } from '../contract/backbone-contract';
import { randomName, waitFor } from '../helpers/wait';

// Two dependencies of the HTTP stack are ES modules now: `cookie` 2 (light-my-request, behind `app.inject`) and
// `content-disposition` 3 (@fastify/static, behind `/docs`). Node 20.19+ loads them with its own `require`, but Jest's
// module registry implements `require` itself and refuses ES modules before Node 24.9. Both are self-contained files
// of `export function`s, so the tests load the real code as CommonJS.
jest.mock('cookie', () => mockEsmAsCommonJs('cookie'));
jest.mock('content-disposition', () => mockEsmAsCommonJs('content-disposition'));

function mockEsmAsCommonJs(name: string): Record<string, unknown> {
  const source = jest.requireActual<typeof fs>('node:fs').readFileSync(require.resolve(name), 'utf8');
  const names: string[] = [];
  const body = source.replace(/^export function (\w+)/gm, (_match, fn: string) => {
    names.push(fn);
    return `function ${fn}`;
  });
  if (/^\s*(export|import)\b/m.test(body)) throw new Error(`${name}: only a module of "export function"s can be loaded this way`);
  const vmModule = jest.requireActual<typeof vm>('node:vm');
  return (vmModule.compileFunction(`${body}\nreturn { ${names.join(', ')} };`) as () => Record<string, unknown>)();
}

export const SECRET = 'security-test-secret-of-more-than-32-bytes';

export interface SecureServer {
  server: RunningServer;
  app: FastifyInstance;
  config: JadeConfig;
  dir: string;
  stop(): Promise<void>;
}

/** The unit-test configuration with authentication on and an HS256 secret. Overrides win. */
export function secureConfig(dir: string, overrides: JadeConfigInput = {}): JadeConfig {
  return loadConfig({
    env: {},
    overrides: { dataDir: dir, shardThreads: 0, logLevel: 'silent', partitions: 2, jwtSecret: SECRET, auditLevel: 'all', ...overrides },
  });
}

/** Starts role `all` in a fresh temp dir and waits for `/ready`. */
export async function startSecureServer(overrides: JadeConfigInput = {}, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-sec-'))): Promise<SecureServer> {
  const config = secureConfig(dir, overrides);
  const server = await startServer(config, silentLogger);
  const app = server.app!;
  await waitFor(async () => (await app.inject({ method: 'GET', url: '/ready' })).statusCode === 200, { timeoutMs: 30_000, what: '/ready' });
  return {
    server,
    app,
    config,
    dir,
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid HS256 token for these roles and databases. */
export function token(roles: Role[], databases: '*' | string[] = '*', subject = roles.join('+')): string {
  return mintToken({ secret: SECRET, subject, roles, databases, ttlSeconds: 3600 });
}

export const bearer = (jwt: string): Record<string, string> => ({ authorization: `Bearer ${jwt}` });
export const apiKey = (key: string): Record<string, string> => ({ authorization: `ApiKey ${key}` });

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const ADMIN_CLAIMS = { sub: 'mallory', roles: ['admin'], databases: '*' };

type BadTokens = Record<'expired' | 'algNone' | 'badSignature' | 'notYetValid' | 'rs256' | 'noExp', string>;
let bad: BadTokens | undefined;

/** Tokens a server must refuse, each claiming to be an admin of every database (made once: RSA keys are slow). */
export function badTokens(): BadTokens {
  bad ??= makeBadTokens();
  return bad;
}

function makeBadTokens(): BadTokens {
  const sign = createSigner({ key: SECRET, algorithm: 'HS256' });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    expired: sign({ ...ADMIN_CLAIMS, iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }),
    // `alg: none` with an empty signature: accepted by naive verifiers.
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...ADMIN_CLAIMS, iat: nowSeconds(), exp: nowSeconds() + 3600 })}.`,
    badSignature: createSigner({ key: 'another-secret-of-more-than-32-bytes!!', algorithm: 'HS256', expiresIn: 3_600_000 })(ADMIN_CLAIMS),
    notYetValid: sign({ ...ADMIN_CLAIMS, iat: nowSeconds(), nbf: nowSeconds() + 3600, exp: nowSeconds() + 7200 }),
    rs256: createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'RS256', expiresIn: 3_600_000 })(ADMIN_CLAIMS),
    noExp: sign(ADMIN_CLAIMS),
  };
}

export interface Reply<T = unknown> {
  status: number;
  headers: Record<string, unknown>;
  body: T;
  text: string;
}

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request through `app.inject()`; a body is sent as JSON. */
export async function call<T = unknown>(app: FastifyInstance, method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const res = await app.inject({
    method,
    url,
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  });
  let parsed: unknown = undefined;
  if (res.body !== '' && String(res.headers['content-type'] ?? '').includes('json')) parsed = JSON.parse(res.body);
  return { status: res.statusCode, headers: res.headers, body: parsed as T, text: res.body };
}

/** Like `call`, but fails unless the status is `expected`. */
export async function expectStatus<T = unknown>(app: FastifyInstance, method: Method, url: string, body: unknown, expected: number, headers: Record<string, string>): Promise<T> {
  const res = await call<T>(app, method, url, body, headers);
  if (res.status !== expected) throw new Error(`${method} ${url}: expected ${expected}, got ${res.status}: ${res.text.slice(0, 300)}`);
  return res.body;
}

/** Every audit event on the server's audit topic, in no particular order across partitions. */
export async function auditEvents(server: RunningServer): Promise<AuditEventRecord[]> {
  const { backbone, codec, topics } = server.foundation;
  const topic = topics.names.audit;
  const ends = await backbone.endOffsets(topic);
  const read = await readUntil(backbone, topic, randomName('audit-check'), ends);
  const events: AuditEventRecord[] = [];
  for (const records of read.values()) {
    for (const record of records) {
      if (record.value === null) continue;
      const decoded = codec.decode(record.value);
      if (decoded.type !== 'audit-event') throw new Error(`unexpected ${decoded.type} record on the audit topic`);
      events.push(decoded);
    }
  }
  return events;
}
