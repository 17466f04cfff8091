/**
 * Routes each partition's reads to a ready owner among the live index nodes (from membership heartbeats),
 * preferring the least lagging, and fails over to another owner (usually another replica group) when one fails
 * with a retriable error, within the request's deadline. No ready owner: `JADE_ERR_NO_OWNER`, never partial results.
 */
import type { Heartbeat, MembershipView } from '../cluster/membership';
import { isJadeError, jadeError } from '../errors';
import { RemoteShardReads, type IndexNodeStatus } from '../node/remote-shard-reads';
import type { ShardReads } from '../node/shard-reads';
import { holdsDatabase, type ShardRouter } from './router';

interface Owner {
  heartbeat: Heartbeat;
  lag: number;
}

/** Errors after which another owner may well succeed. */
const FAIL_OVER = new Set(['JADE_ERR_NODE_UNREACHABLE', 'JADE_ERR_LOG_NOT_ASSIGNED', 'JADE_ERR_NO_OWNER', 'JADE_ERR_SHARD_CLOSED', 'JADE_ERR_INTERNAL']);

export class RemoteRouter implements ShardRouter {
  private readonly clients = new Map<string, RemoteShardReads>();

  constructor(
    private readonly membership: MembershipView,
    readonly partitions: number,
    private readonly clusterSecret: string,
    /** Total time a read may spend trying owners. @default 10000 */
    private readonly deadlineMs = 10_000,
  ) {}

  async route<T>(partition: number, read: (reads: ShardReads) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.deadlineMs;
    const tried = new Set<string>();
    let lastError: unknown;
    for (;;) {
      const owner = this.owners(partition).find((o) => !tried.has(o.heartbeat.nodeId));
      if (owner === undefined || Date.now() > deadline) {
        throw jadeError('JADE_ERR_NO_OWNER', [partition], lastError === undefined ? {} : { cause: lastError });
      }
      tried.add(owner.heartbeat.nodeId);
      try {
        return await read(this.client(owner.heartbeat.url));
      } catch (err) {
        if (!isJadeError(err) || !FAIL_OVER.has(err.code)) throw err;
        lastError = err;
      }
    }
  }

  stalled(): string | undefined {
    return undefined;
  }

  lag(partition: number): number {
    const owners = this.owners(partition);
    return owners.length === 0 ? 0 : Math.min(...owners.map((o) => o.lag));
  }

  /**
   * See ShardRouter. Group 0 erases, so a partition needs a live group-0 owner; every live owner of every group must
   * also be past the drop, so no replica could still answer for the old incarnation once the name is re-created.
   * Heartbeats may be a second old, which only errs on the side of "not erased yet".
   */
  partitionsAwaitingErasure(name: string, ends: readonly number[]): Promise<number> {
    let awaiting = 0;
    for (let partition = 0; partition < this.partitions; partition++) {
      const entries = this.allOwners(partition).map((o) => ({ group: o.heartbeat.replicaGroup, entry: o.heartbeat.partitions.find((p) => p.partition === partition) }));
      const pending = entries.some(({ entry }) => entry === undefined || entry.nextOffset < (ends[partition] ?? 0) || entry.awaitingErasure.includes(name));
      if (pending || !entries.some(({ group }) => group === 0)) awaiting += 1;
    }
    return Promise.resolve(awaiting);
  }

  /**
   * See ShardRouter. Heartbeats do not list the databases a shard holds, so the live owners of every partition are
   * asked for their status (one request per node and round), again every 200 ms for partitions still undecided.
   */
  async partitionsLackingDatabase(name: string, incarnation: number, ends: readonly number[], timeoutMs: number): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    const lacking: number[] = [];
    let undecided = Array.from({ length: this.partitions }, (_, partition) => partition);
    for (;;) {
      const statuses = new Map<string, Promise<IndexNodeStatus | undefined>>();
      const statusOf = (url: string): Promise<IndexNodeStatus | undefined> => {
        let status = statuses.get(url);
        if (status === undefined) {
          status = this.client(url).status().catch(() => undefined);
          statuses.set(url, status);
        }
        return status;
      };
      const next: number[] = [];
      for (const partition of undecided) {
        const owners = this.allOwners(partition);
        let holds = false;
        let caughtUpWithout = false;
        for (const owner of owners) {
          const entry = (await statusOf(owner.heartbeat.url))?.partitions.find((p) => p.partition === partition);
          if (entry === undefined) continue;
          if (holdsDatabase(entry, name, incarnation)) holds = true;
          else if (entry.nextOffset >= (ends[partition] ?? 0)) caughtUpWithout = true;
        }
        if (holds) continue;
        if (owners.length === 0 || caughtUpWithout || Date.now() >= deadline) lacking.push(partition);
        else next.push(partition);
      }
      if (next.length === 0) return lacking.sort((a, b) => a - b);
      undecided = next;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(200, deadline - Date.now()))));
    }
  }

  /** Every partition has a ready owner somewhere. */
  ready(): boolean {
    for (let partition = 0; partition < this.partitions; partition++) if (this.owners(partition).length === 0) return false;
    return true;
  }

  /** Ready owners of a partition, least lagging first. */
  owners(partition: number): Owner[] {
    return this.allOwners(partition).filter((o) => o.heartbeat.partitions.some((p) => p.partition === partition && p.ready));
  }

  /** Every live owner of a partition, ready or not, least lagging first. */
  allOwners(partition: number): Owner[] {
    const owners: Owner[] = [];
    for (const heartbeat of this.membership.live()) {
      const entry = heartbeat.partitions.find((p) => p.partition === partition);
      if (entry !== undefined) owners.push({ heartbeat, lag: entry.lag });
    }
    return owners.sort((a, b) => a.lag - b.lag || a.heartbeat.replicaGroup - b.heartbeat.replicaGroup);
  }

  private client(url: string): RemoteShardReads {
    let client = this.clients.get(url);
    if (client === undefined) {
      client = new RemoteShardReads(url, this.clusterSecret);
      this.clients.set(url, client);
    }
    return client;
  }
}
