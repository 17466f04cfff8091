/**
 * Creating and dropping databases (docs/architecture.md, "Database lifecycle"): the catalog record on `jade.databases`
 * orders every create and drop; then a marker goes into every partition of the vectors topic, and the operation
 * is acknowledged only when all markers are. Until then writes to the database are refused. Creates and drops are
 * decided on the catalog read to its end (`CatalogReader.catchUp`), never on a view that may be behind.
 */
import { randomBytes } from 'node:crypto';
import type { CatalogReader } from '../catalog/catalog-reader';
import type { DatabaseIncarnation } from '../catalog/catalog-state';
import { jadeError } from '../errors';
import type { Backbone, ProduceRecord } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import { markerKey, type DatabaseDefinition, type MarkerKind } from '../log/records';
import type { TopicNames } from '../log/topics';

export interface DatabaseLifecycleOptions {
  backbone: Backbone;
  codec: RecordCodec;
  catalog: CatalogReader;
  topics: TopicNames;
  partitions: number;
  /**
   * How many partitions still await the erasure of a dropped incarnation named `name` (from the index nodes of
   * replica group 0). A re-create waits for zero, so no erasing tombstone can follow a record of the new incarnation.
   */
  partitionsAwaitingErasure?: (name: string, ends: readonly number[]) => Promise<number>;
  /**
   * The partitions that may lack the create marker of incarnation `incarnation` of `name` (from the owners of the
   * partitions: `ShardRouter.partitionsLackingDatabase`). Without it, every partition is assumed to.
   */
  partitionsLackingMarker?: (name: string, incarnation: number, ends: readonly number[]) => Promise<number[]>;
}

export class DatabaseLifecycle {
  /** Incarnations whose markers are acknowledged in every partition: writes to them are allowed. */
  private readonly markedIncarnations = new Set<number>();
  /** Re-emissions in progress, by incarnation: concurrent first writes share one. */
  private readonly marking = new Map<number, Promise<void>>();

  constructor(private readonly options: DatabaseLifecycleOptions) {}

  /** Creates a database; 409 `JADE_ERR_DB_EXISTS` when the name is live (the catalog voided this create). */
  async create(definition: DatabaseDefinition, requestId: string | null = null): Promise<DatabaseIncarnation> {
    // Decided on the whole catalog: a gateway that has not read a drop yet would skip the wait for its erasure.
    await this.options.catalog.catchUp();
    if (this.options.catalog.state.live(definition.name) !== undefined) throw jadeError('JADE_ERR_DB_EXISTS', [definition.name]);
    // A name dropped before: every partition must have applied its drop and its erasure first. The end offsets read
    // now lie past the drop markers, so a shard caught up to them has seen the drop.
    const dropped = this.options.catalog.state.all().some((d) => d.name === definition.name && d.droppedAt !== undefined);
    if (dropped && this.options.partitionsAwaitingErasure !== undefined) {
      const ends = await this.options.backbone.endOffsets(this.options.topics.vectors);
      const erasing = await this.options.partitionsAwaitingErasure(definition.name, ends);
      if (erasing > 0) throw jadeError('JADE_ERR_DB_ERASING', [definition.name, erasing]);
    }
    const offset = await this.appendCatalog({ eventType: 'create', name: definition.name, definition, requestId });
    if (this.options.catalog.verdict(offset) !== 'applied') throw jadeError('JADE_ERR_DB_EXISTS', [definition.name]);
    const created = this.options.catalog.state.incarnation(offset)!;
    await this.writeMarkers('create', created);
    this.markedIncarnations.add(offset);
    return created;
  }

  /** Drops a database; 404 when it is not live. Its data is erased from every partition afterwards. */
  async drop(name: string, requestId: string | null = null): Promise<DatabaseIncarnation> {
    await this.options.catalog.catchUp();
    const live = this.options.catalog.state.live(name);
    if (live === undefined) throw jadeError('JADE_ERR_DB_NOT_FOUND', [name]);
    const offset = await this.appendCatalog({ eventType: 'drop', name, definition: null, requestId });
    if (this.options.catalog.verdict(offset) !== 'applied') throw jadeError('JADE_ERR_DB_NOT_FOUND', [name]);
    const dropped = this.options.catalog.state.incarnation(live.incarnation)!;
    await this.writeMarkers('drop', dropped);
    this.markedIncarnations.delete(live.incarnation);
    return dropped;
  }

  /** Changes the description or default efSearch of a live database. */
  async update(name: string, change: { description?: string | null; efSearch?: number }, requestId: string | null = null): Promise<DatabaseIncarnation> {
    const live = this.options.catalog.state.live(name);
    if (live === undefined) throw jadeError('JADE_ERR_DB_NOT_FOUND', [name]);
    const definition: DatabaseDefinition = {
      ...live.definition,
      ...(change.description === undefined ? {} : { description: change.description }),
      ...(change.efSearch === undefined ? {} : { efSearch: change.efSearch }),
    };
    const offset = await this.appendCatalog({ eventType: 'update', name, definition, requestId });
    if (this.options.catalog.verdict(offset) !== 'applied') throw jadeError('JADE_ERR_DB_NOT_FOUND', [name]);
    return this.options.catalog.state.live(name)!;
  }

  /**
   * The live incarnation of `name`, ready for writes: its create markers are in every partition. After a restart
   * (or on another gateway) this process does not know that, since the create may have failed part-way: before its
   * first write to the database it re-emits the markers into the partitions whose owners do not report holding the
   * database, and into none when they all do. Shards ignore repeats by incarnation. A re-emitted marker has a key of
   * its own (src/log/records.ts, `markerKey`), which compaction never removes: re-emitting into every partition at
   * every start made the vectors topic grow with each restart, database and partition.
   */
  async writable(name: string): Promise<DatabaseIncarnation> {
    const live = this.options.catalog.state.live(name);
    if (live === undefined) throw jadeError('JADE_ERR_DB_NOT_FOUND', [name]);
    if (!this.markedIncarnations.has(live.incarnation)) {
      let marking = this.marking.get(live.incarnation);
      if (marking === undefined) {
        marking = this.remark(live).finally(() => this.marking.delete(live.incarnation));
        this.marking.set(live.incarnation, marking);
      }
      await marking;
    }
    return live;
  }

  private async remark(live: DatabaseIncarnation): Promise<void> {
    let lacking = Array.from({ length: this.options.partitions }, (_, partition) => partition);
    if (this.options.partitionsLackingMarker !== undefined) {
      const ends = await this.options.backbone.endOffsets(this.options.topics.vectors);
      lacking = await this.options.partitionsLackingMarker(live.name, live.incarnation, ends);
    }
    if (lacking.length > 0) await this.writeMarkers('create', live, randomBytes(8).toString('hex'), lacking);
    this.markedIncarnations.add(live.incarnation);
  }

  private async appendCatalog(event: { eventType: 'create' | 'drop' | 'update'; name: string; definition: DatabaseDefinition | null; requestId: string | null }): Promise<number> {
    const [ack] = await this.options.backbone.produce(this.options.topics.databases, [
      {
        key: Buffer.from(event.name),
        value: this.options.codec.encode({ type: 'database-event', ...event, timestampMs: Date.now() }),
      },
    ]);
    await this.options.catalog.waitFor(ack!.offset + 1);
    return ack!.offset;
  }

  private async writeMarkers(
    kind: MarkerKind,
    incarnation: DatabaseIncarnation,
    copy?: string,
    partitions: readonly number[] = Array.from({ length: this.options.partitions }, (_, partition) => partition),
  ): Promise<void> {
    const value = this.options.codec.encode({
      type: 'database-marker',
      kind,
      database: incarnation.name,
      incarnation: incarnation.incarnation,
      definition: incarnation.definition,
    });
    const key = Buffer.from(markerKey(incarnation.name, incarnation.incarnation, kind, copy));
    const records: ProduceRecord[] = partitions.map((partition) => ({ key, value, partition }));
    await this.options.backbone.produce(this.options.topics.vectors, records);
  }
}
