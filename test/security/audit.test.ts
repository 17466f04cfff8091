/**
 * Audit (NFR-004, NFR-005): scripted sessions whose every request is counted back off the audit topic.
 *
 * Every request carries its own `X-Request-Id`, so each event on the topic is matched to the request that caused it:
 * exactly one `outcome` per request (denied and failed ones included) and one `intent` per write that reached its
 * handler, at the levels that record them; nothing else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ProduceRecord } from '../../src/log/backbone';
import type { AuditEventRecord } from '../../src/log/records';
import type { Role } from '../../src/security/principal';
import { waitFor } from '../helpers/wait';
import { apiKey, auditEvents, badTokens, bearer, call, startSecureServer, token, type Method, type Reply, type SecureServer } from './helpers';

type Level = 'off' | 'security' | 'write' | 'all';
type Access = 'public' | 'read' | 'write' | 'admin';
type Category = AuditEventRecord['category'];

const RANK: Record<Level, number> = { off: 0, security: 1, write: 2, all: 3 };
const LOWEST: Record<Category, Level> = { authentication: 'security', authorization: 'security', admin: 'security', write: 'write', read: 'all' };
const recordedAt = (level: Level, category: Category): boolean => level !== 'off' && RANK[level] >= RANK[LOWEST[category]];

interface Step {
  method: Method;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** What the route needs (unknown routes are public). */
  access: Access;
  status: number;
  /** Refused by the route's schema, so the handler (and the intent before it) never runs. */
  schemaInvalid?: boolean;
  /** Who the audit event must name, and how they authenticated. */
  actor: string;
  authMethod: 'jwt' | 'api-key' | 'none';
}

interface Sent extends Step {
  id: string;
  reply: Reply<{ code?: string }>;
  category: Category;
  levelBefore: Level;
  levelAfter: Level;
}

/** Sends requests with their own ids and remembers what the audit log must say about each. */
class Session {
  readonly sent: Sent[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly prefix: string,
    public level: Level,
  ) {}

  async send(step: Step): Promise<Reply<{ code?: string }>> {
    const id = `${this.prefix}-${this.sent.length + 1}`;
    const levelBefore = this.level;
    const reply = await call<{ code?: string }>(this.app, step.method, step.url, step.body, { ...step.headers, 'x-request-id': id });
    if (reply.status !== step.status) throw new Error(`${id} ${step.method} ${step.url}: expected ${step.status}, got ${reply.status}: ${reply.text.slice(0, 300)}`);
    if (step.url === '/v1/security/audit-level' && step.method === 'PUT' && reply.status === 200) this.level = (step.body as { level: Level }).level;
    const category: Category =
      reply.status === 401 ? 'authentication' : reply.status === 403 ? 'authorization' : step.access === 'admin' ? 'admin' : step.access === 'write' ? 'write' : 'read';
    this.sent.push({ ...step, id, reply, category, levelBefore, levelAfter: this.level });
    return reply;
  }

  async run(steps: Step[]): Promise<void> {
    for (const step of steps) await this.send(step);
  }

  /** Ids that must have exactly one outcome event. A change of the audit level is recorded whatever the level. */
  expectedOutcomes(): string[] {
    return this.sent.filter((s) => isLevelChange(s) || recordedAt(s.levelAfter, s.category)).map((s) => s.id);
  }

  /** Ids that must have exactly one intent event: allowed writes that reached their handler. */
  expectedIntents(): string[] {
    return this.sent
      .filter((s) => s.method !== 'GET' && s.method !== 'HEAD' && (s.access === 'write' || s.access === 'admin'))
      .filter((s) => s.category === 'write' || s.category === 'admin')
      .filter((s) => s.schemaInvalid !== true && recordedAt(s.levelBefore, s.category))
      .map((s) => s.id);
  }
}

const isLevelChange = (s: Step): boolean => s.method === 'PUT' && s.url === '/v1/security/audit-level';

const DB = 'audited';
const OTHER = 'other';
const VALUES = [1, 0, 0, 0];

interface Callers {
  admin: Record<string, string>;
  writer: Record<string, string>;
  reader: Record<string, string>;
  scopedReader: Record<string, string>;
  readerKey: { headers: Record<string, string>; actor: string };
  writerKey: { headers: Record<string, string>; actor: string };
}

/** One round of a mixed session: reads, writes, admin operations, denials, authentication failures, 404s, 400s. */
function round(r: number, c: Callers): Step[] {
  const jwt = (headers: Record<string, string>, actor: string) => ({ headers, actor, authMethod: 'jwt' as const });
  const admin = jwt(c.admin, 'admin');
  const writer = jwt(c.writer, 'writer');
  const reader = jwt(c.reader, 'reader');
  const nobody = { headers: {}, actor: 'anonymous', authMethod: 'none' as const };
  const bad = badTokens();
  const v = (id: string): string => `/v1/databases/${DB}/vectors/${id}`;
  return [
    { method: 'PUT', url: v(`a${r}`), body: { values: VALUES, metadata: { r } }, access: 'write', status: 200, ...writer },
    { method: 'POST', url: `/v1/databases/${DB}/vectors/batch`, body: { vectors: [{ id: `b${r}`, values: VALUES }, { id: `c${r}`, values: VALUES }] }, access: 'write', status: 201, ...writer },
    { method: 'GET', url: `${v(`a${r}`)}?consistency=strong`, access: 'read', status: 200, ...reader },
    { method: 'POST', url: `/v1/databases/${DB}/search`, body: { vector: VALUES, topK: 2 }, access: 'read', status: 200, ...reader },
    { method: 'POST', url: `/v1/databases/${DB}/vectors/count`, body: {}, access: 'read', status: 200, headers: c.readerKey.headers, actor: c.readerKey.actor, authMethod: 'api-key' },
    { method: 'PATCH', url: v(`a${r}`), body: { metadata: { patched: r } }, access: 'write', status: 200, headers: c.writerKey.headers, actor: c.writerKey.actor, authMethod: 'api-key' },
    { method: 'GET', url: '/v1/databases', access: 'read', status: 200, ...reader },
    { method: 'GET', url: '/health', access: 'public', status: 200, ...nobody },
    // Denied: a reader writing, a writer administering, a scoped reader elsewhere.
    { method: 'PUT', url: v(`x${r}`), body: { values: VALUES }, access: 'write', status: 403, ...reader },
    { method: 'POST', url: '/v1/api-keys', body: { roles: ['admin'], databases: '*' }, access: 'admin', status: 403, ...writer },
    { method: 'POST', url: `/v1/databases/${OTHER}/search`, body: { vector: VALUES }, access: 'read', status: 403, headers: c.scopedReader, actor: 'scoped', authMethod: 'jwt' },
    // Authentication failures.
    { method: 'GET', url: '/v1/databases', access: 'read', status: 401, ...nobody },
    { method: 'DELETE', url: v(`a${r}`), access: 'write', status: 401, headers: bearer(bad.expired), actor: 'anonymous', authMethod: 'none' },
    { method: 'POST', url: '/v1/databases', body: { name: `n${r}`, dimension: 4, metric: 'cosine' }, access: 'admin', status: 401, headers: bearer(bad.algNone), actor: 'anonymous', authMethod: 'none' },
    { method: 'GET', url: '/status', access: 'read', status: 401, headers: apiKey(`jade_${'Z'.repeat(16)}_${'z'.repeat(43)}`), actor: 'anonymous', authMethod: 'none' },
    // Not found: no such route (with and without credentials), no such vector.
    // Unknown routes check no credentials (there is nothing behind them), so the actor is anonymous.
    { method: 'GET', url: `/v1/nothing-here/${r}`, access: 'public', status: 404, headers: c.admin, actor: 'anonymous', authMethod: 'none' },
    { method: 'POST', url: '/nope', body: {}, access: 'public', status: 404, ...nobody },
    { method: 'GET', url: `${v(`missing${r}`)}?consistency=strong`, access: 'read', status: 404, ...reader },
    // Invalid: refused by the schema (no intent), and by the gateway after the intent (wrong dimension).
    { method: 'POST', url: `/v1/databases/${DB}/vectors/batch`, body: { vectors: 'nope' }, access: 'write', status: 400, schemaInvalid: true, ...writer },
    { method: 'PUT', url: v(`d${r}`), body: { values: [1, 2] }, access: 'write', status: 400, ...writer },
    // Deletes and admin operations.
    { method: 'POST', url: `/v1/databases/${DB}/vectors/delete`, body: { ids: [`c${r}`] }, access: 'write', status: 200, ...writer },
    { method: 'DELETE', url: v(`b${r}`), access: 'write', status: 200, ...writer },
    { method: 'PATCH', url: `/v1/databases/${DB}`, body: { description: `round ${r}` }, access: 'admin', status: 200, ...admin },
    { method: 'POST', url: '/v1/api-keys', body: { name: `k${r}`, roles: ['reader'], databases: [DB] }, access: 'admin', status: 201, ...admin },
    { method: 'GET', url: '/v1/api-keys', access: 'admin', status: 200, ...admin },
    { method: 'HEAD', url: '/v1/api-keys', access: 'admin', status: 200, ...admin },
    { method: 'GET', url: '/v1/security/audit-level', access: 'admin', status: 200, ...admin },
    { method: 'GET', url: '/v1/security/audit-log?limit=3', access: 'admin', status: 200, ...admin },
  ];
}

describe('audit events on the audit topic', () => {
  let s: SecureServer;
  let setup: Session;
  let callers: Callers;
  const rounds = 3;

  beforeAll(async () => {
    s = await startSecureServer({ auditLevel: 'all' });
    setup = new Session(s.app, 'setup', 'all');
    const admin = { headers: bearer(token(['admin'], '*', 'admin')), actor: 'admin', authMethod: 'jwt' as const };
    const jwt = (roles: Role[], databases: '*' | string[], subject: string) => bearer(token(roles, databases, subject));
    for (const name of [DB, OTHER]) await setup.send({ method: 'POST', url: '/v1/databases', body: { name, dimension: 4, metric: 'cosine' }, access: 'admin', status: 201, ...admin });
    const key = async (roles: Role[]) => {
      const reply = await setup.send({ method: 'POST', url: '/v1/api-keys', body: { roles, databases: [DB] }, access: 'admin', status: 201, ...admin });
      const created = reply.body as { keyId: string; key: string };
      return { headers: apiKey(created.key), actor: `key:${created.keyId}` };
    };
    callers = {
      admin: admin.headers,
      writer: jwt(['writer'], '*', 'writer'),
      reader: jwt(['reader'], '*', 'reader'),
      scopedReader: jwt(['reader'], [DB], 'scoped'),
      readerKey: await key(['reader']),
      writerKey: await key(['writer']),
    };
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
  }, 30_000);

  /** Runs `rounds` rounds and a closing level change (always recorded, so once it is on the topic all before it are). */
  async function phase(prefix: string, level: Level, from: Level): Promise<Session> {
    const session = new Session(s.app, prefix, from);
    const admin = { headers: callers.admin, actor: 'admin', authMethod: 'jwt' as const };
    await session.send({ method: 'PUT', url: '/v1/security/audit-level', body: { level }, access: 'admin', status: 200, ...admin });
    for (let r = 0; r < rounds; r++) await session.run(round(r + rounds * RANK[level], callers));
    // A non-admin may not change the level; the attempt is recorded as a denial.
    await session.send({ method: 'PUT', url: '/v1/security/audit-level', body: { level: 'off' }, access: 'admin', status: 403, headers: callers.writer, actor: 'writer', authMethod: 'jwt' });
    await session.send({ method: 'PUT', url: '/v1/security/audit-level', body: { level }, access: 'admin', status: 200, ...admin });
    return session;
  }

  /** Waits for the session's last event, then checks the topic holds exactly the events it must. */
  async function verify(session: Session): Promise<{ outcomes: number; intents: number; requests: number }> {
    const last = session.sent[session.sent.length - 1]!.id;
    const events = await waitFor(
      async () => {
        const all = await auditEvents(s.server);
        return all.some((e) => e.requestId === last && e.kind === 'outcome') ? all : undefined;
      },
      { timeoutMs: 20_000, what: `the outcome event of ${last}` },
    );
    const ids = new Set(session.sent.map((x) => x.id));
    const mine = events.filter((e) => ids.has(e.requestId));
    const outcomes = mine.filter((e) => e.kind === 'outcome');
    const intents = mine.filter((e) => e.kind === 'intent');
    // Exactly one outcome per request that the level records: sorted lists show duplicates and misses alike.
    expect(outcomes.map((e) => e.requestId).sort()).toEqual(session.expectedOutcomes().sort());
    expect(intents.map((e) => e.requestId).sort()).toEqual(session.expectedIntents().sort());

    const byId = new Map(session.sent.map((x) => [x.id, x]));
    const wrong = outcomes.flatMap((e) => {
      const sent = byId.get(e.requestId)!;
      const want = {
        statusCode: sent.reply.status,
        category: sent.category,
        outcome: sent.reply.status === 401 || sent.reply.status === 403 ? 'denied' : sent.reply.status < 400 ? 'success' : 'error',
        actor: sent.actor,
        authMethod: sent.authMethod,
        errorCode: sent.reply.status >= 400 && sent.method !== 'HEAD' ? (sent.reply.body?.code ?? null) : null,
      };
      const got = { statusCode: e.statusCode, category: e.category, outcome: e.outcome, actor: e.actor, authMethod: e.authMethod, errorCode: e.errorCode };
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${e.requestId} ${sent.method} ${sent.url}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`];
    });
    expect(wrong).toEqual([]);
    for (const intent of intents) {
      expect(intent).toMatchObject({ outcome: 'unknown', statusCode: null, category: byId.get(intent.requestId)!.category });
      expect(typeof intent.latencyMs === 'number' || intent.latencyMs === null).toBe(true);
    }
    return { outcomes: outcomes.length, intents: intents.length, requests: session.sent.length };
  }

  it('level all: N requests (reads, writes, admin, denied, auth failures, 404s, 400s) -> exactly N outcome events, one per request id, and one intent per write', async () => {
    const session = await phase('all', 'all', 'all');
    const figures = await verify(session);
    expect(figures.outcomes).toBe(figures.requests);
    // The set-up requests too: every request since the server started has its one outcome.
    const setupFigures = await verify(setup);
    expect(setupFigures.outcomes).toBe(setup.sent.length);
    const denied = session.sent.filter((x) => x.reply.status === 401 || x.reply.status === 403).length;
    console.log(`audit level all: ${figures.requests} requests -> ${figures.outcomes} outcome events (${denied} denied), ${figures.intents} intents`);
    expect(denied).toBeGreaterThan(20);
    expect(figures.intents).toBeGreaterThan(20);
  }, 60_000);

  it('level security: only authentication failures, denials and admin operations', async () => {
    const session = await phase('sec', 'security', 'all');
    const figures = await verify(session);
    const events = (await auditEvents(s.server)).filter((e) => e.requestId.startsWith('sec-'));
    expect(new Set(events.map((e) => e.category))).toEqual(new Set(['authentication', 'authorization', 'admin']));
    expect(figures.outcomes).toBeLessThan(figures.requests);
    console.log(`audit level security: ${figures.requests} requests -> ${figures.outcomes} outcome events, ${figures.intents} intents (admin writes)`);
  }, 60_000);

  it('level write: security events and data changes, no reads', async () => {
    const session = await phase('wr', 'write', 'security');
    const figures = await verify(session);
    const events = (await auditEvents(s.server)).filter((e) => e.requestId.startsWith('wr-'));
    expect(new Set(events.map((e) => e.category))).toEqual(new Set(['authentication', 'authorization', 'admin', 'write']));
    console.log(`audit level write: ${figures.requests} requests -> ${figures.outcomes} outcome events, ${figures.intents} intents`);
  }, 60_000);

  it('level off: nothing but the changes of the level itself, which are always audited', async () => {
    const session = await phase('off', 'off', 'write');
    const figures = await verify(session);
    const events = (await auditEvents(s.server)).filter((e) => e.requestId.startsWith('off-'));
    // Turning auditing off, the refused attempt to change it, and setting it again.
    expect(events.filter((e) => e.kind === 'outcome').map((e) => e.action)).toEqual(['audit_level.set', 'audit_level.set', 'audit_level.set']);
    expect(figures.outcomes).toBe(3);
    // Back to all: the change is recorded although the level was off when it started.
    const back = new Session(s.app, 'back', 'off');
    await back.send({ method: 'PUT', url: '/v1/security/audit-level', body: { level: 'all' }, access: 'admin', status: 200, headers: callers.admin, actor: 'admin', authMethod: 'jwt' });
    await verify(back);
  }, 60_000);

  it('writes the intent, durably, before the data', async () => {
    const { backbone, topics } = s.server.foundation;
    const order: string[] = [];
    const produce = backbone.produce.bind(backbone);
    const spy = jest.spyOn(backbone, 'produce').mockImplementation(async (topic: string, records: ProduceRecord[]) => {
      order.push(`start ${topic}`);
      const acks = await produce(topic, records);
      order.push(`acked ${topic}`);
      return acks;
    });
    try {
      await call(s.app, 'PUT', `/v1/databases/${DB}/vectors/ordered`, { values: VALUES }, { ...callers.writer, 'x-request-id': 'ordered-1' });
    } finally {
      spy.mockRestore();
    }
    const firstData = order.indexOf(`start ${topics.names.vectors}`);
    expect(firstData).toBeGreaterThan(0);
    expect(order.slice(0, firstData)).toEqual([`start ${topics.names.audit}`, `acked ${topics.names.audit}`]);
  });
});

describe('when the audit log cannot be written', () => {
  /** Makes every produce to the audit topic fail, as a broker refusing it would. */
  function breakAudit(s: SecureServer): jest.SpyInstance {
    const { backbone, topics } = s.server.foundation;
    const produce = backbone.produce.bind(backbone);
    return jest.spyOn(backbone, 'produce').mockImplementation((topic: string, records: ProduceRecord[]) =>
      topic === topics.names.audit ? Promise.reject(new Error('audit topic unavailable (test)')) : produce(topic, records),
    );
  }

  it('fail-closed (the default): writes and admin operations are refused with 503 and nothing is written; reads go on', async () => {
    // Level all: the read's outcome event fails too, in the background, without failing the read.
    const s = await startSecureServer({ auditLevel: 'all' });
    const admin = bearer(token(['admin']));
    try {
      expect((await call(s.app, 'POST', '/v1/databases', { name: DB, dimension: 4, metric: 'cosine' }, admin)).status).toBe(201);
      const { backbone, topics } = s.server.foundation;
      const before = { vectors: await backbone.endOffsets(topics.names.vectors), databases: await backbone.endOffsets(topics.names.databases) };
      const spy = breakAudit(s);
      let refused: Reply<{ code: string }>[];
      try {
        refused = [
          await call(s.app, 'PUT', `/v1/databases/${DB}/vectors/v1`, { values: VALUES }, admin),
          await call(s.app, 'POST', `/v1/databases/${DB}/vectors/batch`, { vectors: [{ id: 'v2', values: VALUES }] }, admin),
          await call(s.app, 'DELETE', `/v1/databases/${DB}/vectors/v3`, undefined, admin),
          await call(s.app, 'POST', '/v1/databases', { name: 'not-created', dimension: 4, metric: 'cosine' }, admin),
        ];
        expect((await call(s.app, 'GET', `/v1/databases/${DB}`, undefined, admin)).status).toBe(200);
      } finally {
        spy.mockRestore();
      }
      expect(refused.map((r) => [r.status, r.body.code])).toEqual(Array.from({ length: 4 }, () => [503, 'JADE_ERR_AUDIT_UNAVAILABLE']));
      // Nothing reached the log: not the vectors, not the database.
      expect(await backbone.endOffsets(topics.names.vectors)).toEqual(before.vectors);
      expect(await backbone.endOffsets(topics.names.databases)).toEqual(before.databases);
      expect((await call(s.app, 'GET', `/v1/databases/${DB}/vectors/v1?consistency=strong`, undefined, admin)).status).toBe(404);
      expect((await call(s.app, 'GET', '/v1/databases/not-created', undefined, admin)).status).toBe(404);
      // Once the audit log is back (the outcome events kept meanwhile are written at the next retry), the same write
      // goes through.
      await waitFor(async () => (await call(s.app, 'PUT', `/v1/databases/${DB}/vectors/v1`, { values: VALUES }, admin)).status === 200, { timeoutMs: 10_000, what: 'writes to be accepted again' });
    } finally {
      await s.stop();
    }
  }, 60_000);

  it('fail-open: the write succeeds, the intent not written is counted, and its outcome is kept until it can be written', async () => {
    const s = await startSecureServer({ auditLevel: 'write', auditFailOpen: true });
    const admin = bearer(token(['admin']));
    try {
      expect((await call(s.app, 'POST', '/v1/databases', { name: DB, dimension: 4, metric: 'cosine' }, admin)).status).toBe(201);
      const stats = async (): Promise<{ failedOpen: number; writeFailures: number }> => (await call<{ failedOpen: number; writeFailures: number }>(s.app, 'GET', '/v1/security/audit-level', undefined, admin)).body;
      const before = await stats();
      const spy = breakAudit(s);
      try {
        expect((await call(s.app, 'PUT', `/v1/databases/${DB}/vectors/v1`, { values: VALUES }, { ...admin, 'x-request-id': 'open-intent' })).status).toBe(200);
        // The intent failed before the data was produced; the outcome fails in the background and is retried.
        expect((await stats()).failedOpen).toBe(before.failedOpen + 1);
        await waitFor(async () => (await stats()).writeFailures >= before.writeFailures + 1, { timeoutMs: 10_000, what: 'the failed outcome write to be counted' });
      } finally {
        spy.mockRestore();
      }
      expect((await call(s.app, 'GET', `/v1/databases/${DB}/vectors/v1?consistency=strong`, undefined, admin)).status).toBe(200);
      await waitFor(async () => (await auditEvents(s.server)).some((e) => e.requestId === 'open-intent' && e.kind === 'outcome'), { timeoutMs: 10_000, what: 'the retried outcome event' });
    } finally {
      await s.stop();
    }
  }, 60_000);
});

describe('when outcome events cannot be written (the intent can)', () => {
  /** Makes produces of outcome events to the audit topic fail (`fail`) or wait until released (`hang`); intents pass. */
  function breakOutcomes(s: SecureServer, mode: 'fail' | 'hang'): { spy: jest.SpyInstance; release: () => void } {
    const { backbone, codec, topics } = s.server.foundation;
    const produce = backbone.produce.bind(backbone);
    const held: (() => void)[] = [];
    let released = false;
    const spy = jest.spyOn(backbone, 'produce').mockImplementation(async (topic: string, records: ProduceRecord[]) => {
      const outcomes = topic === topics.names.audit && records.some((r) => (codec.decode(r.value!) as AuditEventRecord).kind === 'outcome');
      if (outcomes && mode === 'fail') throw new Error('audit topic refuses outcome events (test)');
      if (outcomes && !released) await new Promise<void>((resolve) => held.push(resolve));
      return produce(topic, records);
    });
    return {
      spy,
      release: () => {
        released = true;
        for (const resolve of held.splice(0)) resolve();
      },
    };
  }

  const outcomeOf = (events: AuditEventRecord[], requestId: string): AuditEventRecord[] => events.filter((e) => e.requestId === requestId && e.kind === 'outcome');

  it('fail-closed: a failed outcome write is retried until written; meanwhile writes are refused with 503, reads go on', async () => {
    const s = await startSecureServer({ auditLevel: 'write' });
    const admin = bearer(token(['admin']));
    try {
      expect((await call(s.app, 'POST', '/v1/databases', { name: DB, dimension: 4, metric: 'cosine' }, admin)).status).toBe(201);
      const { spy } = breakOutcomes(s, 'fail');
      let refused: Reply<{ code: string }>;
      try {
        // The intent is written, the data too; the outcome event fails in the background and stays queued.
        expect((await call(s.app, 'PUT', `/v1/databases/${DB}/vectors/v1`, { values: VALUES }, { ...admin, 'x-request-id': 'kept-1' })).status).toBe(200);
        refused = await waitFor(
          async () => {
            const reply = await call<{ code: string }>(s.app, 'PUT', `/v1/databases/${DB}/vectors/v2`, { values: VALUES }, admin);
            return reply.status === 503 ? reply : undefined;
          },
          { timeoutMs: 5_000, what: 'writes to be refused while outcome events cannot be written' },
        );
        expect(refused.body.code).toBe('JADE_ERR_AUDIT_UNAVAILABLE');
        expect(refused.headers['retry-after']).toBeDefined();
        expect((await call(s.app, 'POST', '/v1/databases', { name: 'not-created', dimension: 4, metric: 'cosine' }, admin)).body).toMatchObject({ code: 'JADE_ERR_AUDIT_UNAVAILABLE' });
        expect((await call(s.app, 'GET', `/v1/databases/${DB}/vectors/v1?consistency=strong`, undefined, admin)).status).toBe(200);
        const stats = (await call<Record<string, unknown>>(s.app, 'GET', '/v1/security/audit-level', undefined, admin)).body;
        expect(stats).toMatchObject({ writable: false, failOpen: false, queueLimit: 10_000 });
        expect(stats.queued).toBeGreaterThanOrEqual(1);
        expect(stats.writeFailures).toBeGreaterThanOrEqual(1);
        expect(stats.refused).toBeGreaterThanOrEqual(2);
        expect(outcomeOf(await auditEvents(s.server), 'kept-1')).toEqual([]);
      } finally {
        spy.mockRestore();
      }
      // Once the audit log takes writes again, the kept outcome is written (once) and writes go through again.
      await waitFor(async () => (await call(s.app, 'PUT', `/v1/databases/${DB}/vectors/v2`, { values: VALUES }, admin)).status === 200, { timeoutMs: 10_000, what: 'writes to be accepted again' });
      const events = await waitFor(async () => {
        const all = await auditEvents(s.server);
        return outcomeOf(all, 'kept-1').length > 0 ? all : undefined;
      }, { timeoutMs: 10_000, what: 'the retried outcome event' });
      expect(outcomeOf(events, 'kept-1')).toMatchObject([{ statusCode: 200, outcome: 'success', category: 'write' }]);
      expect((await call(s.app, 'GET', '/v1/databases/not-created', undefined, admin)).status).toBe(404);
    } finally {
      await s.stop();
    }
  }, 60_000);

  it('fail-closed: the queue never holds more than auditQueueLimit; when it is full writes are refused with 503 and nothing queued is lost', async () => {
    const s = await startSecureServer({ auditLevel: 'write', auditQueueLimit: 3 });
    const admin = bearer(token(['admin']));
    try {
      expect((await call(s.app, 'POST', '/v1/databases', { name: DB, dimension: 4, metric: 'cosine' }, admin)).status).toBe(201);
      await waitFor(async () => ((await call<{ queued: number }>(s.app, 'GET', '/v1/security/audit-level', undefined, admin)).body.queued === 0 ? true : undefined), { what: 'an empty queue' });
      const { spy, release } = breakOutcomes(s, 'hang');
      const statuses: [string, number, string | undefined][] = [];
      try {
        for (let i = 1; i <= 8; i++) {
          const reply = await call<{ code?: string }>(s.app, 'PUT', `/v1/databases/${DB}/vectors/q${i}`, { values: VALUES }, { ...admin, 'x-request-id': `full-${i}` });
          statuses.push([`full-${i}`, reply.status, reply.body?.code]);
        }
        // Reads go on. Admin reads too (never refused); with the queue full, their outcome events go to the process
        // log and are counted, like those of the refused writes.
        expect((await call(s.app, 'GET', `/v1/databases/${DB}`, undefined, admin)).status).toBe(200);
        const stats = (await call<Record<string, unknown>>(s.app, 'GET', '/v1/security/audit-level', undefined, admin)).body;
        expect(stats).toMatchObject({ writable: true, queued: 3, queueLimit: 3, refused: 5 });
        expect(stats.overflowed).toBeGreaterThanOrEqual(5);
      } finally {
        spy.mockRestore();
        release();
      }
      // Three slots: three writes admitted (their outcomes wait for the audit log), then refusals.
      expect(statuses).toEqual([
        ['full-1', 200, undefined],
        ['full-2', 200, undefined],
        ['full-3', 200, undefined],
        ...[4, 5, 6, 7, 8].map((i) => [`full-${i}`, 503, 'JADE_ERR_AUDIT_UNAVAILABLE']),
      ]);
      const events = await waitFor(async () => {
        const all = await auditEvents(s.server);
        return ['full-1', 'full-2', 'full-3'].every((id) => outcomeOf(all, id).length === 1) ? all : undefined;
      }, { timeoutMs: 10_000, what: 'the queued outcome events' });
      expect(['full-1', 'full-2', 'full-3'].map((id) => outcomeOf(events, id)[0]?.statusCode)).toEqual([200, 200, 200]);
      // Refused writes produced nothing.
      for (const i of [4, 8]) expect((await call(s.app, 'GET', `/v1/databases/${DB}/vectors/q${i}?consistency=strong`, undefined, admin)).status).toBe(404);
      await waitFor(async () => (await call(s.app, 'PUT', `/v1/databases/${DB}/vectors/q9`, { values: VALUES }, admin)).status === 200, { timeoutMs: 10_000, what: 'writes to be accepted again' });
    } finally {
      await s.stop();
    }
  }, 60_000);

  it('fail-open: writes go on while outcome events cannot be written; failures are counted and the events retried', async () => {
    const s = await startSecureServer({ auditLevel: 'write', auditFailOpen: true });
    const admin = bearer(token(['admin']));
    try {
      expect((await call(s.app, 'POST', '/v1/databases', { name: DB, dimension: 4, metric: 'cosine' }, admin)).status).toBe(201);
      const { spy } = breakOutcomes(s, 'fail');
      try {
        for (let i = 1; i <= 5; i++) {
          expect((await call(s.app, 'PUT', `/v1/databases/${DB}/vectors/o${i}`, { values: VALUES }, { ...admin, 'x-request-id': `open-${i}` })).status).toBe(200);
        }
        await waitFor(async () => ((await call<{ writeFailures: number }>(s.app, 'GET', '/v1/security/audit-level', undefined, admin)).body.writeFailures >= 2 ? true : undefined), {
          timeoutMs: 10_000,
          what: 'failed writes to be counted',
        });
        expect((await call<{ refused: number }>(s.app, 'GET', '/v1/security/audit-level', undefined, admin)).body.refused).toBe(0);
      } finally {
        spy.mockRestore();
      }
      await waitFor(async () => {
        const all = await auditEvents(s.server);
        return [1, 2, 3, 4, 5].every((i) => outcomeOf(all, `open-${i}`).length === 1) ? true : undefined;
      }, { timeoutMs: 10_000, what: 'the retried outcome events' });
    } finally {
      await s.stop();
    }
  }, 60_000);
});

describe('local audit sink', () => {
  // A subject that tries to forge extra lines and fields in each format.
  const tricky = 'eve "x" = | \\ y\nCEF:0|forged|line';

  it.each(['json', 'logfmt', 'cef'] as const)('%s: one parseable line per event, the same events as the topic', async (format) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-sec-sink-'));
    const file = path.join(dir, `audit.${format}`);
    const s = await startSecureServer({ auditLevel: 'all', auditSinkFile: file, auditSinkFormat: format });
    try {
      const admin = bearer(token(['admin'], '*', tricky));
      const ids: string[] = [];
      const send = async (method: Method, url: string, body: unknown, headers: Record<string, string>): Promise<void> => {
        const id = `sink-${ids.length + 1}`;
        ids.push(id);
        await call(s.app, method, url, body, { ...headers, 'x-request-id': id });
      };
      await send('POST', '/v1/databases', { name: DB, dimension: 4, metric: 'cosine' }, admin);
      await send('PUT', `/v1/databases/${DB}/vectors/v1`, { values: VALUES, metadata: { note: 'a=b c|d' } }, admin);
      await send('GET', '/v1/databases', undefined, {});
      await send('GET', '/v1/x=y|z%0Aq', undefined, admin);
      await send('GET', `/v1/databases/${DB}/vectors/v1?consistency=strong`, undefined, admin);
      const last = ids[ids.length - 1]!;
      const events = await waitFor(
        async () => {
          const all = await auditEvents(s.server);
          return all.some((e) => e.requestId === last && e.kind === 'outcome') ? all : undefined;
        },
        { timeoutMs: 20_000, what: 'the last outcome event' },
      );
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(events.length);
      const parsed = lines.map((line) => parseSinkLine(format, line));
      // The same events as on the topic, field for field where the format carries them.
      const key = (e: { requestId: string; kind: string }): string => `${e.requestId}/${e.kind}`;
      expect(parsed.map(key).sort()).toEqual(events.map(key).sort());
      const byKey = new Map(events.map((e) => [key(e), e]));
      for (const line of parsed) {
        const event = byKey.get(key(line))!;
        expect(line.actor).toBe(event.actor);
        expect(line.outcome).toBe(event.outcome);
        expect(line.route).toBe(event.route);
        expect(line.status).toBe(event.statusCode === null ? '' : String(event.statusCode));
      }
      expect(parsed.filter((line) => line.actor === tricky).length).toBeGreaterThan(3);
      console.log(`audit sink ${format}: ${lines.length} lines for ${events.length} events on the topic`);
    } finally {
      await s.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

interface SinkLine {
  requestId: string;
  kind: string;
  actor: string;
  outcome: string;
  route: string;
  status: string;
}

/** Parses one sink line strictly: anything left over or malformed throws. */
function parseSinkLine(format: 'json' | 'logfmt' | 'cef', line: string): SinkLine {
  switch (format) {
    case 'json': {
      const e = JSON.parse(line) as Record<string, unknown>;
      expect(Number.isNaN(Date.parse(String(e['@timestamp'])))).toBe(false);
      return { requestId: String(e.requestId), kind: String(e.kind), actor: String(e.actor), outcome: String(e.outcome), route: String(e.route), status: typeof e.statusCode === 'number' ? String(e.statusCode) : '' };
    }
    case 'logfmt': {
      const fields: Record<string, string> = {};
      const pair = /([A-Za-z@_][\w.]*)=("(?:[^"\\]|\\.)*"|[^\s"=]+)(?: |$)/y;
      while (pair.lastIndex < line.length) {
        const at = pair.lastIndex;
        const m = pair.exec(line);
        if (m === null) throw new Error(`logfmt: cannot parse at ${at}: ${line.slice(at, at + 40)}`);
        fields[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
      }
      return { requestId: fields.requestId!, kind: fields.kind!, actor: fields.actor!, outcome: fields.outcome!, route: fields.route!, status: fields.statusCode ?? '' };
    }
    case 'cef': {
      // Header: seven |-separated fields (a literal | escaped as \|), then the extension.
      const header = /^CEF:0\|JadeVectorDB\|JadeVectorDB\|1\|((?:[^|\\]|\\.)*)\|((?:[^|\\]|\\.)*)\|([0-9]+)\|/.exec(line);
      if (header === null) throw new Error(`cef: bad header: ${line.slice(0, 80)}`);
      const ext: Record<string, string> = {};
      // Extension: key=value pairs; a value runs to the next unescaped " key=", with \= \\ \n escaped.
      const rest = line.slice(header[0].length);
      const pair = /([A-Za-z0-9]+)=((?:[^=\\]|\\.)*?)(?= [A-Za-z0-9]+=|$)/gy;
      let m: RegExpExecArray | null;
      let consumed = 0;
      while ((m = pair.exec(rest)) !== null) {
        if (m[0] === '') break;
        ext[m[1]!] = m[2]!.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
        consumed = pair.lastIndex;
        if (rest[pair.lastIndex] === ' ') pair.lastIndex += 1;
      }
      if (consumed !== rest.length) throw new Error(`cef: cannot parse extension at ${consumed}: ${rest.slice(consumed, consumed + 40)}`);
      const kind = header[2]!.split(' ')[0]!;
      return { requestId: ext.cs2!, kind, actor: ext.suser!, outcome: ext.outcome!, route: ext.request!, status: ext.cn2 ?? '' };
    }
    default:
      throw new Error('unknown format');
  }
}
