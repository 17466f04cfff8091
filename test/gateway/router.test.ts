import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Heartbeat, MembershipView } from '../../src/cluster/membership';
import { RemoteRouter } from '../../src/gateway/remote-router';
import { LocalRouter } from '../../src/gateway/router';
import type { IndexNodeStatus } from '../../src/node/remote-shard-reads';
import type { PartitionStatus, ShardHost } from '../../src/node/shard-host';
import type { ShardReads } from '../../src/node/shard-reads';

const partition = (p: number, nextOffset: number, awaiting: string[] = [], held: [string, number][] = []): PartitionStatus => ({
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
  databases: held.map(([name, incarnation]) => ({ name, incarnation, count: 1, elementCount: 1, backlog: 0 })),
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

describe('LocalRouter: partitions lacking a database’s create marker', () => {
  /** A host whose status can change while a caller waits for an offset. */
  function hostWith(initial: PartitionStatus[]) {
    let status = initial;
    const waiters: { partition: number; offset: number; resolve(): void }[] = [];
    const host = {
      status: () => status,
      owns: (p: number) => status.some((s) => s.partition === p),
      waitForOffset: (p: number, offset: number, timeoutMs: number) =>
        status.find((s) => s.partition === p)!.nextOffset >= offset
          ? Promise.resolve()
          : new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
              const done = (): void => {
                clearTimeout(timer);
                resolve();
              };
              waiters.push({ partition: p, offset, resolve: done });
            }),
    };
    const apply = (next: PartitionStatus[]): void => {
      status = next;
      for (const w of waiters.splice(0)) if (status.find((s) => s.partition === w.partition)!.nextOffset >= w.offset) w.resolve();
    };
    return { router: new LocalRouter(host as unknown as ShardHost, {} as ShardReads, 2), apply };
  }

  it('names none when every partition holds the incarnation, and those that do not once caught up', async () => {
    const all = hostWith([partition(0, 10, [], [['docs', 4]]), partition(1, 5, [], [['docs', 4]])]);
    expect(await all.router.partitionsLackingDatabase('docs', 4, [10, 5], 1_000)).toEqual([]);
    const one = hostWith([partition(0, 10, [], [['docs', 4]]), partition(1, 5, [], [['docs', 2]])]);
    expect(await one.router.partitionsLackingDatabase('docs', 4, [10, 5], 1_000)).toEqual([1]);
  });

  it('waits for a partition behind the given ends, and counts it as lacking only if it still does not hold it', async () => {
    const behind = hostWith([partition(0, 10, [], [['docs', 4]]), partition(1, 3)]);
    const pending = behind.router.partitionsLackingDatabase('docs', 4, [10, 5], 5_000);
    behind.apply([partition(0, 10, [], [['docs', 4]]), partition(1, 5, [], [['docs', 4]])]);
    expect(await pending).toEqual([]);
    const stuck = hostWith([partition(0, 10, [], [['docs', 4]]), partition(1, 3)]);
    expect(await stuck.router.partitionsLackingDatabase('docs', 4, [10, 5], 50)).toEqual([1]);
  });

  it('counts a partition this process does not own as lacking', async () => {
    expect(await hostWith([partition(0, 10, [], [['docs', 4]])]).router.partitionsLackingDatabase('docs', 4, [10, 0], 50)).toEqual([1]);
  });
});

describe('RemoteRouter: partitions lacking a database’s create marker', () => {
  const servers: http.Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  /** An index node answering /internal/v1/status with whatever `status()` gives at the time. */
  async function node(nodeId: string, status: () => PartitionStatus[]): Promise<Heartbeat> {
    const server = http.createServer((req, res) => {
      const body: IndexNodeStatus = { nodeId, replicaGroup: 0, ready: true, partitions: status() };
      res.writeHead(req.url === '/internal/v1/status' ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const partitions = status().map((p) => ({ partition: p.partition, nextOffset: p.nextOffset, lag: 0, ready: true, awaitingErasure: [] }));
    return { nodeId, replicaGroup: 0, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ready: true, partitions, sentAtMs: Date.now() };
  }
  const routerOf = (heartbeats: Heartbeat[]): RemoteRouter => new RemoteRouter({ live: () => heartbeats } as unknown as MembershipView, 3, 'secret');

  it('asks the owners, and names only partitions none of them holds the incarnation in', async () => {
    const a = await node('a', () => [partition(0, 10, [], [['docs', 4]]), partition(1, 5, [], [['docs', 4]])]);
    const b = await node('b', () => [partition(2, 7, [], [['docs', 2]])]);
    expect(await routerOf([a, b]).partitionsLackingDatabase('docs', 4, [10, 5, 7], 1_000)).toEqual([2]);
    const c = await node('c', () => [partition(2, 7, [], [['docs', 4]])]);
    expect(await routerOf([a, c]).partitionsLackingDatabase('docs', 4, [10, 5, 7], 1_000)).toEqual([]);
  });

  it('asks again while an owner is behind, and counts partitions with no owner (or no answer in time) as lacking', async () => {
    let caughtUp = false;
    const a = await node('a', () => [partition(0, 10, [], [['docs', 4]]), caughtUp ? partition(1, 5, [], [['docs', 4]]) : partition(1, 2)]);
    setTimeout(() => (caughtUp = true), 300);
    expect(await routerOf([a]).partitionsLackingDatabase('docs', 4, [10, 5, 0], 5_000)).toEqual([2]);
    caughtUp = false;
    expect(await routerOf([a]).partitionsLackingDatabase('docs', 4, [10, 5, 0], 100)).toEqual([1, 2]);
  });
});
