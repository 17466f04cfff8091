import { LocalRouter } from '../../src/gateway/router';
import type { PartitionStatus, ShardHost } from '../../src/node/shard-host';
import type { ShardReads } from '../../src/node/shard-reads';

const partition = (p: number, nextOffset: number, awaiting: string[] = []): PartitionStatus => ({
  partition: p,
  nextOffset,
  endOffset: nextOffset,
  lag: 0,
  ready: true,
  lastSnapshotOffset: undefined,
  lastSnapshotAtMs: undefined,
  lastSnapshotDurationMs: undefined,
  deadLetters: 0,
  awaitingErasure: awaiting.map((name) => ({ name, incarnation: 0 })),
  databases: [],
});

const routerWith = (status: PartitionStatus[]): LocalRouter =>
  new LocalRouter({ status: () => status, owns: () => true } as unknown as ShardHost, {} as ShardReads, 2);

describe('LocalRouter re-create gate', () => {
  it('counts a partition that has not applied up to the given ends as not erased, even if it reports nothing pending', async () => {
    // Right after a drop the owner may not have applied the drop marker yet, so it awaits nothing: not good enough.
    expect(await routerWith([partition(0, 10), partition(1, 3)]).partitionsAwaitingErasure('docs', [10, 5])).toBe(1);
  });

  it('counts partitions still awaiting the erasure of the name, and none once caught up and erased', async () => {
    expect(await routerWith([partition(0, 10, ['docs']), partition(1, 5)]).partitionsAwaitingErasure('docs', [10, 5])).toBe(1);
    expect(await routerWith([partition(0, 10, ['other']), partition(1, 5)]).partitionsAwaitingErasure('docs', [10, 5])).toBe(0);
  });

  it('counts a partition this process does not own', async () => {
    expect(await routerWith([partition(0, 10)]).partitionsAwaitingErasure('docs', [10, 0])).toBe(1);
  });
});
