/**
 * Upgrades keep data: a data directory written by release 0.1.0 (test/fixtures/upgrade-0.1.0, made by its
 * generate.ts with 0.1.0's own code) opens with the current code with every vector as 0.1.0 returned it, and keeps
 * them through a compaction and a full replay of the compacted log. 0.1.0 wrote a PATCH as a metadata-only
 * `vector-patch`; a compaction keeps only that record of the id, so the current code must rewrite those ids as
 * whole-state records first (docs/architecture.md, "Read-modify-write on a compacted log").
 *
 * Two starts of the fixture: from the log alone (snapshots removed: a replay of 0.1.0's records), and from the
 * snapshots 0.1.0 wrote on shutdown (live stores without the LMDB databases the current code added to them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readerGroup } from '../../src/log/backbone';
import { RecordCodec } from '../../src/log/codec';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { topicNames } from '../../src/log/topics';
import { waitFor } from '../helpers/wait';
import { ok, startTestServer, type DatabaseReply, type Page, type StoredVector, type TestServer } from '../http/helpers';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'upgrade-0.1.0');

interface ExpectedDatabase {
  database: { name: string; dimension: number; metric: string; index: DatabaseReply['index'] };
  count: number;
  vectors: StoredVector[];
  deleted: string[];
  /** Live ids whose newest 0.1.0 record is a metadata-only `vector-patch`. */
  patched: string[];
}
interface Expected {
  release: { version: string; commit: string };
  config: { partitions: number; deleteRetentionMs: number };
  databases: Record<string, ExpectedDatabase>;
}

const expected = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'expected.json'), 'utf8')) as Expected;
const VECTORS = topicNames('jade').vectors;

/** The fixture's config (its topics were made with it), and compaction free to remove anything superseded. */
const overrides = { partitions: expected.config.partitions, deleteRetentionMs: expected.config.deleteRetentionMs, minCompactionLagMs: 0 };

/** Every vector of every database, read at strong consistency by id and by scroll, as 0.1.0 returned it. */
async function expectIntact(server: TestServer, when: string): Promise<void> {
  const { app } = server;
  for (const [name, db] of Object.entries(expected.databases)) {
    const info = await ok<DatabaseReply>(app, 'GET', `/v1/databases/${name}`);
    expect({ name: info.name, dimension: info.dimension, metric: info.metric, index: info.index }).toEqual(db.database);
    const ids = [...db.vectors.map((v) => v.id), ...db.deleted];
    const got = (await ok<{ vectors: StoredVector[] }>(app, 'POST', `/v1/databases/${name}/vectors/batch-get`, { ids, consistency: 'strong' })).vectors;
    const byId = new Map(got.map((v) => [v.id, v]));
    const lost = db.vectors.filter((v) => !byId.has(v.id)).map((v) => v.id);
    const lostPatched = lost.filter((id) => db.patched.includes(id));
    expect({ when, database: name, lost, lostPatched }).toEqual({ when, database: name, lost: [], lostPatched: [] });
    expect({ when, database: name, back: db.deleted.filter((id) => byId.has(id)) }).toEqual({ when, database: name, back: [] });
    expect([...got].sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(db.vectors);

    const scrolled: StoredVector[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await ok<Page>(app, 'POST', `/v1/databases/${name}/vectors/scroll`, { limit: 1000, includeValues: true, consistency: 'strong', ...(cursor === null ? {} : { cursor }) });
      scrolled.push(...page.vectors);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(scrolled).toEqual(db.vectors);
    expect((await ok<{ count: number }>(app, 'POST', `/v1/databases/${name}/vectors/count`, { consistency: 'strong' })).count).toBe(db.count);
  }
}

/** What the vectors topic holds in a data directory no process holds: its configs, end offsets and records. */
async function vectorsTopic(dir: string): Promise<{ configs: Record<string, string>; ends: number[]; records: number; endingOnPatch: number }> {
  const backbone = EmbeddedBackbone.open({ dir: path.join(dir, 'log') });
  try {
    const info = await backbone.describeTopic(VECTORS);
    const ends = await backbone.endOffsets(VECTORS);
    const codec = RecordCodec.load();
    // The type of the newest record under each key (`tombstone` for a delete).
    const newest = new Map<string, string>();
    const read = ends.map(() => 0);
    let records = 0;
    const reader = await backbone.consume({
      topic: VECTORS,
      group: readerGroup('jade', 'upgrade-test'),
      onAssign: (partitions) => new Map(partitions.map((p) => [p, 0])),
      onRevoke: () => undefined,
      onBatch: async (batch) => {
        for (const record of batch.records) {
          records++;
          let type = 'tombstone';
          if (record.value !== null) {
            try {
              type = codec.decode(record.value).type;
            } catch {
              type = 'other';
            }
          }
          newest.set(`${batch.partition}/${record.key?.toString('latin1') ?? ''}`, type);
          read[batch.partition] = record.offset + 1;
        }
        await Promise.resolve();
      },
    });
    await waitFor(() => ends.every((end, p) => read[p]! >= end), { what: 'the whole vectors topic read' });
    await reader.stop();
    return { configs: { ...info!.configs }, ends, records, endingOnPatch: [...newest.values()].filter((type) => type === 'vector-patch').length };
  } finally {
    await backbone.close();
  }
}

describe.each([
  { start: 'the log alone', snapshots: false },
  { start: 'its snapshots', snapshots: true },
])('a 0.1.0 data directory started from $start', ({ snapshots }) => {
  let server: TestServer | undefined;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-upgrade-'));
    fs.cpSync(path.join(FIXTURE, 'data-dir'), dir, { recursive: true });
    if (!snapshots) fs.rmSync(path.join(dir, 'snapshots'), { recursive: true });
  });
  afterEach(async () => {
    await server?.stop({ keepDir: true });
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every vector, and keeps them through a compaction and a full replay', async () => {
    expect(expected.release.commit).toMatch(/^58e5ec3/);
    const before = await vectorsTopic(dir);
    // 0.1.0 made the vectors topic without it; the current code adds it (TopicSpec.adjustable, src/log/topics.ts).
    expect(before.configs['min.compaction.lag.ms']).toBeUndefined();
    const patched = Object.values(expected.databases).reduce((sum, db) => sum + db.patched.length, 0);
    expect(before.endingOnPatch).toBe(patched);

    server = await startTestServer({ dir, overrides });
    const started = server.server.node!.host.status();
    expect(started.map((p) => p.recoverySource)).toEqual(started.map(() => (snapshots ? 'snapshot' : 'replay')));
    const backbone = server.server.foundation.backbone as EmbeddedBackbone;
    expect((await backbone.describeTopic(VECTORS))!.configs['min.compaction.lag.ms']).toBe('0');
    await expectIntact(server, 'after the upgrade');

    // Replica group 0 rewrites each id whose newest record is a 0.1.0 patch as a whole-state record.
    const status = await waitFor(
      () => {
        const partitions = server!.server.node!.host.status();
        return partitions.every((p) => p.lag === 0 && p.unsettled === 0) && partitions;
      },
      { timeoutMs: 30_000, what: 'every partition caught up with no unsettled id' },
    );
    const rewritten = status.reduce((sum, p) => sum + p.endOffset, 0) - before.ends.reduce((sum, end) => sum + end, 0);
    expect(rewritten).toBeGreaterThanOrEqual(patched);
    await expectIntact(server, 'once settled');

    await backbone.compactNow();
    await server.stop({ keepDir: true });
    server = undefined;
    // Snapshots are a cache: without them the next start replays the compacted log from offset 0.
    fs.rmSync(path.join(dir, 'snapshots'), { recursive: true, force: true });
    const compacted = await vectorsTopic(dir);
    expect(compacted.configs['min.compaction.lag.ms']).toBe('0');
    // The compaction removed superseded records, and no id's surviving record is a metadata-only patch.
    expect(compacted.records).toBeLessThan(before.records);
    expect(compacted.endingOnPatch).toBe(0);

    server = await startTestServer({ dir, overrides });
    expect(server.server.node!.host.status().map((p) => p.recoverySource)).toEqual(started.map(() => 'replay'));
    await expectIntact(server, 'after a compaction and a full replay');
  }, 120_000);
});
