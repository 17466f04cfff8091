/**
 * The embedded log delivers different partitions' batches at the same time (one batch in flight per partition, in
 * offset order), and still never changes the assignment mid-batch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConsumedBatch, ConsumerHandle } from '../../src/log/backbone';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { waitFor } from '../helpers/wait';

interface Gate {
  promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('embedded log: partitions consumed concurrently', () => {
  let dir: string;
  let backbone: EmbeddedBackbone;
  const handles: ConsumerHandle[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-log-conc-'));
    backbone = EmbeddedBackbone.open({ dir, maxBatchRecords: 10 });
    await backbone.ensureTopic({ name: 't', partitions: 2, replicationFactor: 1, configs: {} });
  });

  afterEach(async () => {
    for (const handle of handles.splice(0)) await handle.stop();
    await backbone.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const produce = (partition: number, count: number, from = 0) =>
    backbone.produce(
      't',
      Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`p${partition}-${from + i}`), value: Buffer.from(String(from + i)), partition })),
    );

  /** Records what each handler call saw, and how many batches of each partition were in flight at once. */
  function recorder(block: (batch: ConsumedBatch) => Promise<void> = () => Promise.resolve()) {
    const offsets = new Map<number, number[]>([[0, []], [1, []]]);
    const running = new Map<number, number>([[0, 0], [1, 0]]);
    let maxPerPartition = 0;
    let maxOverall = 0;
    const onBatch = async (batch: ConsumedBatch): Promise<void> => {
      running.set(batch.partition, running.get(batch.partition)! + 1);
      maxPerPartition = Math.max(maxPerPartition, running.get(batch.partition)!);
      maxOverall = Math.max(maxOverall, running.get(0)! + running.get(1)!);
      try {
        offsets.get(batch.partition)!.push(...batch.records.map((r) => r.offset));
        await block(batch);
      } finally {
        running.set(batch.partition, running.get(batch.partition)! - 1);
      }
    };
    return { offsets, onBatch, max: () => ({ perPartition: maxPerPartition, overall: maxOverall }) };
  }

  it('calls the handler for one partition while another partition’s batch is still running, each in order', async () => {
    const blocked = gate();
    let blockedOnce = false;
    const rec = recorder(async (batch) => {
      // The first batch of partition 0 hangs until partition 1 has been read to its end.
      if (batch.partition === 0 && !blockedOnce) {
        blockedOnce = true;
        await blocked.promise;
      }
    });
    await produce(0, 35);
    await produce(1, 35);
    handles.push(await backbone.consume({ topic: 't', group: 'g', onAssign: () => new Map(), onRevoke: () => undefined, onBatch: rec.onBatch }));

    // Partition 1 goes through all four of its batches while partition 0's first is held.
    await waitFor(() => rec.offsets.get(1)!.length === 35, { what: 'partition 1 read while partition 0 is blocked' });
    expect(rec.offsets.get(0)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(rec.max().overall).toBe(2);

    blocked.open();
    await waitFor(() => rec.offsets.get(0)!.length === 35, { what: 'partition 0 read after release' });
    // Strictly in offset order, each offset once, never two batches of one partition at a time.
    for (const p of [0, 1]) expect(rec.offsets.get(p)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(rec.max().perPartition).toBe(1);
  });

  it('runs both partitions’ handlers at the same time under a steady stream of writes', async () => {
    // Each batch takes a while, as applying it in a worker thread does: overlap must show up.
    const rec = recorder(() => new Promise((r) => setTimeout(r, 20)));
    handles.push(await backbone.consume({ topic: 't', group: 'g', onAssign: () => new Map(), onRevoke: () => undefined, onBatch: rec.onBatch }));
    for (let round = 0; round < 10; round++) {
      await produce(0, 20, round * 20);
      await produce(1, 20, round * 20);
    }
    await waitFor(() => rec.offsets.get(0)!.length === 200 && rec.offsets.get(1)!.length === 200, { what: 'everything read' });
    for (const p of [0, 1]) expect(rec.offsets.get(p)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(rec.max()).toEqual({ perPartition: 1, overall: 2 });
  });

  it('revokes a partition only after every batch in flight has finished, and starts none meanwhile', async () => {
    const blocked = gate();
    const events: string[] = [];
    let blockedOnce = false;
    const rec = recorder(async (batch) => {
      events.push(`batch ${batch.partition}@${batch.records[0]!.offset}`);
      if (batch.partition === 0 && !blockedOnce) {
        blockedOnce = true;
        await blocked.promise;
        events.push('batch 0 released');
      }
    });
    await produce(0, 5);
    const a = await backbone.consume({
      topic: 't',
      group: 'g',
      onAssign: () => new Map(),
      onRevoke: (ps) => void events.push(`revoke ${ps.join(',')}`),
      onBatch: rec.onBatch,
    });
    handles.push(a);
    await waitFor(() => blockedOnce, { what: 'blocked batch' });
    // A second member joins: one partition moves to it, but not while partition 0's batch runs.
    const joining = backbone.consume({ topic: 't', group: 'g', onAssign: () => new Map(), onRevoke: () => undefined, onBatch: () => Promise.resolve() });
    await new Promise((r) => setTimeout(r, 100));
    await produce(1, 5);
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual(['batch 0@0']);
    blocked.open();
    handles.push(await joining);
    expect(events.slice(0, 3)).toEqual(['batch 0@0', 'batch 0 released', expect.stringMatching(/^revoke /)]);
    expect(a.assignment()).toHaveLength(1);
  });

  it('applies a seek to its own partition only', async () => {
    const blocked = gate();
    let blockedOnce = false;
    const rec = recorder(async (batch) => {
      if (batch.partition === 0 && !blockedOnce) {
        blockedOnce = true;
        await blocked.promise;
      }
    });
    await produce(0, 10);
    await produce(1, 4);
    const handle = await backbone.consume({ topic: 't', group: 'g', onAssign: () => new Map([[1, 4]]), onRevoke: () => undefined, onBatch: rec.onBatch });
    handles.push(handle);
    await waitFor(() => blockedOnce, { what: 'blocked batch' });
    // A seek of partition 1 while partition 0's batch runs must not make partition 0 read that batch again.
    handle.seek(1, 2);
    await waitFor(() => rec.offsets.get(1)!.length === 2, { what: 'partition 1 re-read from the seek' });
    blocked.open();
    await produce(0, 3, 10);
    await waitFor(() => rec.offsets.get(0)!.length >= 13, { what: 'partition 0 read on' });
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.offsets.get(0)).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(rec.offsets.get(1)).toEqual([2, 3]);
  });

  it('stops on a handler’s error once the other partition’s batch in flight has finished', async () => {
    const blocked = gate();
    let finished = false;
    const crashes: unknown[] = [];
    const revoked: number[] = [];
    const finishedAtRevoke: boolean[] = [];
    await produce(0, 3);
    await produce(1, 3);
    const handle = await backbone.consume({
      topic: 't',
      group: 'g',
      onAssign: () => new Map(),
      onRevoke: (ps) => {
        finishedAtRevoke.push(finished);
        revoked.push(...ps);
      },
      onBatch: async (batch) => {
        if (batch.partition === 1) throw new Error('bad batch');
        await blocked.promise;
        finished = true;
      },
      onCrash: (err) => crashes.push(err),
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(crashes).toEqual([]);
    blocked.open();
    await waitFor(() => crashes.length === 1 && revoked.length === 2, { what: 'crash reported' });
    expect((crashes[0] as Error).message).toBe('bad batch');
    // Revocation came after the batch in flight had finished.
    expect(finishedAtRevoke).toEqual([true]);
    expect(handle.assignment()).toEqual([]);
  });

  it('stop() lets the batches in flight finish before revoking', async () => {
    const blocked = gate();
    const events: string[] = [];
    await produce(0, 3);
    await produce(1, 3);
    const handle = await backbone.consume({
      topic: 't',
      group: 'g',
      onAssign: () => new Map(),
      onRevoke: (ps) => void events.push(`revoke ${ps.join(',')}`),
      onBatch: async (batch) => {
        events.push(`start ${batch.partition}`);
        await blocked.promise;
        events.push(`end ${batch.partition}`);
      },
    });
    await waitFor(() => events.length === 2, { what: 'both batches started' });
    const stopping = handle.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toHaveLength(2);
    blocked.open();
    await stopping;
    expect(events.slice(2).sort()).toEqual(['end 0', 'end 1', 'revoke 0,1']);
    expect(events.at(-1)).toBe('revoke 0,1');
  });
});
