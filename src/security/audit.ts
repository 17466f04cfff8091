/**
 * Security audit logging (NFR-004: every operation audited; NFR-005: configurable levels and formats).
 *
 * Events are Avro records on `jade.audit`, keyed by actor. Levels: `off`; `security` (authentication failures,
 * denials, admin operations); `write` (+ data changes, the default); `all` (+ reads). A write's `intent` event is
 * durable (acks=all) before its data is produced; if it cannot be written the write is refused (fail-closed) unless
 * configured fail-open. Optionally every event also goes to a local file as JSON lines, logfmt or CEF.
 *
 * Outcome events wait in a bounded queue (`queueLimit`, config `auditQueueLimit`) and are written in order, in the
 * background. A write of them that fails is retried, waiting longer each time (doubling up to a cap), until it
 * succeeds: a queued event is never dropped (only at shutdown, after one last attempt, and then into the process log).
 * A request that changes something (a write or admin operation, the ones with an intent) takes a slot in the queue for
 * its outcome before it runs (`admit`), so its outcome always fits. Fail-closed, such a request is refused with 503
 * `JADE_ERR_AUDIT_UNAVAILABLE` while the queue has no free slot or while writing to the audit log fails (from a failed
 * attempt until one succeeds). When the queue is full, read events (level `all`) are dropped and counted (`dropped`);
 * any other event without a slot (a denial, an authentication failure, a refused request, an admin read) is written to
 * the process log instead and counted (`overflowed`). Fail-open nothing is refused: events not written are counted
 * (`failedOpen`) and logged. docs/audit.md describes this for operators.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { jadeError } from '../errors';
import { readerGroup, type Backbone, type ConsumerHandle } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import type { AuditEventRecord } from '../log/records';
import { silentLogger, type Logger } from '../logger';

export type AuditLevel = 'off' | 'security' | 'write' | 'all';
export type AuditCategory = AuditEventRecord['category'];
export type AuditEvent = Omit<AuditEventRecord, 'type' | 'eventId' | 'timestampMs' | 'nodeId'>;

const RANK: Record<AuditLevel, number> = { off: 0, security: 1, write: 2, all: 3 };
/** The lowest level at which each category is recorded. */
const CATEGORY_LEVEL: Record<AuditCategory, AuditLevel> = { authentication: 'security', authorization: 'security', admin: 'security', write: 'write', read: 'all' };
/** Waits between attempts to write outcome events after a failure: from the first, doubling, up to the cap. */
export const OUTCOME_RETRY = { firstDelayMs: 100, maxDelayMs: 2_000 } as const;
/** Most outcome events written in one produce. */
const BATCH = 500;

export interface AuditLogOptions {
  backbone: Backbone;
  codec: RecordCodec;
  topic: string;
  level: AuditLevel;
  failOpen: boolean;
  nodeId?: string;
  sink?: { file: string; format: 'json' | 'logfmt' | 'cef' };
  /** Most outcome events waiting to be written, the one being written included (config `auditQueueLimit`). */
  queueLimit: number;
  /** Waits between attempts after a failed write of outcome events. @default OUTCOME_RETRY */
  retry?: { firstDelayMs: number; maxDelayMs: number };
  logger?: Logger;
}

/** A slot in the outcome queue, taken by `admit` for one request's outcome event and given back by `outcome`. */
export interface AuditReservation {
  held: boolean;
}

/** The audit log's figures, as `GET /v1/security/audit-level` shows them. */
export interface AuditStats {
  level: AuditLevel;
  failOpen: boolean;
  /** Whether the last attempt to write to the audit log succeeded. */
  writable: boolean;
  /** Outcome events waiting to be written, and the most the queue holds. */
  queued: number;
  queueLimit: number;
  dropped: number;
  overflowed: number;
  failedOpen: number;
  writeFailures: number;
  refused: number;
}

export class AuditLog {
  private currentLevel: AuditLevel;
  /** Outcome events not written yet, oldest first; the batch being written stays at the head until it is. */
  private queue: AuditEventRecord[] = [];
  /** Slots taken by admitted requests whose outcome is not queued yet: queue.length + reserved <= queueLimit. */
  private reserved = 0;
  private draining: Promise<void> | undefined;
  /** Ends the wait before the next attempt (on close). */
  private wake: (() => void) | undefined;
  private closing = false;
  private closed = false;
  private lastFailure: string | undefined;
  /** Events ever queued, and written: a flush waits for the written count to reach the queued one it saw. */
  private queuedTotal = 0;
  private writtenTotal = 0;
  private flushWaiters: { until: number; resolve: () => void }[] = [];
  private sinkFd: number | undefined;
  /** Read events dropped because the queue was full (level `all`). */
  dropped = 0;
  /** Other outcome events that found the queue full with no slot of their own: written to the process log instead. */
  overflowed = 0;
  /** Events that could not be written while failing open (an intent that failed, an outcome that did not fit). */
  failedOpen = 0;
  /** Failed attempts to write queued outcome events (each one is retried). */
  writeFailures = 0;
  /** Requests refused (fail-closed) because the audit log could not take their events. */
  refused = 0;
  private readonly logger: Logger;
  private readonly retry: { firstDelayMs: number; maxDelayMs: number };

  constructor(private readonly options: AuditLogOptions) {
    if (!Number.isInteger(options.queueLimit) || options.queueLimit < 1) throw new RangeError(`queueLimit must be a positive integer, got ${options.queueLimit}`);
    this.currentLevel = options.level;
    this.retry = options.retry ?? OUTCOME_RETRY;
    this.logger = (options.logger ?? silentLogger).child({ component: 'audit' });
    if (options.sink !== undefined) this.sinkFd = fs.openSync(options.sink.file, 'a', 0o600);
  }

  get level(): AuditLevel {
    return this.currentLevel;
  }

  setLevel(level: AuditLevel): void {
    this.currentLevel = level;
  }

  /** Outcome events waiting to be written (the batch being written included). */
  get queued(): number {
    return this.queue.length;
  }

  /** False from a failed attempt to write outcome events until an attempt succeeds. */
  get writable(): boolean {
    return this.lastFailure === undefined;
  }

  stats(): AuditStats {
    return {
      level: this.currentLevel,
      failOpen: this.options.failOpen,
      writable: this.writable,
      queued: this.queue.length,
      queueLimit: this.options.queueLimit,
      dropped: this.dropped,
      overflowed: this.overflowed,
      failedOpen: this.failedOpen,
      writeFailures: this.writeFailures,
      refused: this.refused,
    };
  }

  /** Whether events of this category are recorded at the current level. */
  records(category: AuditCategory): boolean {
    return RANK[this.currentLevel] >= RANK[CATEGORY_LEVEL[category]] && this.currentLevel !== 'off';
  }

  /**
   * Admits a request that changes something (a write or an admin operation) before it runs: takes a slot in the
   * queue for its outcome event, to pass to `outcome`. Fail-closed, throws `JADE_ERR_AUDIT_UNAVAILABLE` (503) while the
   * audit log cannot be written or the queue has no free slot. Fail-open it never refuses (and reserves nothing).
   */
  admit(category: AuditCategory): AuditReservation | undefined {
    if (this.options.failOpen || !this.records(category)) return undefined;
    let reason: string | undefined;
    if (this.lastFailure !== undefined) reason = `writing to it fails (${this.lastFailure}); retrying`;
    else if (this.queue.length + this.reserved >= this.options.queueLimit) {
      reason = `${this.queue.length} events are waiting to be written, the most it holds (auditQueueLimit ${this.options.queueLimit})`;
    }
    if (reason !== undefined) {
      this.refused += 1;
      throw jadeError('JADE_ERR_AUDIT_UNAVAILABLE', [reason], { context: { retryAfterSeconds: Math.max(1, Math.ceil(this.retry.maxDelayMs / 1000)) } });
    }
    this.reserved += 1;
    return { held: true };
  }

  /**
   * Records a write's intent and resolves once it is durable. Fail-closed: a failure rejects with
   * `JADE_ERR_AUDIT_UNAVAILABLE`, so the caller must not produce the data.
   */
  async intent(event: AuditEvent): Promise<void> {
    if (!this.records(event.category)) return;
    const record = this.complete({ ...event, kind: 'intent', outcome: 'unknown' });
    try {
      await this.write([record]);
    } catch (err) {
      if (!this.options.failOpen) throw jadeError('JADE_ERR_AUDIT_UNAVAILABLE', [(err as Error).message], { cause: err });
      this.failedOpen += 1;
      this.logger.warn({ err, event: record }, 'audit intent not written; going on (fail-open)');
    }
  }

  /**
   * Queues a request's outcome event (written in order, in the background); `always` records it at every level.
   * With the request's reservation it always fits; without one, it is queued only if the queue has a free slot.
   */
  outcome(event: AuditEvent, { always = false, reservation }: { always?: boolean; reservation?: AuditReservation | undefined } = {}): void {
    const reserved = reservation?.held === true;
    if (reserved) {
      reservation.held = false;
      this.reserved -= 1;
    }
    if (!always && !this.records(event.category)) return;
    const record = this.complete({ ...event, kind: 'outcome' });
    if (this.closed) {
      this.logger.error({ event: record }, 'audit event after shutdown: written to this log only');
      return;
    }
    if (!reserved && this.queue.length + this.reserved >= this.options.queueLimit) {
      this.overflow(record);
      return;
    }
    this.queue.push(record);
    this.queuedTotal += 1;
    this.draining ??= this.drain();
  }

  /** Gives back a reservation whose request ended without an outcome event (e.g. its connection closed first). */
  release(reservation: AuditReservation | undefined): void {
    if (reservation?.held !== true) return;
    reservation.held = false;
    this.reserved -= 1;
  }

  /**
   * Resolves when every event queued so far has been written, or as soon as an attempt to write fails (the events
   * stay queued and are retried).
   */
  flush(): Promise<void> {
    if (this.writtenTotal >= this.queuedTotal) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ until: this.queuedTotal, resolve }));
  }

  /** Writes what is queued, with one last attempt if writing fails; what still cannot be written goes to the process log. */
  async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    await this.draining;
    if (this.queue.length > 0) {
      for (const record of this.queue) this.logger.error({ event: record }, 'audit event not written before shutdown');
      this.logger.error({ events: this.queue.length, lastFailure: this.lastFailure }, 'audit events could not be written before shutdown: they are in this log only');
      this.queue = [];
    }
    this.closed = true;
    this.settleFlushes(true);
    if (this.sinkFd !== undefined) fs.closeSync(this.sinkFd);
    this.sinkFd = undefined;
  }

  /** Writes the queue in order; a failed batch stays at the head and is retried after a growing wait. */
  private async drain(): Promise<void> {
    let delay = this.retry.firstDelayMs;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, BATCH);
      try {
        await this.write(batch);
        this.queue.splice(0, batch.length);
        this.writtenTotal += batch.length;
        if (this.lastFailure !== undefined) this.logger.info({ writeFailures: this.writeFailures }, 'audit log writable again');
        this.lastFailure = undefined;
        delay = this.retry.firstDelayMs;
        this.settleFlushes(false);
      } catch (err) {
        this.writeFailures += 1;
        this.lastFailure = err instanceof Error ? err.message : String(err);
        this.logger.error(
          { err, events: this.queue.length, retryInMs: this.closing ? null : delay, failOpen: this.options.failOpen },
          this.options.failOpen ? 'audit events could not be written; retrying (fail-open: requests go on)' : 'audit events could not be written; retrying, and refusing writes until they are (fail-closed)',
        );
        this.settleFlushes(true);
        if (this.closing) break;
        await new Promise<void>((resolve) => {
          // Unreferenced: a wait for the audit log keeps no process alive (close() ends it anyway).
          const timer = setTimeout(resolve, delay).unref();
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
    }
    this.draining = undefined;
  }

  /** An outcome event without a place in the queue: a read is dropped; anything else goes to the process log. */
  private overflow(record: AuditEventRecord): void {
    if (record.category === 'read') {
      this.dropped += 1;
      return;
    }
    this.overflowed += 1;
    if (this.options.failOpen) this.failedOpen += 1;
    this.logger.error({ event: record, queued: this.queue.length, queueLimit: this.options.queueLimit }, 'audit queue full: outcome event written to this log instead of the audit topic');
  }

  /** Resolves the flushes whose events are all written (or every flush, when an attempt failed). */
  private settleFlushes(all: boolean): void {
    const waiting = this.flushWaiters;
    this.flushWaiters = [];
    for (const waiter of waiting) {
      if (all || this.writtenTotal >= waiter.until) waiter.resolve();
      else this.flushWaiters.push(waiter);
    }
  }

  private complete(event: AuditEvent & { kind: AuditEventRecord['kind'] }): AuditEventRecord {
    return { type: 'audit-event', eventId: randomUUID(), timestampMs: Date.now(), nodeId: this.options.nodeId ?? null, ...event };
  }

  private async write(records: AuditEventRecord[]): Promise<void> {
    await this.options.backbone.produce(
      this.options.topic,
      records.map((r) => ({ key: Buffer.from(r.actor), value: this.options.codec.encode(r) })),
    );
    if (this.sinkFd !== undefined) fs.writeSync(this.sinkFd, records.map((r) => formatEvent(r, this.options.sink!.format)).join(''));
  }
}

/** One event as a line of the local sink. */
export function formatEvent(event: AuditEventRecord, format: 'json' | 'logfmt' | 'cef'): string {
  const { type: _type, ...fields } = event;
  switch (format) {
    case 'json':
      return `${JSON.stringify({ '@timestamp': new Date(event.timestampMs).toISOString(), ...fields })}\n`;
    case 'logfmt':
      return `${Object.entries({ time: new Date(event.timestampMs).toISOString(), ...fields })
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k}=${logfmtValue(Array.isArray(v) ? v.join(',') : String(v))}`)
        .join(' ')}\n`;
    case 'cef': {
      const severity = event.outcome === 'denied' ? 7 : event.outcome === 'error' ? 5 : 3;
      const ext = {
        rt: event.timestampMs,
        suser: event.actor,
        src: event.sourceAddress,
        request: event.route,
        outcome: event.outcome,
        cat: event.category,
        cs1Label: 'database',
        cs1: event.database ?? '',
        cs2Label: 'requestId',
        cs2: event.requestId,
        cn1Label: 'records',
        cn1: event.recordCount,
        cn2Label: 'status',
        cn2: event.statusCode ?? '',
      };
      const extension = Object.entries(ext)
        .map(([k, v]) => `${k}=${String(v).replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\n/g, '\\n')}`)
        .join(' ');
      const header = ['CEF:0', 'JadeVectorDB', 'JadeVectorDB', '1', event.action, `${event.kind} ${event.action}`, severity].map((p) => String(p).replace(/\|/g, '\\|'));
      return `${header.join('|')}|${extension}\n`;
    }
    default: {
      const unknown: never = format;
      throw new Error(`unknown audit format ${String(unknown)}`);
    }
  }
}

function logfmtValue(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: string;
  database?: string;
  sinceMs?: number;
  limit: number;
}

/**
 * The newest audit events, read back from the audit topic (so it answers for every gateway, on either backbone).
 * Keeps a bounded window in memory.
 */
export class AuditLogReader {
  private events: AuditEventRecord[] = [];
  private handle: ConsumerHandle | undefined;

  constructor(
    private readonly options: { backbone: Backbone; codec: RecordCodec; topic: string; groupPrefix: string; retain?: number },
  ) {}

  async start(): Promise<void> {
    const retain = this.options.retain ?? 100_000;
    this.handle = await this.options.backbone.consume({
      topic: this.options.topic,
      group: readerGroup(this.options.groupPrefix, 'audit'),
      onAssign: () => new Map(),
      onRevoke: () => undefined,
      onBatch: (batch) => {
        for (const record of batch.records) {
          if (record.value === null) continue;
          try {
            const event = this.options.codec.decode(record.value);
            if (event.type === 'audit-event') this.events.push(event);
          } catch {
            // Not an audit event: nothing to show.
          }
        }
        if (this.events.length > retain * 1.2) this.events = this.events.slice(-retain);
        return Promise.resolve();
      },
    });
  }

  /** Matching events, newest first. */
  query(q: AuditQuery): AuditEventRecord[] {
    const out: AuditEventRecord[] = [];
    for (let i = this.events.length - 1; i >= 0 && out.length < q.limit; i--) {
      const e = this.events[i]!;
      if (q.actor !== undefined && e.actor !== q.actor) continue;
      if (q.action !== undefined && e.action !== q.action) continue;
      if (q.outcome !== undefined && e.outcome !== q.outcome) continue;
      if (q.database !== undefined && e.database !== q.database) continue;
      if (q.sinceMs !== undefined && e.timestampMs < q.sinceMs) continue;
      out.push(e);
    }
    return out.sort((a, b) => b.timestampMs - a.timestampMs);
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }
}
