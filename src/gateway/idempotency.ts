/**
 * `Idempotency-Key` support: the first request with a key runs; a retry with the same key and the same request
 * gets the same reply without writing again (even while the first is still in flight); the same key on a
 * different request is refused with 409. Entries expire after a day; the cache is bounded.
 */
import { jadeError } from '../errors';

interface Entry {
  fingerprint: string;
  reply: Promise<{ statusCode: number; body: unknown }>;
  expiresAt: number;
}

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 24 * 3600 * 1000,
  ) {}

  /** Runs `work` once per key; a key reused for a different fingerprint is a `JADE_ERR_IDEMPOTENCY_CONFLICT`. */
  run(key: string, fingerprint: string, work: () => Promise<{ statusCode: number; body: unknown }>): Promise<{ statusCode: number; body: unknown }> {
    const now = Date.now();
    const existing = this.entries.get(key);
    if (existing !== undefined && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return Promise.reject(jadeError('JADE_ERR_IDEMPOTENCY_CONFLICT', [key]));
      return existing.reply;
    }
    const reply = work();
    this.entries.set(key, { fingerprint, reply, expiresAt: now + this.ttlMs });
    // A failed attempt may be retried for real: forget it.
    reply.catch(() => this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return reply;
  }
}
