/**
 * The catalog: which databases exist, folded from `jade.databases` in offset order.
 *
 * Every reader (gateways, shards) applies the same rules, so all agree without coordination:
 * - a database's incarnation is the offset of its create record;
 * - a create for a name that is live, a drop or update for a name that is not, is void (ignored);
 * - an update may change only the description and the default efSearch; dimension, metric and graph
 *   parameters are fixed for an incarnation's life.
 */
import type { DatabaseDefinition, DatabaseEventRecord } from '../log/records';

export interface DatabaseIncarnation {
  readonly name: string;
  /** Offset of the create record in `jade.databases`. */
  readonly incarnation: number;
  readonly definition: DatabaseDefinition;
  /** Offset of the drop record, once dropped. */
  readonly droppedAt?: number;
}

export type CatalogVerdict = 'applied' | 'void';

export class CatalogState {
  private readonly liveByName = new Map<string, DatabaseIncarnation>();
  private readonly byIncarnation = new Map<number, DatabaseIncarnation>();
  private next = 0;

  /** The next catalog offset to apply: everything below it has been seen. */
  get nextOffset(): number {
    return this.next;
  }

  /** Applies the event at `offset`; offsets must increase (holes are fine). */
  apply(offset: number, event: DatabaseEventRecord): CatalogVerdict {
    if (offset < this.next) throw new RangeError(`catalog offset ${offset} applied after ${this.next - 1}`);
    this.next = offset + 1;
    const live = this.liveByName.get(event.name);
    switch (event.eventType) {
      case 'create': {
        if (live !== undefined || event.definition === null || event.definition.name !== event.name) return 'void';
        const created: DatabaseIncarnation = { name: event.name, incarnation: offset, definition: event.definition };
        this.liveByName.set(event.name, created);
        this.byIncarnation.set(offset, created);
        return 'applied';
      }
      case 'drop': {
        if (live === undefined) return 'void';
        this.liveByName.delete(event.name);
        this.byIncarnation.set(live.incarnation, { ...live, droppedAt: offset });
        return 'applied';
      }
      case 'update': {
        if (live === undefined || event.definition === null) return 'void';
        const updated: DatabaseIncarnation = {
          ...live,
          definition: { ...live.definition, description: event.definition.description, efSearch: event.definition.efSearch },
        };
        this.liveByName.set(event.name, updated);
        this.byIncarnation.set(live.incarnation, updated);
        return 'applied';
      }
      default: {
        const unknown: never = event.eventType;
        throw new Error(`unknown catalog event type ${String(unknown)}`);
      }
    }
  }

  /** Marks every offset below `offset` as seen (a reader that reached the end of an empty or compacted range). */
  advanceTo(offset: number): void {
    if (offset > this.next) this.next = offset;
  }

  live(name: string): DatabaseIncarnation | undefined {
    return this.liveByName.get(name);
  }

  incarnation(offset: number): DatabaseIncarnation | undefined {
    return this.byIncarnation.get(offset);
  }

  /** Live databases, by name. */
  list(): DatabaseIncarnation[] {
    return [...this.liveByName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Every incarnation ever seen, dropped ones included (shards need them to honour old markers on replay). */
  all(): DatabaseIncarnation[] {
    return [...this.byIncarnation.values()].sort((a, b) => a.incarnation - b.incarnation);
  }
}
