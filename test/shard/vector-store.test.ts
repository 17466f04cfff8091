/** The live store's value reads that allocate nothing per vector: point reads into a buffer and scans. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VectorStore, type StoreOp } from '../../src/shard/vector-store';

describe('VectorStore value reads', () => {
  let dir: string;
  let store: VectorStore;
  const meta = { nextOffset: 3, current: {}, dropped: {} };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-store-'));
    store = VectorStore.open(dir);
    const ops: StoreOp[] = [
      { kind: 'put', incarnation: 7, id: 'b', vector: { label: 4, values: Float32Array.of(1.5, -2, 3.25), metadata: { tag: 'x' } }, version: 0, unsettled: false },
      { kind: 'put', incarnation: 7, id: 'a', vector: { label: 9, values: Float32Array.of(0.1, 0.2, 0.3), metadata: null }, version: 1, unsettled: false },
      { kind: 'put', incarnation: 8, id: 'a', vector: { label: 0, values: Float32Array.of(9, 9, 9), metadata: null }, version: 2, unsettled: true },
    ];
    store.commit(ops, meta);
  });

  afterEach(async () => {
    await store.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('readValues copies the values as written and returns the label', () => {
    const into = new Float32Array(3);
    expect(store.readValues(7, 'b', into)).toBe(4);
    expect([...into]).toEqual([1.5, -2, 3.25]);
    expect(store.readValues(7, 'a', into)).toBe(9);
    expect(into).toEqual(Float32Array.of(0.1, 0.2, 0.3));
    expect(store.get(7, 'a')!.values).toEqual(into);
  });

  test('readValues of an absent id leaves the buffer alone', () => {
    const into = Float32Array.of(5, 5, 5);
    expect(store.readValues(7, 'zz', into)).toBeUndefined();
    expect(store.readValues(9, 'a', into)).toBeUndefined();
    expect([...into]).toEqual([5, 5, 5]);
  });

  test('readValues refuses a buffer of another dimension', () => {
    expect(() => store.readValues(7, 'a', new Float32Array(4))).toThrow(/has 3 values, the buffer holds 4/);
  });

  test('scanValues visits one incarnation in id order with labels and values', () => {
    const seen: [number, number[]][] = [];
    store.scanValues(7, 3, (label, values) => seen.push([label, [...values]]));
    expect(seen).toEqual([
      [9, [...Float32Array.of(0.1, 0.2, 0.3)]],
      [4, [1.5, -2, 3.25]],
    ]);
    let count = 0;
    store.scanValues(6, 3, () => (count += 1));
    expect(count).toBe(0);
  });

  test('ids pages through the ids of one incarnation in id order, after a given id', () => {
    expect(store.ids(7, { limit: 1 })).toEqual(['a']);
    expect(store.ids(7, { after: 'a', limit: 1 })).toEqual(['b']);
    expect(store.ids(7, { after: 'b', limit: 1 })).toEqual([]);
    expect(store.ids(7, { after: 'aa', limit: 5 })).toEqual(['b']);
    expect(store.ids(7, { limit: 5 })).toEqual(['a', 'b']);
    expect(store.ids(8, { limit: 5 })).toEqual(['a']);
    expect(store.ids(6, { limit: 5 })).toEqual([]);
  });

  test('labels lists the ids of one incarnation with their labels in id order', () => {
    expect([...store.labels(7)]).toEqual([
      { id: 'a', label: 9 },
      { id: 'b', label: 4 },
    ]);
    expect([...store.labels(6)]).toEqual([]);
  });

  test('reads see deletes', () => {
    store.commit([{ kind: 'delete', incarnation: 7, id: 'b', version: 3, unsettled: false }], { ...meta, nextOffset: 4 });
    expect(store.readValues(7, 'b', new Float32Array(3))).toBeUndefined();
    const labels: number[] = [];
    store.scanValues(7, 3, (label) => labels.push(label));
    expect(labels).toEqual([9]);
  });

  test('versions and unsettled ids follow each commit, deletes included', () => {
    expect(store.version(7, 'b')).toEqual({ offset: 0, deleted: false });
    expect(store.version(8, 'a')).toEqual({ offset: 2, deleted: false });
    expect(store.version(7, 'zz')).toBeUndefined();
    expect(store.unsettledIds(10)).toEqual([{ incarnation: 8, id: 'a' }]);
    expect(store.unsettledCount()).toBe(1);
    store.commit(
      [
        { kind: 'delete', incarnation: 7, id: 'b', version: 3, unsettled: false },
        { kind: 'touch', incarnation: 7, id: 'b', version: 4, unsettled: true, deleted: true },
        { kind: 'touch', incarnation: 8, id: 'a', version: 5, unsettled: false, deleted: false },
      ],
      { ...meta, nextOffset: 6 },
    );
    expect(store.version(7, 'b')).toEqual({ offset: 4, deleted: true });
    expect(store.version(8, 'a')).toEqual({ offset: 5, deleted: false });
    expect(store.unsettledIds(10)).toEqual([{ incarnation: 7, id: 'b' }]);
    store.dropIncarnation(7, { ...meta, nextOffset: 7 });
    expect(store.version(7, 'b')).toBeUndefined();
    expect(store.unsettledCount()).toBe(0);
  });
});

/** A snapshot store of release 0.1.0 (test/fixtures/upgrade-0.1.0): LMDB databases `vectors` and `meta` only. */
describe('VectorStore from before versions', () => {
  const snapshots = path.join(__dirname, '..', 'fixtures', 'upgrade-0.1.0', 'data-dir', 'snapshots', 'p0');
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-store-'));
    // A copy: LMDB adds a lock file beside any environment it opens, even read-only.
    file = path.join(dir, 'store.mdb');
    fs.copyFileSync(path.join(snapshots, fs.readdirSync(snapshots)[0]!, 'store.mdb'), file);
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    { store: 'plain', options: {} },
    { store: 'encrypted', options: { encryptionKey: 'Zm9yLXRoZS0wLjEtc3RvcmUtb25seS0x' } },
  ])('opens ($store) with every vector, each unsettled and of unknown version', async ({ options }) => {
    await VectorStore.restore(file, path.join(dir, 'live'), options);
    const store = VectorStore.open(path.join(dir, 'live'), options);
    try {
      const incarnations = Object.values(store.meta().current);
      expect(incarnations.length).toBeGreaterThan(0);
      const ids = incarnations.flatMap((incarnation) => [...store.labels(incarnation)].map(({ id }) => ({ incarnation, id })));
      expect(ids.length).toBeGreaterThan(0);
      expect(store.unsettledCount()).toBe(ids.length);
      expect(store.unsettledIds(ids.length)).toEqual([...ids].sort((a, b) => a.incarnation - b.incarnation || (a.id < b.id ? -1 : 1)));
      for (const { incarnation, id } of ids) {
        expect(store.version(incarnation, id)).toBeUndefined();
        expect(store.get(incarnation, id)!.values).toHaveLength(4);
      }
      // Settling an id records its version; a reopen leaves the other marks as they were and adds none.
      const [first] = ids;
      store.commit([{ kind: 'touch', incarnation: first!.incarnation, id: first!.id, version: 1_000, unsettled: false, deleted: false }], store.meta());
    } finally {
      await store.close();
    }
    const again = VectorStore.open(path.join(dir, 'live'), options);
    try {
      const total = Object.values(again.meta().current).reduce((sum, incarnation) => sum + again.count(incarnation), 0);
      expect(again.unsettledCount()).toBe(total - 1);
    } finally {
      await again.close();
    }
  });

  test('a store with versions keeps its unsettled ids as they are', async () => {
    const store = VectorStore.open(dir);
    store.commit([{ kind: 'put', incarnation: 1, id: 'a', vector: { label: 0, values: Float32Array.of(1), metadata: null }, version: 0, unsettled: false }], { nextOffset: 1, current: {}, dropped: {} });
    await store.close();
    const again = VectorStore.open(dir);
    expect(again.unsettledCount()).toBe(0);
    await again.close();
  });
});
