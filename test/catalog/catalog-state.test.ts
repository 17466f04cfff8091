import { CatalogState } from '../../src/catalog/catalog-state';
import type { DatabaseDefinition, DatabaseEventRecord } from '../../src/log/records';

const definition = (name: string, extra: Partial<DatabaseDefinition> = {}): DatabaseDefinition => ({
  name,
  dimension: 4,
  metric: 'cosine',
  m: 16,
  efConstruction: 200,
  efSearch: 64,
  description: null,
  createdAtMs: 1,
  ...extra,
});
const event = (eventType: DatabaseEventRecord['eventType'], name: string, def: DatabaseDefinition | null = null): DatabaseEventRecord => ({
  type: 'database-event',
  eventType,
  name,
  definition: def,
  requestId: null,
  timestampMs: 0,
});

describe('CatalogState', () => {
  it('names an incarnation by the offset of its create, and voids a create for a live name', () => {
    const catalog = new CatalogState();
    expect(catalog.apply(0, event('create', 'a', definition('a')))).toBe('applied');
    expect(catalog.apply(1, event('create', 'a', definition('a', { dimension: 8 })))).toBe('void');
    expect(catalog.live('a')?.incarnation).toBe(0);
    expect(catalog.live('a')?.definition.dimension).toBe(4);
    expect(catalog.nextOffset).toBe(2);
  });

  it('voids a drop or update for a missing name, and keeps dropped incarnations for old markers', () => {
    const catalog = new CatalogState();
    expect(catalog.apply(0, event('drop', 'a'))).toBe('void');
    expect(catalog.apply(1, event('update', 'a', definition('a')))).toBe('void');
    catalog.apply(2, event('create', 'a', definition('a')));
    expect(catalog.apply(3, event('drop', 'a'))).toBe('applied');
    expect(catalog.live('a')).toBeUndefined();
    expect(catalog.incarnation(2)?.droppedAt).toBe(3);
    expect(catalog.apply(4, event('create', 'a', definition('a', { dimension: 8 })))).toBe('applied');
    expect(catalog.live('a')?.incarnation).toBe(4);
    expect(catalog.all().map((d) => d.incarnation)).toEqual([2, 4]);
  });

  it('lets an update change only description and efSearch', () => {
    const catalog = new CatalogState();
    catalog.apply(0, event('create', 'a', definition('a')));
    catalog.apply(1, event('update', 'a', definition('a', { description: 'docs', efSearch: 99, dimension: 999, metric: 'dot' })));
    const live = catalog.live('a')!;
    expect(live.definition).toEqual({ ...definition('a'), description: 'docs', efSearch: 99 });
  });

  it('refuses offsets that go backwards', () => {
    const catalog = new CatalogState();
    catalog.apply(5, event('create', 'a', definition('a')));
    expect(() => catalog.apply(5, event('drop', 'a'))).toThrow(RangeError);
  });
});
