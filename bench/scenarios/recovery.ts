/**
 * Scenario 5, recovery: the database is stopped as a user would stop it (which snapshots every shard) and started
 * again on the same data directory; time to ready is from the server's start to every partition caught up (what
 * /ready reports). Then again with the snapshots deleted, so every shard replays its whole partition of the log.
 * After each start the vector count is checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DbProcess } from '../db-process';
import { directoryBytes } from '../machine';

export interface RecoveryPoint {
  mode: 'snapshot' | 'replay';
  vectors: number;
  logRecords: number;
  logBytes: number;
  snapshotBytes: number;
  /** Server start to ready, ms. */
  startToReadyMs: number;
  /** Process spawn (Node, TypeScript loading) to ready, ms. */
  spawnToReadyMs: number;
  /** Graceful stop before this start (snapshots written), ms. */
  stopMs: number;
  /** Vectors counted (strong read) before the stop, and after the start. */
  countBefore: number;
  countAfter: number;
}

async function endOffsets(db: DbProcess): Promise<number> {
  const status = await db.client.json<{ partitions: { endOffset: number }[] }>('GET', '/status');
  return status.partitions.reduce((s, p) => s + p.endOffset, 0);
}

async function count(db: DbProcess, database: string): Promise<number> {
  return (await db.client.json<{ count: number }>('POST', `/v1/databases/${database}/vectors/count`, { consistency: 'strong' })).count;
}

/**
 * Restarts `db` from its snapshots and then by full replay; returns the points and the running database (the
 * last one started).
 */
export async function recovery(db: DbProcess, options: { database: string; config: Record<string, unknown> }): Promise<{ points: RecoveryPoint[]; db: DbProcess }> {
  const logRecords = await endOffsets(db);
  const countBefore = await count(db, options.database);
  const points: RecoveryPoint[] = [];
  let current = db;
  for (const mode of ['snapshot', 'replay'] as const) {
    const { stopMs } = await current.stop();
    const snapshots = path.join(current.dataDir, 'snapshots');
    const snapshotBytes = directoryBytes(snapshots);
    if (mode === 'replay') {
      fs.rmSync(snapshots, { recursive: true, force: true });
      // The live shard stores are caches of the log too: without them a shard rebuilds from offset 0.
      fs.rmSync(path.join(current.dataDir, 'shards'), { recursive: true, force: true });
    }
    const logBytes = directoryBytes(path.join(current.dataDir, 'log'));
    current = await DbProcess.start({ dataDir: current.dataDir, config: options.config });
    points.push({
      mode,
      vectors: countBefore,
      logRecords,
      logBytes,
      snapshotBytes,
      startToReadyMs: current.timings.startToReadyMs,
      spawnToReadyMs: current.timings.spawnToReadyMs,
      stopMs,
      countBefore,
      countAfter: await count(current, options.database),
    });
  }
  return { points, db: current };
}
