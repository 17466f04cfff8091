/**
 * Index-node membership on the compacted `jade.cluster` topic.
 *
 * Each index node heartbeats (id, address, replica group, owned partitions with applied offsets and lag, ready)
 * and writes a tombstone when it leaves gracefully. Gateways keep a live view and expire a node that has been
 * silent for the TTL, measured by their own clock when the heartbeat arrived, never by the sender's clock.
 * Heartbeats read while catching up on the topic's history count as already expired: only fresh ones make a node live.
 */
import { readerGroup, type Backbone, type ConsumerHandle } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import type { NodeHeartbeatRecord } from '../log/records';
import { silentLogger, type Logger } from '../logger';

export type Heartbeat = Omit<NodeHeartbeatRecord, 'type'>;

export interface HeartbeaterOptions {
  backbone: Backbone;
  codec: RecordCodec;
  topic: string;
  /** Builds the current heartbeat. */
  snapshot(): Heartbeat;
  /** @default 1000 */
  intervalMs?: number;
  logger?: Logger;
}

/** Publishes an index node's heartbeat every interval; `stop()` publishes a tombstone. */
export class Heartbeater {
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  constructor(private readonly options: HeartbeaterOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'heartbeat' });
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
  }

  beat(): Promise<void> {
    this.sending = this.sending.then(async () => {
      const heartbeat = this.options.snapshot();
      try {
        await this.options.backbone.produce(this.options.topic, [
          { key: Buffer.from(heartbeat.nodeId), value: this.options.codec.encode({ type: 'node-heartbeat', ...heartbeat }) },
        ]);
      } catch (err) {
        // A missed heartbeat is not fatal: the next one may get through before the TTL.
        this.logger.warn({ err }, 'heartbeat not sent');
      }
    });
    return this.sending;
  }

  /** Stops heartbeating and tombstones the node's membership record. */
  async stop(nodeId: string): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.sending;
    await this.options.backbone.produce(this.options.topic, [{ key: Buffer.from(nodeId), value: null }]).catch((err: unknown) => {
      this.logger.warn({ err }, 'leave tombstone not sent; the node will expire by TTL');
    });
  }
}

export interface MemberView {
  heartbeat: Heartbeat;
  /** Receiver's clock (ms, monotonic) when the last heartbeat arrived. */
  receivedAt: number;
}

export interface MembershipViewOptions {
  backbone: Backbone;
  codec: RecordCodec;
  topic: string;
  groupPrefix: string;
  /** A node silent this long is dropped. @default 5000 */
  ttlMs?: number;
  logger?: Logger;
}

/** A gateway's live view of the index nodes. */
export class MembershipView {
  private readonly members = new Map<string, MemberView>();
  private handle: ConsumerHandle | undefined;
  private historyEnd = 0;
  private readonly ttlMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: MembershipViewOptions) {
    this.ttlMs = options.ttlMs ?? 5_000;
    this.logger = (options.logger ?? silentLogger).child({ component: 'membership' });
  }

  async start(): Promise<void> {
    [this.historyEnd = 0] = await this.options.backbone.endOffsets(this.options.topic);
    this.handle = await this.options.backbone.consume({
      topic: this.options.topic,
      group: readerGroup(this.options.groupPrefix, 'membership'),
      onAssign: () => new Map(),
      onRevoke: () => undefined,
      onBatch: (batch) => {
        for (const record of batch.records) {
          const nodeId = record.key?.toString('utf8');
          if (nodeId === undefined) continue;
          if (record.value === null) {
            this.members.delete(nodeId);
            continue;
          }
          try {
            const decoded = this.options.codec.decode(record.value);
            if (decoded.type !== 'node-heartbeat') continue;
            const { type: _type, ...heartbeat } = decoded;
            const receivedAt = record.offset < this.historyEnd ? Number.NEGATIVE_INFINITY : performance.now();
            this.members.set(nodeId, { heartbeat, receivedAt });
          } catch (err) {
            this.logger.warn({ err, offset: record.offset }, 'membership record ignored');
          }
        }
        return Promise.resolve();
      },
    });
  }

  /** Nodes heard from within the TTL. */
  live(): Heartbeat[] {
    const now = performance.now();
    return [...this.members.values()].filter((m) => now - m.receivedAt <= this.ttlMs).map((m) => m.heartbeat);
  }

  /** Every node known, with how long ago (ms) it was last heard from (Infinity: only in the topic's history). */
  all(): { heartbeat: Heartbeat; silentForMs: number }[] {
    const now = performance.now();
    return [...this.members.values()].map((m) => ({ heartbeat: m.heartbeat, silentForMs: now - m.receivedAt }));
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }
}
