/**
 * `jadevectordb import <db> <file>`: streams an NDJSON or `.fvecs` file into a database in batches, one batch in
 * flight while the next is read. Each batch carries an Idempotency-Key, so a batch retried after an overloaded or
 * lost reply is written once. A rejected batch stops the import with the server's code and the file positions it
 * names. An export file's first line re-creates the database when it does not exist.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { isJadeClientError, type CreateDatabaseRequest, type JadeClient, type VectorInput } from '../client';
import { CliError, choiceOption, cliError, clientFor, findDatabase, formatCount, integerOption, printJson, say, type CliIo, type GlobalOptions } from './cli-io';
import { Progress } from './progress';
import { formatOf, positionUnit, readVectorFile, type FileFormat } from './vector-files';

export interface ImportOptions {
  /** Vectors per request. @default 1000 */
  batchSize?: number;
  /** @default from the file name: `.fvecs` is binary, anything else NDJSON (and NDJSON for stdin) */
  format?: FileFormat;
  /** Show progress on stderr. @default true */
  progress?: boolean;
  /** Force the progress bar (true) or plain lines (false). @default whether stderr is a terminal */
  tty?: boolean;
  /** Between plain progress lines. @default 5000 */
  progressIntervalMs?: number;
  /** Retries of a batch the server could not take for now (503, 504, no reply). @default 8 */
  retries?: number;
}

export interface ImportSummary {
  database: string;
  /** Vectors the server acknowledged. */
  imported: number;
  seconds: number;
  vectorsPerSecond: number;
  /** Vectors not imported because their batch (or line) was rejected. */
  errors: number;
  /** The database was created from the file's definition line. */
  created: boolean;
}

interface Batch {
  number: number;
  vectors: VectorInput[];
  positions: number[];
}

/** Imports `file` (`-` for stdin) into `db`; resolves with the summary, or rejects at the first rejected batch. */
export async function importVectors(client: JadeClient, db: string, file: string, options: ImportOptions, io: CliIo): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 1000;
  const format = options.format ?? (file === '-' ? 'ndjson' : formatOf(file));
  const unit = positionUnit(format);
  const { stream, size } = await openInput(file, io);
  const progress = new Progress({
    stream: io.stderr,
    label: 'import',
    enabled: options.progress ?? true,
    ...(options.tty === undefined ? {} : { tty: options.tty }),
    ...(options.progressIntervalMs === undefined ? {} : { lineIntervalMs: options.progressIntervalMs }),
  });
  const runId = randomUUID();
  let bytesRead = 0;
  let imported = 0;
  let errors = 0;
  let created = false;
  let checked = false;
  let batch: Batch = { number: 0, vectors: [], positions: [] };
  let inFlight: Promise<void> | undefined;

  const send = async (sending: Batch): Promise<void> => {
    try {
      const reply = await withRetries(() => client.vectors.upsertBatch(db, sending.vectors, { idempotencyKey: `import-${runId}-${sending.number}` }), options.retries ?? 8, progress);
      imported += reply.count;
    } catch (err) {
      const acknowledged = isJadeClientError(err) ? (err.acknowledged?.length ?? 0) : 0;
      imported += acknowledged;
      errors += sending.vectors.length - acknowledged;
      throw rejectedBatch(err, sending, unit);
    }
    progress.update(imported, size === undefined ? undefined : bytesRead / size);
  };

  const summary = (): ImportSummary => {
    const seconds = progress.elapsedSeconds;
    return { database: db, imported, seconds: Math.round(seconds * 1000) / 1000, vectorsPerSecond: seconds > 0 ? Math.round(imported / seconds) : 0, errors, created };
  };

  try {
    for await (const item of readVectorFile(stream, format, (bytes) => (bytesRead = bytes))) {
      if (!checked) {
        checked = true;
        created = await ensureDatabase(client, db, item.kind === 'database' ? item.definition : undefined, progress);
        if (item.kind === 'database') continue;
      }
      if (item.kind === 'database') throw cliError('JADE_ERR_CLI_INPUT_INVALID', `${unit} ${item.position}: a database definition may only be the first line`);
      batch.vectors.push(item.vector);
      batch.positions.push(item.position);
      if (batch.vectors.length >= batchSize) {
        await inFlight;
        inFlight = send(batch);
        // A rejection surfaces at the next await; until then nothing is unhandled.
        inFlight.catch(() => {});
        batch = { number: batch.number + 1, vectors: [], positions: [] };
      }
    }
    await inFlight;
    if (batch.vectors.length > 0) await send(batch);
    if (!checked) await ensureDatabase(client, db, undefined, progress);
  } catch (err) {
    // Wait for the batch in flight, so the summary counts what the server took.
    await inFlight?.catch(() => {});
    if (err instanceof CliError && err.code === 'JADE_ERR_CLI_INPUT_INVALID') errors++;
    progress.finish();
    const s = summary();
    say(io, `import stopped: ${formatCount(s.imported)} vectors imported in ${s.seconds.toFixed(1)} s (${formatCount(s.vectorsPerSecond)} vectors/s), ${formatCount(s.errors)} errors`);
    if (stream !== io.stdin) stream.destroy();
    throw err;
  }
  progress.finish();
  const s = summary();
  say(io, `imported ${formatCount(s.imported)} vectors into ${db} in ${s.seconds.toFixed(1)} s (${formatCount(s.vectorsPerSecond)} vectors/s), ${formatCount(s.errors)} errors`);
  return s;
}

async function openInput(file: string, io: CliIo): Promise<{ stream: Readable; size: number | undefined }> {
  if (file === '-') return { stream: io.stdin, size: undefined };
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (err) {
    throw cliError('JADE_ERR_CLI_FILE', `cannot read ${file}: ${(err as Error).message}`, err);
  }
  if (!stat.isFile()) throw cliError('JADE_ERR_CLI_FILE', `${file} is not a file`);
  return { stream: fs.createReadStream(file, { highWaterMark: 1 << 20 }), size: stat.size };
}

/**
 * Makes sure `db` exists before the first batch: creates it from the file's definition when it does not (and says
 * so), warns when an existing one disagrees with the definition. Returns whether it created it.
 */
async function ensureDatabase(client: JadeClient, db: string, definition: CreateDatabaseRequest | undefined, progress: Progress): Promise<boolean> {
  const existing = await findDatabase(client, db);
  if (existing !== undefined) {
    if (definition !== undefined && (existing.dimension !== definition.dimension || existing.metric !== definition.metric)) {
      progress.note(`warning: ${db} exists with dimension ${existing.dimension} and metric ${existing.metric}; the file was exported from one with dimension ${definition.dimension} and metric ${definition.metric}`);
    }
    return false;
  }
  if (definition === undefined) throw new CliError('JADE_ERR_DB_NOT_FOUND', `database ${db} does not exist: create it with \`db create\`, or import an export file, whose first line defines it`);
  try {
    const info = await withRetries(() => client.databases.create({ ...definition, name: db }), 8, progress, true);
    progress.note(`created database ${db} (dimension ${info.dimension}, metric ${info.metric})`);
    return true;
  } catch (err) {
    // Someone else created it meanwhile: import into theirs.
    if (isJadeClientError(err) && err.code === 'JADE_ERR_DB_EXISTS') return false;
    throw err;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries what the server could not do for now (503 back-pressure or not ready, 504, no reply), waiting what it
 * asked (`Retry-After`) or backing off from 250 ms to 8 s. `erasing` also waits out a drop still being erased.
 */
async function withRetries<T>(work: () => Promise<T>, retries: number, progress: Progress, erasing = false): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const again = isJadeClientError(err) && (err.retriable || (erasing && err.code === 'JADE_ERR_DB_ERASING'));
      if (!again || attempt >= retries) throw err;
      const waitMs = err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : Math.min(8000, 250 * 2 ** attempt);
      progress.note(`${err.code}: ${err.message}; retrying in ${(waitMs / 1000).toFixed(1)} s`);
      await sleep(waitMs);
    }
  }
}

/** The server's error, with the file positions of the batch and of the items its message names. */
function rejectedBatch(err: unknown, batch: Batch, unit: string): unknown {
  if (!isJadeClientError(err)) return err;
  const first = batch.positions[0];
  const last = batch.positions[batch.positions.length - 1];
  // Item indexes appear as "item 3" (the gateway's checks) or "/vectors/3" (schema validation).
  const named = new Set<number>();
  for (const match of err.message.matchAll(/\bitem (\d+)\b|\/vectors\/(\d+)\b/g)) {
    const position = batch.positions[Number(match[1] ?? match[2])];
    if (position !== undefined) named.add(position);
  }
  const at = named.size === 0 ? '' : `; at ${unit}${named.size === 1 ? '' : 's'} ${[...named].sort((a, b) => a - b).join(', ')}`;
  const acknowledged = err.acknowledged === undefined ? '' : `; ${err.acknowledged.length} of its vectors were written before the failure`;
  return new CliError(err.code, `${err.message} (batch ${batch.number + 1}, ${unit}s ${first}-${last}${at}${acknowledged})`, { cause: err });
}

export function registerImportCommand(program: Command, io: CliIo): void {
  program
    .command('import')
    .description('import vectors from an NDJSON ({ "id"?, "values", "metadata"? } per line) or .fvecs file; `-` reads stdin')
    .argument('<db>', 'database')
    .argument('<file>', 'file to import, or - for stdin')
    .option('--batch <n>', 'vectors per request', integerOption(1, 100_000), 1000)
    .option('--format <format>', 'ndjson or fvecs (default: from the file name)', choiceOption(['ndjson', 'fvecs'] as const))
    .option('--retries <n>', 'retries of a batch the server cannot take for now', integerOption(0, 1000), 8)
    .option('--no-progress', 'no progress output')
    .action(async (db: string, file: string, options: { batch: number; format?: FileFormat; retries: number; progress: boolean }, command: Command) => {
      const client = clientFor(command.optsWithGlobals<GlobalOptions>(), io);
      const summary = await importVectors(
        client,
        db,
        file,
        { batchSize: options.batch, retries: options.retries, progress: options.progress, ...(options.format === undefined ? {} : { format: options.format }) },
        io,
      );
      printJson(io, summary);
    });
}
