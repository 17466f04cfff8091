/**
 * Where a partition's reads go. Role `all` reads every partition in-process; a gateway of a cluster routes each
 * partition to a ready owner among the index nodes (see `cluster/`), failing over between replica groups.
 * A partition with no live owner fails the read with `JADE_ERR_NO_OWNER`: never silently partial results.
 */
import { jadeError, isJadeError } from '../errors';
import type { PartitionStatus, ShardHost } from '../node/shard-host';
import type { ShardReads } from '../node/shard-reads';

export interface ShardRouter {
  readonly partitions: number;
  /**
   * Runs `read` against an owner of `partition`, trying another owner when one fails with a retriable error,
   * within the caller's deadline.
   */
  route<T>(partition: number, read: (reads: ShardReads) => Promise<T>): Promise<T>;
  /** How many records `partition` lags behind the log on its most caught-up owner (for back-pressure). */
  lag(partition: number): number;
  /**
   * Why no one applies `partition` now, or undefined when someone does. Writes to it are refused meanwhile (503):
   * acknowledging writes no one applies would make every read of them wait. A cluster's gateway answers undefined:
   * the log holds writes through a failover, and the consistency wait bounds reads.
   */
  stalled(partition: number): string | undefined;
  /**
   * Partitions not yet known to be erased of a dropped database named `name`: a partition counts as erased only when
   * its owner (in replica group 0, which erases) has applied the log up to `ends` (which lie past the drop markers)
   * and awaits no erasure of that name.
   */
  partitionsAwaitingErasure(name: string, ends: readonly number[]): Promise<number>;
  /**
   * Partitions that may lack the create marker of incarnation `incarnation` of `name`, in order: those whose owners
   * do not report holding it. A partition one owner reports holding it has the marker in its log for good (marker
   * keys are unique, so compaction never removes a live database's markers). One counts as lacking it once an owner
   * that has applied the log up to `ends` does not hold it, or when no owner could say within `timeoutMs`: re-emitting
   * a marker is always safe, writing into a partition without one is not.
   */
  partitionsLackingDatabase(name: string, incarnation: number, ends: readonly number[], timeoutMs: number): Promise<number[]>;
}

/** Whether a partition's status lists incarnation `incarnation` of `name` among the databases it holds. */
export function holdsDatabase(status: Pick<PartitionStatus, 'databases'>, name: string, incarnation: number): boolean {
  return status.databases.some((d) => d.name === name && d.incarnation === incarnation);
}

/** Every partition served by the shard host of this process (role `all`). */
export class LocalRouter implements ShardRouter {
  constructor(
    private readonly host: ShardHost,
    private readonly reads: ShardReads,
    readonly partitions: number,
  ) {}

  route<T>(partition: number, read: (reads: ShardReads) => Promise<T>): Promise<T> {
    if (!this.host.owns(partition)) return Promise.reject(jadeError('JADE_ERR_NO_OWNER', [partition]));
    return read(this.reads).catch((err: unknown) => {
      // The partition moved away between the check and the read.
      if (isJadeError(err, 'JADE_ERR_LOG_NOT_ASSIGNED')) throw jadeError('JADE_ERR_NO_OWNER', [partition], { cause: err });
      throw err;
    });
  }

  lag(partition: number): number {
    return this.host.status().find((s) => s.partition === partition)?.lag ?? 0;
  }

  stalled(partition: number): string | undefined {
    const status = this.host.status().find((s) => s.partition === partition);
    if (status === undefined) return 'not assigned to this process';
    return status.failure === undefined ? undefined : `${status.failure.code}: ${status.failure.message}`;
  }

  partitionsAwaitingErasure(name: string, ends: readonly number[]): Promise<number> {
    const status = this.host.status();
    let awaiting = 0;
    for (let partition = 0; partition < this.partitions; partition++) {
      const p = status.find((s) => s.partition === partition);
      if (p === undefined || p.nextOffset < (ends[partition] ?? 0) || p.awaitingErasure.some((d) => d.name === name)) awaiting += 1;
    }
    return Promise.resolve(awaiting);
  }

  async partitionsLackingDatabase(name: string, incarnation: number, ends: readonly number[], timeoutMs: number): Promise<number[]> {
    const statusOf = (partition: number): PartitionStatus | undefined => this.host.status().find((s) => s.partition === partition);
    const lacking = await Promise.all(
      Array.from({ length: this.partitions }, async (_, partition) => {
        const before = statusOf(partition);
        if (before === undefined) return true; // not owned here: nobody can say
        if (holdsDatabase(before, name, incarnation)) return false;
        // Not yet: it may only be behind the marker.
        await this.host.waitForOffset(partition, ends[partition] ?? 0, timeoutMs).catch(() => undefined);
        const after = statusOf(partition);
        return after === undefined || !holdsDatabase(after, name, incarnation);
      }),
    );
    return lacking.flatMap((lacks, partition) => (lacks ? [partition] : []));
  }
}
