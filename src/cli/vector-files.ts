/**
 * Streaming readers of the files `import` takes:
 * - NDJSON: one `{ "id"?, "values", "metadata"? }` per line; an export's first line `{ "database": {...} }`
 *   carries the definition. Blank lines are skipped; positions are 1-based line numbers.
 * - `.fvecs` (the TEXMEX/ANN-benchmarks format): per vector an int32 dimension (little-endian) then that many
 *   float32. Ids are row numbers from 0, as ground-truth files (`.ivecs`) count them; positions are those rows.
 * Both read a chunk at a time, so memory stays flat whatever the file size.
 */
import type { Readable } from 'node:stream';
import type { CreateDatabaseRequest, JsonObject, VectorInput } from '../client';
import { cliError } from './cli-io';

export type FileFormat = 'ndjson' | 'fvecs';

export type FileItem = { kind: 'database'; position: number; definition: CreateDatabaseRequest } | { kind: 'vector'; position: number; vector: VectorInput };

/** The word for a position in messages. */
export const positionUnit = (format: FileFormat): string => (format === 'fvecs' ? 'row' : 'line');

/** Picks the format from the file name: `.fvecs` is binary, anything else NDJSON. */
export function formatOf(file: string): FileFormat {
  return /\.fvecs$/i.test(file) ? 'fvecs' : 'ndjson';
}

/** Reads items from a stream; `onBytes` gets the running count of bytes consumed (for progress). */
export function readVectorFile(stream: Readable, format: FileFormat, onBytes: (bytes: number) => void = () => {}): AsyncGenerator<FileItem> {
  return format === 'fvecs' ? readFvecs(stream, onBytes) : readNdjson(stream, onBytes);
}

const NEWLINE = 0x0a;

async function* readNdjson(stream: Readable, onBytes: (bytes: number) => void): AsyncGenerator<FileItem> {
  let carry: Buffer = Buffer.alloc(0);
  let line = 0;
  let bytes = 0;
  const parse = function* (raw: Buffer): Generator<FileItem> {
    line++;
    const text = raw.toString('utf8').trim();
    if (text !== '') yield parseNdjsonLine(text, line);
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    let end = data.indexOf(NEWLINE, start);
    if (end >= 0 && carry.length > 0) {
      yield* parse(Buffer.concat([carry, data.subarray(0, end)]));
      carry = Buffer.alloc(0);
      start = end + 1;
      end = data.indexOf(NEWLINE, start);
    }
    while (end >= 0) {
      yield* parse(data.subarray(start, end));
      start = end + 1;
      end = data.indexOf(NEWLINE, start);
    }
    if (start < data.length) carry = carry.length === 0 ? Buffer.from(data.subarray(start)) : Buffer.concat([carry, data.subarray(start)]);
    bytes += data.length;
    onBytes(bytes);
  }
  if (carry.length > 0) yield* parse(carry);
}

const VECTOR_KEYS = new Set(['id', 'values', 'metadata']);

/** Checks the shape of a line; the values themselves (finite, dimension) are the server's to judge. */
function parseNdjsonLine(text: string, line: number): FileItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw cliError('JADE_ERR_CLI_INPUT_INVALID', `line ${line} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw cliError('JADE_ERR_CLI_INPUT_INVALID', `line ${line} is not a JSON object`);
  const record = value as Record<string, unknown>;
  if ('database' in record) {
    if (line !== 1) throw cliError('JADE_ERR_CLI_INPUT_INVALID', `line ${line}: a { "database": ... } definition may only be the first line`);
    return { kind: 'database', position: line, definition: parseDefinition(record.database, line) };
  }
  const extra = Object.keys(record).filter((key) => !VECTOR_KEYS.has(key));
  if (extra.length > 0) throw cliError('JADE_ERR_CLI_INPUT_INVALID', `line ${line} has unknown key(s) ${extra.join(', ')}: a vector line has id, values and metadata`);
  if (!Array.isArray(record.values)) throw cliError('JADE_ERR_CLI_INPUT_INVALID', `line ${line} has no "values" array`);
  if (record.id !== undefined && typeof record.id !== 'string') throw cliError('JADE_ERR_CLI_INPUT_INVALID', `line ${line}: "id" must be a string`);
  const metadata = record.metadata;
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw cliError('JADE_ERR_CLI_INPUT_INVALID', `line ${line}: "metadata" must be an object or null`);
  }
  const vector: VectorInput = { values: record.values as number[] };
  if (record.id !== undefined) vector.id = record.id;
  if (metadata !== undefined) vector.metadata = metadata as JsonObject | null;
  return { kind: 'vector', position: line, vector };
}

function parseDefinition(value: unknown, line: number): CreateDatabaseRequest {
  const d = value as Partial<CreateDatabaseRequest> | null;
  if (typeof d !== 'object' || d === null || typeof d.dimension !== 'number' || typeof d.metric !== 'string') {
    throw cliError('JADE_ERR_CLI_INPUT_INVALID', `line ${line}: "database" must hold a definition with at least dimension and metric`);
  }
  return {
    name: typeof d.name === 'string' ? d.name : '',
    dimension: d.dimension,
    metric: d.metric,
    ...(d.index === undefined ? {} : { index: d.index }),
    ...(d.description === undefined ? {} : { description: d.description }),
  };
}

async function* readFvecs(stream: Readable, onBytes: (bytes: number) => void): AsyncGenerator<FileItem> {
  let buffer: Buffer = Buffer.alloc(0);
  let row = 0;
  let bytes = 0;
  let dimension: number | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    bytes += chunk.length;
    let offset = 0;
    while (buffer.length - offset >= 4) {
      const dim = buffer.readInt32LE(offset);
      if (dim < 1 || dim > 65_536 || (dimension !== undefined && dim !== dimension)) {
        throw cliError('JADE_ERR_CLI_INPUT_INVALID', `row ${row} (byte ${bytes - buffer.length + offset}) declares dimension ${dim}${dimension === undefined ? '' : `, earlier rows ${dimension}`}: not an .fvecs file?`);
      }
      dimension = dim;
      const size = 4 + 4 * dim;
      if (buffer.length - offset < size) break;
      const values = new Array<number>(dim);
      for (let i = 0; i < dim; i++) values[i] = buffer.readFloatLE(offset + 4 + 4 * i);
      yield { kind: 'vector', position: row, vector: { id: String(row), values } };
      row++;
      offset += size;
    }
    buffer = buffer.subarray(offset);
    onBytes(bytes);
  }
  if (buffer.length > 0) throw cliError('JADE_ERR_CLI_INPUT_INVALID', `the file ends inside row ${row}: ${buffer.length} stray bytes`);
}
