/**
 * `jadevectordb export <db> [file]`: the database's definition, then every vector, as NDJSON (to stdout without a
 * file). Vectors come from a scroll in id order with strong consistency, so everything acknowledged before the
 * export started is in it. A file is written under a temporary name and renamed when complete, so a file with the
 * export's name is never a truncated one. `import` reads the result back, re-creating the database.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import type { Command } from 'commander';
import type { CreateDatabaseRequest, JadeClient } from '../client';
import { CliError, cliError, clientFor, findDatabase, formatCount, integerOption, printJson, say, type CliIo, type GlobalOptions, type OutputStream } from './cli-io';
import { Progress } from './progress';

export interface ExportOptions {
  /** Vectors per scroll request. @default 1000 */
  pageSize?: number;
  /** Show progress on stderr. @default true */
  progress?: boolean;
  /** Force the progress bar (true) or plain lines (false). @default whether stderr is a terminal */
  tty?: boolean;
  /** Between plain progress lines. @default 5000 */
  progressIntervalMs?: number;
}

export interface ExportSummary {
  database: string;
  exported: number;
  seconds: number;
  vectorsPerSecond: number;
  /** The file written, or null for stdout. */
  file: string | null;
}

interface Sink {
  write(text: string): Promise<void>;
  /** Completes the output (renames a file into place). */
  commit(): Promise<void>;
  /** Gives up: removes a partial file. */
  abort(): Promise<void>;
}

/** Exports `db` to `file`, or to stdout when `file` is undefined or `-`. */
export async function exportVectors(client: JadeClient, db: string, file: string | undefined, options: ExportOptions, io: CliIo): Promise<ExportSummary> {
  const info = await findDatabase(client, db);
  if (info === undefined) throw new CliError('JADE_ERR_DB_NOT_FOUND', `database ${db} does not exist`);
  const definition: CreateDatabaseRequest = { name: info.name, dimension: info.dimension, metric: info.metric, index: info.index, description: info.description };
  const total = await client.vectors.count(db, { consistency: 'strong' });
  const target = file === undefined || file === '-' ? undefined : file;
  const sink = target === undefined ? streamSink(io.stdout) : await fileSink(target);
  const progress = new Progress({
    stream: io.stderr,
    label: 'export',
    total,
    enabled: options.progress ?? true,
    ...(options.tty === undefined ? {} : { tty: options.tty }),
    ...(options.progressIntervalMs === undefined ? {} : { lineIntervalMs: options.progressIntervalMs }),
  });
  const pageSize = options.pageSize ?? 1000;
  let exported = 0;
  try {
    await sink.write(`${JSON.stringify({ database: definition })}\n`);
    let lines: string[] = [];
    for await (const vector of client.vectors.scrollAll(db, { consistency: 'strong', pageSize })) {
      lines.push(JSON.stringify({ id: vector.id, values: vector.values, metadata: vector.metadata }));
      if (lines.length >= pageSize) {
        await sink.write(`${lines.join('\n')}\n`);
        exported += lines.length;
        lines = [];
        progress.update(exported);
      }
    }
    if (lines.length > 0) await sink.write(`${lines.join('\n')}\n`);
    exported += lines.length;
    await sink.commit();
  } catch (err) {
    await sink.abort();
    progress.finish();
    throw err;
  }
  progress.update(exported);
  progress.finish();
  const seconds = progress.elapsedSeconds;
  const summary: ExportSummary = {
    database: db,
    exported,
    seconds: Math.round(seconds * 1000) / 1000,
    vectorsPerSecond: seconds > 0 ? Math.round(exported / seconds) : 0,
    file: target ?? null,
  };
  say(io, `exported ${formatCount(exported)} vectors from ${db}${target === undefined ? '' : ` to ${target}`} in ${seconds.toFixed(1)} s (${formatCount(summary.vectorsPerSecond)} vectors/s)`);
  return summary;
}

function streamSink(stream: OutputStream): Sink {
  return {
    async write(text) {
      // Respect back-pressure: a slow pipe (`| gzip`) must not make the export buffer everything.
      if (!stream.write(text)) await once(stream, 'drain');
    },
    commit: async () => {},
    abort: async () => {},
  };
}

async function fileSink(file: string): Promise<Sink> {
  const partial = `${file}.partial`;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(partial, 'w');
  } catch (err) {
    throw cliError('JADE_ERR_CLI_FILE', `cannot write ${file}: ${(err as Error).message}`, err);
  }
  return {
    async write(text) {
      await handle.write(text);
    },
    async commit() {
      await handle.close();
      await fs.promises.rename(partial, file);
    },
    async abort() {
      await handle.close().catch(() => {});
      await fs.promises.rm(partial, { force: true });
    },
  };
}

export function registerExportCommand(program: Command, io: CliIo): void {
  program
    .command('export')
    .description('export a database as NDJSON: its definition on the first line, then one vector per line')
    .argument('<db>', 'database')
    .argument('[file]', 'file to write (default: stdout)')
    .option('--page-size <n>', 'vectors per scroll request', integerOption(1, 1000), 1000)
    .option('--no-progress', 'no progress output')
    .action(async (db: string, file: string | undefined, options: { pageSize: number; progress: boolean }, command: Command) => {
      const client = clientFor(command.optsWithGlobals<GlobalOptions>(), io);
      const summary = await exportVectors(client, db, file, { pageSize: options.pageSize, progress: options.progress }, io);
      // With a file, stdout is free for the summary; without one it carries the export itself.
      if (summary.file !== null) printJson(io, summary);
    });
}
