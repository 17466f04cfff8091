import { murmur2, partitionForKey } from '../../src/log/murmur2';
import { Partitioners } from 'kafkajs';

describe('murmur2', () => {
  // Test vectors from Kafka's UtilsTest.testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j like Java', (input, expected) => {
    expect(murmur2(Buffer.from(input, 'utf8'))).toBe(expected);
  });

  it('uses hash & 0x7fffffff, not Math.abs, for negative hashes', () => {
    const hash = murmur2(Buffer.from('21'));
    expect(hash).toBeLessThan(0);
    expect(partitionForKey('21', 7)).toBe((hash & 0x7fffffff) % 7);
    expect(partitionForKey('21', 7)).not.toBe(Math.abs(hash) % 7);
  });

  it('agrees with KafkaJS DefaultPartitioner on 10,000 keys', () => {
    const kafkajsPartition = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 10_000; i++) {
      const key = `db-${i % 7}/${i.toString(36)}-${'x'.repeat(i % 13)}`;
      const partitionMetadata = Array.from({ length: 12 }, (_, p) => ({ partitionId: p, leader: 0 }));
      const expected = kafkajsPartition({ topic: 't', partitionMetadata, message: { key, value: null } } as never);
      expect(partitionForKey(key, 12)).toBe(expected);
    }
  });

  it('rejects a non-positive partition count', () => {
    expect(() => partitionForKey('a', 0)).toThrow(RangeError);
  });
});
