/**
 * Keeps a CatalogState current by reading `jade.databases` from the beginning with a private reader group.
 * `catchUp()` waits until the state has applied everything the topic held when it was called: the moment a
 * shard may judge a marker, and a gateway may answer for a create or drop it has just written.
 */
import { EventEmitter } from 'node:events';
import { jadeError } from '../errors';
import { readerGroup, type Backbone, type ConsumerHandle } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import type { DatabaseEventRecord } from '../log/records';
import { silentLogger, type Logger } from '../logger';
import { CatalogState, type CatalogVerdict } from './catalog-state';

export interface CatalogReaderOptions {
  backbone: Backbone;
  codec: RecordCodec;
  topic: string;
  /** Prefix for the reader's private consumer group. */
  groupPrefix: string;
  logger?: Logger;
}

export class CatalogReader {
  readonly state = new CatalogState();
  private readonly events = new EventEmitter();
  private handle: ConsumerHandle | undefined;
  private readonly logger: Logger;
  /** Verdicts by catalog offset, so a writer can learn whether its own create was void. */
  private readonly verdicts = new Map<number, CatalogVerdict>();
  /** Every catalog event read, in order: small (one per create, drop or update), and replayed to shard workers. */
  private readonly history: { offset: number; record: DatabaseEventRecord }[] = [];

  constructor(private readonly options: CatalogReaderOptions) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'catalog' });
    this.events.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.handle = await this.options.backbone.consume({
      topic: this.options.topic,
      group: readerGroup(this.options.groupPrefix, 'catalog'),
      onAssign: () => new Map([[0, this.state.nextOffset]]),
      onRevoke: () => undefined,
      onBatch: (batch) => {
        for (const record of batch.records) {
          if (record.offset < this.state.nextOffset) continue;
          if (record.value === null) {
            this.state.advanceTo(record.offset + 1);
            continue;
          }
          try {
            const decoded = this.options.codec.decode(record.value);
            if (decoded.type !== 'database-event') throw new Error(`unexpected ${decoded.type} record`);
            this.verdicts.set(record.offset, this.state.apply(record.offset, decoded));
            this.history.push({ offset: record.offset, record: decoded });
          } catch (err) {
            // A foreign record on the catalog changes nothing; every reader skips it alike.
            this.logger.warn({ err, offset: record.offset }, 'catalog record ignored');
            this.state.advanceTo(record.offset + 1);
          }
        }
        this.events.emit('advance');
        return Promise.resolve();
      },
    });
  }

  /** Resolves once everything in the topic at the time of the call is applied. */
  async catchUp(timeoutMs = 30_000): Promise<void> {
    const [end = 0] = await this.options.backbone.endOffsets(this.options.topic);
    await this.waitFor(end, timeoutMs);
  }

  /** Resolves once the state has applied every offset below `offset`. */
  waitFor(offset: number, timeoutMs = 30_000): Promise<void> {
    if (this.state.nextOffset >= offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('advance', check);
        reject(jadeError('JADE_ERR_SHARD_CATALOG_BEHIND', [offset]));
      }, timeoutMs);
      const check = (): void => {
        if (this.state.nextOffset < offset) return;
        clearTimeout(timer);
        this.events.off('advance', check);
        resolve();
      };
      this.events.on('advance', check);
    });
  }

  /** Whether the catalog record at `offset` took effect (`undefined` until it has been read). */
  verdict(offset: number): CatalogVerdict | undefined {
    return this.verdicts.get(offset);
  }

  /** The events at or after `offset`, in order. */
  eventsFrom(offset: number): { offset: number; record: DatabaseEventRecord }[] {
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid]!.offset < offset) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Calls `listener` after each batch of catalog changes. */
  onChange(listener: () => void): () => void {
    this.events.on('advance', listener);
    return () => this.events.off('advance', listener);
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }
}
