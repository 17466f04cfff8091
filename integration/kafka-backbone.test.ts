/** The backbone contract suite against a real Kafka broker (the same suite the embedded log passes). */
import { TOPIC_IDENTITY_KEY, isTopicIdentityKey, type TopicSpec } from '../src/log/backbone';
import { KafkaBackbone } from '../src/log/kafka-backbone';
import { readUntil, describeBackboneContract } from '../test/contract/backbone-contract';
import { randomName, waitFor } from '../test/helpers/wait';
import { testBrokers } from './harness/env';

describeBackboneContract(
  'kafka',
  async () => {
    const prefix = randomName('jade');
    const backbone = await KafkaBackbone.connect({ brokers: testBrokers(), maxRecordBytes: 64 * 1024, groupPrefix: prefix, sessionTimeoutMs: 6_000 });
    return {
      backbone,
      prefix,
      replicationFactor: 1,
      // Segments must roll for the cleaner to see them; the broker runs its cleaner often in tests.
      compactionConfigs: { 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', 'min.compaction.lag.ms': '0' },
      compact: async (topic: string) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const partitions = (await backbone.describeTopic(topic))!.partitions;
        // A record in every partition rolls the segment holding the earlier ones, which makes them cleanable.
        await backbone.produce(topic, Array.from({ length: partitions }, (_, p) => ({ key: Buffer.from(`\0roll/${p}`), value: Buffer.from('r'), partition: p })));
        await waitFor(
          async () => {
            const ends = await backbone.endOffsets(topic);
            const read = await readUntil(backbone, topic, randomName(`${prefix}-compact`), ends);
            const perKey = new Map<string, number>();
            for (const r of [...read.values()].flat()) perKey.set(r.key!.toString(), (perKey.get(r.key!.toString()) ?? 0) + 1);
            return Math.max(...perKey.values()) === 1;
          },
          { timeoutMs: 90_000, intervalMs: 1_000, what: `compaction of ${topic}` },
        );
      },
      close: () => backbone.close(),
    };
  },
  90_000,
);

describe('kafka topic identity', () => {
  const prefix = randomName('jade-id');
  const open = (): Promise<KafkaBackbone> => KafkaBackbone.connect({ brokers: testBrokers(), groupPrefix: prefix, sessionTimeoutMs: 6_000 });
  const opened: KafkaBackbone[] = [];
  afterAll(async () => {
    for (const backbone of opened) await backbone.close();
  });

  it('gives starters that adopt an identity at once the same one, before and after compaction', async () => {
    const [a, b] = [await open(), await open()];
    opened.push(a, b);
    const spec: TopicSpec = {
      name: `${prefix}.vectors`,
      partitions: 2,
      replicationFactor: 1,
      configs: { 'cleanup.policy': 'compact', 'delete.retention.ms': '86400000', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', 'min.compaction.lag.ms': '0' },
    };
    // The topic exists without an identity (its creator died before writing one), so both starters write one; each
    // holds its write back until the other has decided too, so neither sees the other's before writing its own.
    await a.ensureTopic(spec);
    let decided = 0;
    let bothDecided!: () => void;
    const barrier = new Promise<void>((resolve) => (bothDecided = resolve));
    for (const starter of [a, b]) {
      const produce = starter.produce.bind(starter);
      starter.produce = async (topic, records) => {
        if (records.some((r) => r.key.subarray(0, TOPIC_IDENTITY_KEY.length).equals(TOPIC_IDENTITY_KEY))) {
          if (++decided === 2) bothDecided();
          await barrier;
        }
        return produce(topic, records);
      };
    }
    const [fromA, fromB] = await Promise.all([a.ensureTopic({ ...spec, withIdentity: true }), b.ensureTopic({ ...spec, withIdentity: true })]);
    expect(fromA.identity).toMatch(/^[0-9a-f-]{36}$/);
    expect(fromB.identity).toBe(fromA.identity);
    const fresh = await open();
    opened.push(fresh);
    expect((await fresh.describeTopic(spec.name))?.identity).toBe(fromA.identity);
    const identityRecords = async (): Promise<number> => {
      const read = await readUntil(a, spec.name, randomName(`${prefix}-read`), await a.endOffsets(spec.name));
      return read.get(0)!.filter((r) => isTopicIdentityKey(r.key)).length;
    };
    expect(await identityRecords()).toBe(2); // the race happened: each starter wrote one

    // Superseded records in partition 0, then a record that rolls the segment, so the cleaner compacts partition 0.
    for (const version of [1, 2]) await a.produce(spec.name, [{ key: Buffer.from('x'), value: Buffer.from(`x@${version}`), partition: 0 }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await a.produce(spec.name, [{ key: Buffer.from('\0roll'), value: Buffer.from('r'), partition: 0 }]);
    await waitFor(
      async () => {
        const read = await readUntil(a, spec.name, randomName(`${prefix}-compact`), await a.endOffsets(spec.name));
        return read.get(0)!.filter((r) => r.key?.toString() === 'x').length === 1;
      },
      { timeoutMs: 90_000, intervalMs: 1_000, what: `compaction of ${spec.name}` },
    );
    expect(await identityRecords()).toBe(2); // no identity record is ever superseded
    const afterCompaction = await open();
    opened.push(afterCompaction);
    expect((await afterCompaction.describeTopic(spec.name))?.identity).toBe(fromA.identity);
    expect((await afterCompaction.ensureTopic({ ...spec, withIdentity: true })).identity).toBe(fromA.identity);
  }, 180_000);
});
