/**
 * Security audit logging (NFR-004: every operation audited; NFR-005: configurable levels and formats).
 *
 * Events are Avro records on `jade.audit`, keyed by actor. Levels: `off`; `security` (authentication failures,
 * denials, admin operations); `write` (+ data changes, the default); `all` (+ reads). A write's `intent` event is
 * durable (acks=all) before its data is produced; if it cannot be written the write is refused (fail-closed) unless
 * configured fail-open. Outcome events are queued and written in order; read events at level `all` are best-effort,
 * with a counter of any dropped when the queue is full. Optionally every event also goes to a local file as JSON
 * lines, logfmt or CEF.
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

export interface AuditLogOptions {
  backbone: Backbone;
  codec: RecordCodec;
  topic: string;
  level: AuditLevel;
  failOpen: boolean;
  nodeId?: string;
  sink?: { file: string; format: 'json' | 'logfmt' | 'cef' };
  /** Most outcome events waiting to be written before reads are dropped. @default 10000 */
  queueLimit?: number;
  logger?: Logger;
}

export class AuditLog {
  private currentLevel: AuditLevel;
  private queue: AuditEventRecord[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private sinkFd: number | undefined;
  /** Read events dropped because the queue was full (level `all`). */
  dropped = 0;
  /** Events that could not be written while failing open. */
  failedOpen = 0;
  private readonly logger: Logger;

  constructor(private readonly options: AuditLogOptions) {
    this.currentLevel = options.level;
    this.logger = (options.logger ?? silentLogger).child({ component: 'audit' });
    if (options.sink !== undefined) this.sinkFd = fs.openSync(options.sink.file, 'a', 0o600);
  }

  get level(): AuditLevel {
    return this.currentLevel;
  }

  setLevel(level: AuditLevel): void {
    this.currentLevel = level;
  }

  /** Whether events of this category are recorded at the current level. */
  records(category: AuditCategory): boolean {
    return RANK[this.currentLevel] >= RANK[CATEGORY_LEVEL[category]] && this.currentLevel !== 'off';
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
      this.logger.warn({ err, requestId: event.requestId }, 'audit intent not written; going on (fail-open)');
    }
  }

  /** Queues a request's outcome event (written in order, in the background); `always` records it at every level. */
  outcome(event: AuditEvent, { always = false }: { always?: boolean } = {}): void {
    if (!always && !this.records(event.category)) return;
    const limit = this.options.queueLimit ?? 10_000;
    if (event.category === 'read' && this.queue.length >= limit) {
      this.dropped += 1;
      return;
    }
    this.queue.push(this.complete({ ...event, kind: 'outcome' }));
    if (this.queue.length === 1) this.flushing = this.flushing.then(() => this.drain());
  }

  /** Resolves when every queued event has been written (or given up on). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.drain());
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.sinkFd !== undefined) fs.closeSync(this.sinkFd);
    this.sinkFd = undefined;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        await this.write(batch);
      } catch (err) {
        this.failedOpen += batch.length;
        this.logger.error({ err, events: batch.length }, 'audit events could not be written');
      }
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
