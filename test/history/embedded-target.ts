/**
 * The history checker's target for role `all` on the embedded log, in this process (requests through `app.inject()`).
 * Histories share one server, each on a database of its own, so a history pays only for its own restarts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { call, startTestServer, type TestServer } from '../http/helpers';
import { waitFor } from '../helpers/wait';
import type { HistoryTarget, TargetReply } from './histories';

/** Small snapshot intervals, so warm restarts resume from snapshots taken mid-history. */
const OVERRIDES = { minCompactionLagMs: 0, snapshotEveryRecords: 40, consistencyTimeoutMs: 20_000, embeddedFsync: false, auditLevel: 'off' as const };

export class EmbeddedTargets {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-history-'));
  private server: TestServer | undefined;
  private serial = 0;

  /** A target on the shared server (started on first use), with a database name no earlier history used. */
  async next(): Promise<HistoryTarget> {
    this.server ??= await startTestServer({ dir: this.dir, overrides: OVERRIDES });
    const database = `h${(this.serial += 1)}`;
    return {
      database,
      request: async (method, url, body): Promise<TargetReply> => {
        const reply = await call(this.running().app, method, url, body);
        return { status: reply.status, body: reply.body };
      },
      compact: async (): Promise<void> => {
        // Compaction runs only past min.compaction.lag.ms, by when every record has been applied and replica group 0
        // has settled every id: wait for that. (The lag a host reports trails the log's end by up to a poll.)
        const server = this.running();
        const { backbone, topics } = server.server.foundation;
        await waitFor(
          async () => {
            const ends = await backbone.endOffsets(topics.names.vectors);
            return server.server.node!.host.status().every((p) => p.nextOffset >= (ends[p.partition] ?? 0) && p.unsettled === 0);
          },
          { timeoutMs: 20_000, what: 'every record applied and every id settled' },
        );
        await (backbone as EmbeddedBackbone).compactNow();
      },
      restart: async ({ cold }): Promise<void> => {
        await this.running().stop({ keepDir: true });
        this.server = undefined;
        if (cold) fs.rmSync(path.join(this.dir, 'snapshots'), { recursive: true, force: true });
        this.server = await startTestServer({ dir: this.dir, overrides: OVERRIDES });
      },
      close: async (): Promise<void> => {
        if (this.server !== undefined) await call(this.server.app, 'DELETE', `/v1/databases/${database}`);
      },
    };
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private running(): TestServer {
    if (this.server === undefined) throw new Error('the history server is not running');
    return this.server;
  }
}
