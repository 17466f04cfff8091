/**
 * The backbone contract: one suite, run unchanged against the embedded log (unit tests) and a real Kafka broker
 * (integration tests). Whatever the rest of the system assumes about the log is asserted here.
 */
import { randomUUID } from 'node:crypto';
import { TOPIC_IDENTITY_KEY, type Backbone, type ConsumedRecord, type ConsumerHandle, type TopicSpec } from '../../src/log/backbone';
import { partitionForKey } from '../../src/log/murmur2';
import { expectJadeError, randomName, waitFor } from '../helpers/wait';

export interface ContractTarget {
  backbone: Backbone;
  /** Unique per test run, so topics and groups never collide. */
  prefix: string;
  /** Waits until the log cleaner has compacted what it can of `topic` (embedded: runs it; Kafka: waits for it). */
  compact(topic: string): Promise<void>;
  /** Extra configs a compaction test topic needs (Kafka: short segment.ms so segments roll). */
  compactionConfigs: Record<string, string>;
  /** Replication factor of test topics. */
  replicationFactor: number;
  close(): Promise<void>;
}

/** Consumes a topic from the given starts until every partition reaches `until`, then stops. */
export async function readUntil(
  backbone: Backbone,
  topic: string,
  group: string,
  until: number[],
  starts: Map<number, number> = new Map(),
  timeoutMs = 120_000,
): Promise<Map<number, ConsumedRecord[]>> {
  const byPartition = new Map<number, ConsumedRecord[]>(until.map((_, p) => [p, []]));
  const reached = (): boolean => until.every((end, p) => {
    const list = byPartition.get(p)!;
    const last = list[list.length - 1];
    return end <= (starts.get(p) ?? 0) || (last !== undefined && last.offset >= end - 1);
  });
  const handle = await backbone.consume({
    topic,
    group,
    onAssign: () => starts,
    onRevoke: () => undefined,
    onBatch: (batch) => {
      byPartition.get(batch.partition)!.push(...batch.records);
      return Promise.resolve();
    },
  });
  try {
    await waitFor(() => reached(), { timeoutMs, what: `reading ${topic} to ${until.join(',')}` });
  } finally {
    await handle.stop();
  }
  return byPartition;
}

export function describeBackboneContract(name: string, makeTarget: () => Promise<ContractTarget>, timeoutMs = 60_000): void {
  describe(`backbone contract: ${name}`, () => {
    let target: ContractTarget;
    let backbone: Backbone;
    const topicSpec = (partitions: number, configs: Record<string, string> = {}): TopicSpec => ({
      name: `${target.prefix}.${randomName('topic')}`,
      partitions,
      replicationFactor: target.replicationFactor,
      configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', ...configs },
    });

    beforeAll(async () => {
      target = await makeTarget();
      backbone = target.backbone;
    }, timeoutMs);
    afterAll(async () => {
      await target?.close();
    }, timeoutMs);

    it('creates a topic once, reads it back, and refuses a layout that disagrees', async () => {
      const spec = { ...topicSpec(3), withIdentity: true };
      const created = await backbone.ensureTopic(spec);
      expect(created.partitions).toBe(3);
      expect(created.identity).toMatch(/^[0-9a-f-]{36}$/);
      const again = await backbone.ensureTopic(spec);
      expect(again.identity).toBe(created.identity);
      expect((await backbone.describeTopic(spec.name))?.partitions).toBe(3);
      expect(await backbone.describeTopic(`${spec.name}-missing`)).toBeUndefined();

      await expectJadeError(backbone.ensureTopic({ ...spec, partitions: 4 }), 'JADE_ERR_CONFIG_TOPIC_MISMATCH');
      await expectJadeError(backbone.ensureTopic({ ...spec, configs: { ...spec.configs, 'retention.ms': '1000' } }), 'JADE_ERR_CONFIG_TOPIC_MISMATCH');
    }, timeoutMs);

    it('produces 100,000 records and consumes them back with exact offsets and per-partition order', async () => {
      const spec = topicSpec(4);
      await backbone.ensureTopic(spec);
      const total = 100_000;
      const batch = 5_000;
      const acks: { key: string; partition: number; offset: number }[] = [];
      for (let start = 0; start < total; start += batch) {
        const records = Array.from({ length: batch }, (_, i) => {
          const key = `db/${start + i}`;
          return { key: Buffer.from(key), value: Buffer.from(`v${start + i}`) };
        });
        const result = await backbone.produce(spec.name, records);
        expect(result).toHaveLength(batch);
        result.forEach((ack, i) => acks.push({ key: `db/${start + i}`, ...ack }));
      }
      // Placement is Kafka's default partitioner, whoever produced.
      expect(acks.filter((ack) => ack.partition !== partitionForKey(ack.key, 4))).toEqual([]);

      const ends = await backbone.endOffsets(spec.name);
      const expectedByPartition = new Map<number, typeof acks>();
      for (const ack of acks) {
        const list = expectedByPartition.get(ack.partition) ?? [];
        list.push(ack);
        expectedByPartition.set(ack.partition, list);
      }
      for (let p = 0; p < 4; p++) {
        const expected = expectedByPartition.get(p) ?? [];
        // Offsets are dense and in production order within a partition.
        expect(expected.map((a) => a.offset)).toEqual(expected.map((_, i) => i));
        expect(ends[p]).toBe(expected.length);
      }

      const consumed = await readUntil(backbone, spec.name, randomName(`${target.prefix}-g`), ends);
      let count = 0;
      for (let p = 0; p < 4; p++) {
        const got = consumed.get(p)!;
        const expected = expectedByPartition.get(p) ?? [];
        count += got.length;
        expect(got.map((r) => r.offset)).toEqual(expected.map((a) => a.offset));
        expect(got.map((r) => r.key?.toString())).toEqual(expected.map((a) => a.key));
        expect(got.every((r, i) => r.value?.toString() === `v${expected[i]!.key.slice(3)}`)).toBe(true);
      }
      expect(count).toBe(total);
    }, 4 * timeoutMs);

    it('replays exactly the suffix after a seek', async () => {
      const spec = topicSpec(2);
      await backbone.ensureTopic(spec);
      const acks = await backbone.produce(
        spec.name,
        Array.from({ length: 400 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(String(i)) })),
      );
      const ends = await backbone.endOffsets(spec.name);
      const seen = new Map<number, number[]>([[0, []], [1, []]]);
      const seekTo = new Map([[0, Math.floor(ends[0]! / 2)], [1, ends[1]! - 3]]);
      let sought = false;
      let handle: ConsumerHandle | undefined;
      const allRead = (): boolean => [0, 1].every((p) => seen.get(p)!.at(-1) === ends[p]! - 1);
      handle = await backbone.consume({
        topic: spec.name,
        group: randomName(`${target.prefix}-g`),
        onAssign: () => new Map(),
        onRevoke: () => undefined,
        onBatch: (b) => {
          seen.get(b.partition)!.push(...b.records.map((r) => r.offset));
          return Promise.resolve();
        },
      });
      try {
        await waitFor(() => allRead(), { what: 'first full read' });
        for (const p of [0, 1]) seen.set(p, []);
        for (const [p, offset] of seekTo) handle.seek(p, offset);
        sought = true;
        await waitFor(() => allRead(), { what: 'replay after seek' });
      } finally {
        await handle.stop();
        handle = undefined;
      }
      expect(sought).toBe(true);
      for (const [p, offset] of seekTo) {
        const expected = acks.filter((a) => a.partition === p && a.offset >= offset).map((a) => a.offset);
        expect(seen.get(p)).toEqual(expected);
      }
    }, timeoutMs);

    it('carries headers, timestamps and tombstones', async () => {
      const spec = topicSpec(1);
      await backbone.ensureTopic(spec);
      const timestamp = Date.UTC(2026, 0, 2, 3, 4, 5);
      await backbone.produce(spec.name, [
        { key: Buffer.from('a'), value: Buffer.from([0, 1, 2, 255]), headers: { trace: Buffer.from('x1') }, timestamp },
        { key: Buffer.from('a'), value: null },
      ]);
      const got = (await readUntil(backbone, spec.name, randomName(`${target.prefix}-g`), [2])).get(0)!;
      expect(got).toHaveLength(2);
      expect(got[0]!.value).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(got[0]!.headers.trace).toEqual(Buffer.from('x1'));
      expect(got[0]!.timestamp).toBe(timestamp);
      expect(got[1]!.value).toBeNull();
      expect(got[1]!.key?.toString()).toBe('a');
    }, timeoutMs);

    it('pauses and resumes a partition', async () => {
      const spec = topicSpec(2);
      await backbone.ensureTopic(spec);
      const seen: ConsumedRecord[] = [];
      const handle = await backbone.consume({
        topic: spec.name,
        group: randomName(`${target.prefix}-g`),
        onAssign: () => new Map(),
        onRevoke: () => undefined,
        onBatch: (b) => {
          seen.push(...b.records);
          return Promise.resolve();
        },
      });
      try {
        await waitFor(() => handle.assignment().length === 2, { what: 'assignment' });
        handle.pause([0]);
        const acks = await backbone.produce(
          spec.name,
          Array.from({ length: 50 }, (_, i) => ({ key: Buffer.from(`p${i}`), value: Buffer.from('x') })),
        );
        const in1 = acks.filter((a) => a.partition === 1).length;
        const in0 = acks.length - in1;
        expect(in0).toBeGreaterThan(0);
        await waitFor(() => seen.filter((r) => r.partition === 1).length === in1, { what: 'unpaused partition read' });
        expect(seen.filter((r) => r.partition === 0)).toHaveLength(0);
        handle.resume([0]);
        await waitFor(() => seen.filter((r) => r.partition === 0).length === in0, { what: 'resumed partition read' });
      } finally {
        await handle.stop();
      }
    }, timeoutMs);

    it('shares partitions between members of a group and hands them over when one leaves', async () => {
      const spec = topicSpec(4);
      await backbone.ensureTopic(spec);
      const group = randomName(`${target.prefix}-g`);
      const revokedFromA: number[] = [];
      const noop = { onRevoke: () => undefined, onBatch: () => Promise.resolve() };
      const a = await backbone.consume({ topic: spec.name, group, memberId: 'a', onAssign: () => new Map(), ...noop, onRevoke: (ps) => void revokedFromA.push(...ps) });
      await waitFor(() => a.assignment().length === 4, { what: 'a owns all' });
      const b = await backbone.consume({ topic: spec.name, group, memberId: 'b', onAssign: () => new Map(), ...noop });
      try {
        await waitFor(() => a.assignment().length === 2 && b.assignment().length === 2, { what: 'even split', timeoutMs: timeoutMs / 2 });
        expect([...a.assignment(), ...b.assignment()].sort()).toEqual([0, 1, 2, 3]);
        expect(revokedFromA.length).toBeGreaterThanOrEqual(2);
        await a.stop();
        await waitFor(() => b.assignment().length === 4, { what: 'b takes over', timeoutMs: timeoutMs / 2 });
      } finally {
        await a.stop();
        await b.stop();
      }
    }, timeoutMs);

    it('compaction keeps the last value of every key', async () => {
      const spec = topicSpec(2, { 'cleanup.policy': 'compact', 'delete.retention.ms': '86400000', ...target.compactionConfigs });
      delete spec.configs['retention.ms'];
      await backbone.ensureTopic(spec);
      const keys = Array.from({ length: 200 }, (_, i) => `c${i}`);
      for (let version = 1; version <= 3; version++) {
        await backbone.produce(spec.name, keys.map((k) => ({ key: Buffer.from(k), value: Buffer.from(`${k}@${version}`) })));
      }
      await backbone.produce(spec.name, keys.slice(0, 20).map((k) => ({ key: Buffer.from(k), value: null })));
      await target.compact(spec.name);

      const ends = await backbone.endOffsets(spec.name);
      const read = await readUntil(backbone, spec.name, randomName(`${target.prefix}-g`), ends);
      const all = [...read.values()].flat().filter((r) => r.key !== null && r.key.toString().startsWith('c'));
      const latest = new Map<string, string | null>();
      for (const r of all) latest.set(r.key!.toString(), r.value === null ? null : r.value.toString());
      for (const [i, k] of keys.entries()) expect(latest.get(k)).toBe(i < 20 ? null : `${k}@3`);
      // Superseded versions are gone: at most one record per key survives.
      const perKey = new Map<string, number>();
      for (const r of all) perKey.set(r.key!.toString(), (perKey.get(r.key!.toString()) ?? 0) + 1);
      expect(Math.max(...perKey.values())).toBe(1);
      // Offsets are kept: the end offsets did not move.
      expect(ends.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3 * 200 + 20);
    }, 3 * timeoutMs);

    it('keeps one topic identity through a racing starter’s duplicate identity record and compaction', async () => {
      const spec: TopicSpec = { ...topicSpec(2, { 'cleanup.policy': 'compact', 'delete.retention.ms': '86400000', ...target.compactionConfigs }), withIdentity: true };
      delete spec.configs['retention.ms'];
      const created = await backbone.ensureTopic(spec);
      // A second starter that found no identity wrote its own, as releases before 0.2 did, under the bare key.
      await backbone.produce(spec.name, [{ key: TOPIC_IDENTITY_KEY, value: Buffer.from(randomUUID()), partition: 0 }]);
      // Superseded records in partition 0, so that compaction has work there (and the Kafka hook waits for it).
      for (const version of [1, 2]) await backbone.produce(spec.name, [{ key: Buffer.from('x'), value: Buffer.from(`x@${version}`), partition: 0 }]);
      /** The identity as a reader of the log finds it: the identity record with the lowest offset in partition 0. */
      const firstInLog = async (): Promise<string | undefined> => {
        const read = await readUntil(backbone, spec.name, randomName(`${target.prefix}-id`), await backbone.endOffsets(spec.name));
        const record = read.get(0)!.find((r) => r.key !== null && r.key.subarray(0, TOPIC_IDENTITY_KEY.length).equals(TOPIC_IDENTITY_KEY));
        return record?.value?.toString('utf8');
      };
      expect((await backbone.ensureTopic(spec)).identity).toBe(created.identity);
      expect(await firstInLog()).toBe(created.identity);

      await target.compact(spec.name);
      expect((await backbone.ensureTopic(spec)).identity).toBe(created.identity);
      expect((await backbone.describeTopic(spec.name))?.identity).toBe(created.identity);
      expect(await firstInLog()).toBe(created.identity);
    }, 3 * timeoutMs);

    it('refuses a record larger than the limit before producing anything', async () => {
      const spec = topicSpec(1);
      await backbone.ensureTopic(spec);
      const big = Buffer.alloc(backbone.maxRecordBytes + 1);
      await expectJadeError(
        backbone.produce(spec.name, [{ key: Buffer.from('ok'), value: Buffer.from('x') }, { key: Buffer.from('big'), value: big }]),
        'JADE_ERR_LOG_RECORD_TOO_LARGE',
      );
      expect(await backbone.endOffsets(spec.name)).toEqual([0]);
    }, timeoutMs);

    it('refuses to produce to a topic that does not exist', async () => {
      await expectJadeError(backbone.produce(`${target.prefix}.missing`, [{ key: Buffer.from('k'), value: null }]), 'JADE_ERR_LOG_UNKNOWN_TOPIC');
    }, timeoutMs);
  });
}
