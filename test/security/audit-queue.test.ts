/**
 * The audit log's outcome queue (src/security/audit.ts) against an audit topic that fails, hangs and recovers: the
 * queue is bounded, outcome events that fail to be written are retried (with growing waits) until they are, reads are
 * the only events dropped when it is full, and fail-closed refuses writes and admin operations while it cannot take
 * their events.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { isJadeError } from '../../src/errors';
import type { Backbone, ProduceAck, ProduceRecord } from '../../src/log/backbone';
import { RecordCodec } from '../../src/log/codec';
import type { AuditEventRecord } from '../../src/log/records';
import { AuditLog, type AuditCategory, type AuditEvent } from '../../src/security/audit';
import { waitFor } from '../helpers/wait';

const codec = RecordCodec.load();
const TOPIC = 'jade.audit';

/** An audit topic that accepts, refuses (`fail`) or holds every produce until released (`hang`). */
class AuditTopic {
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  readonly written: AuditEventRecord[] = [];
  /** When each produce was attempted (ms, monotonic). */
  readonly attempts: number[] = [];
  private held: (() => void)[] = [];
  readonly backbone = { kind: 'embedded', produce: (topic: string, records: ProduceRecord[]) => this.produce(topic, records) } as unknown as Backbone;

  private async produce(topic: string, records: ProduceRecord[]): Promise<ProduceAck[]> {
    expect(topic).toBe(TOPIC);
    this.attempts.push(performance.now());
    if (this.mode === 'hang') await new Promise<void>((resolve) => this.held.push(resolve));
    if (this.mode === 'fail') throw new Error('audit topic unavailable (test)');
    for (const record of records) this.written.push(codec.decode(record.value!) as AuditEventRecord);
    return records.map((_, i) => ({ partition: 0, offset: this.written.length - records.length + i }));
  }

  /** Answers the held produces: written if the mode is `ok` by then, refused if `fail`. */
  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }

  ids(kind: AuditEventRecord['kind'] = 'outcome'): string[] {
    return this.written.filter((e) => e.kind === kind).map((e) => e.requestId);
  }
}

/** A logger whose lines the test reads back. */
function capturedLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

function event(requestId: string, category: AuditCategory, kind: AuditEvent['kind'] = 'outcome'): AuditEvent {
  return {
    kind,
    requestId,
    action: category === 'read' ? 'search' : 'vectors.upsert',
    category,
    outcome: kind === 'intent' ? 'unknown' : category === 'authentication' ? 'denied' : 'success',
    actor: 'tester',
    roles: ['writer'],
    authMethod: 'jwt',
    sourceAddress: '127.0.0.1',
    route: 'PUT /v1/databases/:db/vectors/:id',
    database: 'db',
    recordCount: 1,
    statusCode: kind === 'intent' ? null : 200,
    latencyMs: kind === 'intent' ? null : 1,
    errorCode: null,
  };
}

function auditLog(topic: AuditTopic, options: { failOpen: boolean; queueLimit: number; logger?: pino.Logger }): AuditLog {
  return new AuditLog({
    backbone: topic.backbone,
    codec,
    topic: TOPIC,
    level: 'all',
    failOpen: options.failOpen,
    queueLimit: options.queueLimit,
    retry: { firstDelayMs: 10, maxDelayMs: 40 },
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

/** The 503 a refused request answers with. */
function refusal(fn: () => unknown): { code: string; status: number } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!isJadeError(err)) throw err;
    return { code: err.code, status: err.statusCode };
  }
}
const UNAVAILABLE = { code: 'JADE_ERR_AUDIT_UNAVAILABLE', status: 503 };

describe('audit outcome events that cannot be written', () => {
  const logs: { log: AuditLog; topic: AuditTopic }[] = [];
  const track = (log: AuditLog, topic: AuditTopic): AuditLog => {
    logs.push({ log, topic });
    return log;
  };
  afterEach(async () => {
    for (const { log, topic } of logs.splice(0)) {
      topic.mode = 'ok';
      topic.release();
      await log.close();
    }
  });

  it('fail-closed: a failed outcome write is retried, with growing waits, and written once the topic recovers', async () => {
    const topic = new AuditTopic();
    topic.mode = 'fail';
    const audit = track(auditLog(topic, { failOpen: false, queueLimit: 10 }), topic);
    audit.outcome(event('w1', 'write'));
    audit.outcome(event('a1', 'admin'));
    await waitFor(() => topic.attempts.length >= 5, { timeoutMs: 5_000, what: 'five attempts to write the outcome events' });
    expect(topic.written).toEqual([]);
    // Waits double from 10 ms up to 40 ms (timers may fire up to a millisecond early).
    const gaps = topic.attempts.slice(1, 5).map((t, i) => t - topic.attempts[i]!);
    [10, 20, 40, 40].forEach((least, i) => expect(gaps[i]).toBeGreaterThanOrEqual(least - 2));

    topic.mode = 'ok';
    await waitFor(() => topic.written.length === 2, { timeoutMs: 5_000, what: 'the retried events to be written' });
    expect(topic.ids()).toEqual(['w1', 'a1']);
    expect(audit.queued).toBe(0);
    expect(audit.writeFailures).toBeGreaterThanOrEqual(4);
  });

  it('fail-closed: while outcome events cannot be written, writes and admin operations are refused with 503 until they are', async () => {
    const topic = new AuditTopic();
    const audit = track(auditLog(topic, { failOpen: false, queueLimit: 10 }), topic);
    const first = audit.admit('write');
    expect(first).toBeDefined();
    topic.mode = 'fail';
    audit.outcome(event('w1', 'write'), { reservation: first });
    await waitFor(() => !audit.writable, { timeoutMs: 5_000, what: 'the failed write to be noticed' });

    // Refused: writes and admin operations. Not refused: reads (their events are queued, best effort).
    expect(refusal(() => audit.admit('write'))).toEqual(UNAVAILABLE);
    expect(refusal(() => audit.admit('admin'))).toEqual(UNAVAILABLE);
    expect(audit.refused).toBe(2);
    audit.outcome(event('r1', 'read'));
    expect(audit.queued).toBe(2);

    topic.mode = 'ok';
    await waitFor(() => audit.writable && audit.queued === 0, { timeoutMs: 5_000, what: 'the audit log to recover' });
    expect(topic.ids()).toEqual(['w1', 'r1']);
    const again = audit.admit('write');
    expect(again).toBeDefined();
    audit.outcome(event('w2', 'write'), { reservation: again });
    await audit.flush();
    expect(topic.ids()).toEqual(['w1', 'r1', 'w2']);
  });

  it('fail-closed: the queue never exceeds its bound; when full, mutations are refused, reads dropped and counted, nothing reserved lost', async () => {
    const { logger, lines } = capturedLogger();
    const topic = new AuditTopic();
    topic.mode = 'hang';
    const limit = 5;
    const audit = track(auditLog(topic, { failOpen: false, queueLimit: limit, logger }), topic);
    const admitted: string[] = [];
    const refused: string[] = [];
    let most = 0;
    for (let i = 0; i < 40; i++) {
      const id = `w${i}`;
      audit.outcome(event(`r${i}`, 'read'));
      most = Math.max(most, audit.queued);
      const answer = refusal(() => {
        const reservation = audit.admit(i % 2 === 0 ? 'write' : 'admin');
        // A request admitted while the queue had room always gets its outcome event queued: the slot is its own.
        audit.outcome(event(`r${i}b`, 'read'));
        audit.outcome(event(id, i % 2 === 0 ? 'write' : 'admin'), { reservation });
      });
      if (answer === undefined) admitted.push(id);
      else {
        expect(answer).toEqual(UNAVAILABLE);
        refused.push(id);
        // The refused request's own outcome: it changed nothing, and finds no room. Logged and counted, not queued.
        audit.outcome(event(id, 'write'));
      }
      most = Math.max(most, audit.queued);
      audit.outcome(event(`auth${i}`, 'authentication'));
      most = Math.max(most, audit.queued);
    }
    expect(most).toBe(limit);
    expect(audit.queued).toBeLessThanOrEqual(limit);
    expect(admitted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(30);
    expect(audit.refused).toBe(refused.length);
    expect(audit.dropped).toBeGreaterThan(30);
    expect(audit.overflowed).toBeGreaterThan(30);
    // Nothing is dropped silently but reads: every other event that found no room is in the process log.
    const overflowLines = lines.filter((l) => l.component === 'audit' && (l.event as { requestId?: string } | undefined)?.requestId !== undefined);
    expect(overflowLines.length).toBe(audit.overflowed);
    expect(overflowLines.map((l) => (l.event as { requestId: string }).requestId)).toEqual(expect.arrayContaining(refused));

    topic.mode = 'ok';
    topic.release();
    await waitFor(() => audit.queued === 0, { timeoutMs: 5_000, what: 'the queue to drain' });
    // Every admitted request's outcome was written, in order.
    const writtenMutations = topic.ids().filter((id) => id.startsWith('w'));
    expect(writtenMutations).toEqual(admitted);
    expect(refusal(() => audit.admit('write'))).toBeUndefined();
  });

  it('a reserved outcome always fits: reads give way to it', async () => {
    const topic = new AuditTopic();
    topic.mode = 'hang';
    const audit = track(auditLog(topic, { failOpen: false, queueLimit: 3 }), topic);
    const reservations = [audit.admit('write'), audit.admit('write'), audit.admit('admin')];
    expect(refusal(() => audit.admit('write'))).toEqual(UNAVAILABLE);
    audit.outcome(event('r1', 'read'));
    expect(audit.dropped).toBe(1);
    reservations.forEach((reservation, i) => audit.outcome(event(`w${i}`, 'write'), { reservation }));
    expect(audit.queued).toBe(3);
    topic.mode = 'ok';
    topic.release();
    await audit.flush();
    expect(topic.ids()).toEqual(['w0', 'w1', 'w2']);
  });

  it('fail-open: nothing is refused or blocks; failures are counted and logged, queued events still retried', async () => {
    const { logger, lines } = capturedLogger();
    const topic = new AuditTopic();
    topic.mode = 'fail';
    const audit = track(auditLog(topic, { failOpen: true, queueLimit: 3, logger }), topic);
    // The intent is not written: counted, and the request goes on.
    await expect(audit.intent(event('w0', 'write', 'intent'))).resolves.toBeUndefined();
    expect(audit.failedOpen).toBe(1);
    for (let i = 0; i < 10; i++) {
      expect(refusal(() => audit.outcome(event(`w${i}`, 'write'), { reservation: audit.admit('write') }))).toBeUndefined();
      expect(audit.queued).toBeLessThanOrEqual(3);
    }
    await waitFor(() => audit.writeFailures >= 2, { timeoutMs: 5_000, what: 'failed writes to be counted' });
    expect(audit.refused).toBe(0);
    // Three fit; the other seven were counted and logged.
    expect(audit.failedOpen).toBe(1 + 7);
    const logged = lines.filter((l) => l.component === 'audit');
    // The intent and the seven outcomes are in the process log, whole.
    expect(logged.filter((l) => (l.event as { requestId?: string } | undefined)?.requestId !== undefined)).toHaveLength(8);
    expect(logged.some((l) => /could not be written/.test(String(l.msg)))).toBe(true);

    topic.mode = 'ok';
    await waitFor(() => audit.queued === 0, { timeoutMs: 5_000, what: 'the queue to drain' });
    expect(topic.ids()).toEqual(['w0', 'w1', 'w2']);
  });

  it('flush does not wait through retries, and close gives up after one last attempt, logging what it could not write', async () => {
    const { logger, lines } = capturedLogger();
    const topic = new AuditTopic();
    topic.mode = 'fail';
    const audit = auditLog(topic, { failOpen: false, queueLimit: 10, logger });
    audit.outcome(event('w1', 'write'));
    await audit.flush();
    expect(audit.queued).toBe(1);
    const before = topic.attempts.length;
    await audit.close();
    expect(topic.attempts.length).toBeGreaterThan(before);
    const lost = lines.filter((l) => l.component === 'audit' && (l.event as { requestId?: string } | undefined)?.requestId === 'w1');
    expect(lost).toHaveLength(1);
    expect(lost[0]!.level).toBe(50);
  });
});
