/** The backbone contract suite against a real Kafka broker (the same suite the embedded log passes). */
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
