/**
 * Where a partition's reads go. Role `all` reads every partition in-process; a gateway of a cluster routes each
 * partition to a ready owner among the index nodes (see `cluster/`), failing over between replica groups.
 * A partition with no live owner fails the read with `JADE_ERR_NO_OWNER`: never silently partial results.
 */
import { jadeError, isJadeError } from '../errors';
import type { ShardHost } from '../node/shard-host';
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
}
