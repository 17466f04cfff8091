/**
 * `Idempotency-Key` support: the first request with a key runs; a retry with the same key and the same request
 * gets the same reply without writing again (even while the first is still in flight); the same key on a
 * different request is refused with 409. Entries expire after a day; the cache is bounded by entries and by the
 * memory its replies hold (a batch's reply lists every id: 10,000 of them for a day could hold hundreds of MiB), so
 * under pressure the oldest keys are forgotten first (a retry of one of those writes again, as without a key).
 */
import { jadeError } from '../errors';

interface Entry {
  fingerprint: string;
  reply: Promise<{ statusCode: number; body: unknown }>;
  expiresAt: number;
  /** Estimated heap bytes the entry holds (its reply's once that has arrived). */
  bytes: number;
}

/** Key, fingerprint and bookkeeping of an entry, before its reply arrives. */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * Heap held by a reply, estimated from its JSON form: a reply is mostly short strings (ids), each carrying a header
 * and an array slot besides its characters, about three times its JSON length in all.
 */
export function replyBytes(body: unknown): number {
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch {
    json = undefined;
  }
  return 3 * (json?.length ?? 0);
}

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();
  private heldBytes = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 24 * 3600 * 1000,
    private readonly maxBytes = 32 * 2 ** 20,
  ) {}

  /** Runs `work` once per key; a key reused for a different fingerprint is a `JADE_ERR_IDEMPOTENCY_CONFLICT`. */
  run(key: string, fingerprint: string, work: () => Promise<{ statusCode: number; body: unknown }>): Promise<{ statusCode: number; body: unknown }> {
    const now = Date.now();
    const existing = this.entries.get(key);
    if (existing !== undefined && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return Promise.reject(jadeError('JADE_ERR_IDEMPOTENCY_CONFLICT', [key]));
      return existing.reply;
    }
    if (existing !== undefined) this.forget(key, existing);
    const reply = work();
    const entry: Entry = { fingerprint, reply, expiresAt: now + this.ttlMs, bytes: ENTRY_OVERHEAD_BYTES + 2 * (key.length + fingerprint.length) };
    this.entries.set(key, entry);
    this.heldBytes += entry.bytes;
    reply.then(
      (result) => {
        if (this.entries.get(key) !== entry) return;
        const bytes = replyBytes(result.body);
        entry.bytes += bytes;
        this.heldBytes += bytes;
        this.evict(Date.now());
      },
      // A failed attempt may be retried for real: forget it.
      () => {
        if (this.entries.get(key) === entry) this.forget(key, entry);
      },
    );
    this.evict(now);
    return reply;
  }

  /** Keys held (in flight or answered, not yet expired or evicted). */
  get size(): number {
    return this.entries.size;
  }

  /** Estimated heap bytes held by the entries. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Drops expired entries and then the oldest ones until both bounds hold (entries are in insertion order, and every one lives ttlMs). */
  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      const over = this.entries.size > this.maxEntries || this.heldBytes > this.maxBytes;
      if (!over && entry.expiresAt > now) break;
      this.forget(key, entry);
    }
  }

  private forget(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.heldBytes -= entry.bytes;
  }
}
