/** Reads a whole topic as it is now (every partition up to its end offset), with a private reader group. */
import { readerGroup, type Backbone, type ConsumedRecord } from '../../src/log/backbone';
import { waitFor } from './wait';

export async function readLog(backbone: Backbone, topic: string): Promise<ConsumedRecord[][]> {
  const ends = await backbone.endOffsets(topic);
  const records: ConsumedRecord[][] = ends.map(() => []);
  const next = ends.map(() => 0);
  const handle = await backbone.consume({
    topic,
    group: readerGroup('test', 'read-log'),
    onAssign: (partitions) => new Map(partitions.map((p) => [p, 0])),
    onRevoke: () => undefined,
    onBatch: (batch) => {
      for (const record of batch.records) {
        if (record.offset >= ends[batch.partition]!) break;
        records[batch.partition]!.push(record);
      }
      next[batch.partition] = batch.records[batch.records.length - 1]!.offset + 1;
      return Promise.resolve();
    },
  });
  try {
    // Compaction may have left holes: done once every partition is read past its end.
    await waitFor(() => next.every((n, p) => n >= ends[p]!), { what: `${topic} read to its end` });
  } finally {
    await handle.stop();
  }
  return records;
}
