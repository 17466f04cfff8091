import { Readable } from 'node:stream';
import { readVectorFile, formatOf, type FileItem } from '../../src/cli/vector-files';

async function collect(chunks: Buffer[], format: 'ndjson' | 'fvecs'): Promise<FileItem[]> {
  const items: FileItem[] = [];
  for await (const item of readVectorFile(Readable.from(chunks), format)) items.push(item);
  return items;
}

async function failure(chunks: Buffer[], format: 'ndjson' | 'fvecs'): Promise<{ code: string; message: string }> {
  const err = await collect(chunks, format).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(err).toBeDefined();
  return err!;
}

/** Cuts a buffer into pieces of `size` bytes, to split lines, records and UTF-8 characters across chunks. */
const pieces = (buffer: Buffer, size: number): Buffer[] => Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) => buffer.subarray(i * size, (i + 1) * size));

function fvecs(rows: number[][]): Buffer {
  const out = Buffer.alloc(rows.reduce((n, r) => n + 4 + 4 * r.length, 0));
  let offset = 0;
  for (const row of rows) {
    offset = out.writeInt32LE(row.length, offset);
    for (const x of row) offset = out.writeFloatLE(x, offset);
  }
  return out;
}

describe('NDJSON reader', () => {
  const text = [
    '{"database":{"name":"src","dimension":2,"metric":"dot","index":{"m":8},"description":"ü"}}',
    '{"id":"a","values":[1,2],"metadata":{"name":"ünïcödé"}}',
    '',
    '{"values":[3,4]}\r',
    '{"id":"c","values":[5,6],"metadata":null}',
  ].join('\n');

  it.each([1, 3, 7, 1 << 20])('reads definitions and vectors with 1-based line numbers, in chunks of %i bytes', async (size) => {
    const items = await collect(pieces(Buffer.from(text), size), 'ndjson');
    expect(items).toEqual([
      { kind: 'database', position: 1, definition: { name: 'src', dimension: 2, metric: 'dot', index: { m: 8 }, description: 'ü' } },
      { kind: 'vector', position: 2, vector: { id: 'a', values: [1, 2], metadata: { name: 'ünïcödé' } } },
      { kind: 'vector', position: 4, vector: { values: [3, 4] } },
      { kind: 'vector', position: 5, vector: { id: 'c', values: [5, 6], metadata: null } },
    ]);
  });

  it.each([
    ['{"id":"a","values":[1]}\n{"values":[1,', 'line 2 is not JSON'],
    ['[1,2]', 'line 1 is not a JSON object'],
    ['{"id":"a"}', 'line 1 has no "values" array'],
    ['{"id":7,"values":[1]}', 'line 1: "id" must be a string'],
    ['{"values":[1],"metadata":[1]}', 'line 1: "metadata" must be an object or null'],
    ['{"values":[1],"vector":[1]}', 'line 1 has unknown key(s) vector'],
    ['{"values":[1]}\n{"database":{"dimension":1,"metric":"dot"}}', 'line 2: a { "database": ... } definition may only be the first line'],
    ['{"database":{"name":"x"}}', 'line 1: "database" must hold a definition'],
  ])('refuses %j naming the line', async (input, message) => {
    const err = await failure([Buffer.from(input)], 'ndjson');
    expect(err.code).toBe('JADE_ERR_CLI_INPUT_INVALID');
    expect(err.message).toContain(message);
  });
});

describe('fvecs reader', () => {
  const rows = [
    [0.5, -1.25, 3],
    [1e-3, 2, -4.5],
    [7, 8, 9],
  ];

  it.each([1, 5, 16, 1 << 20])('reads rows as float32 with ids from 0, in chunks of %i bytes', async (size) => {
    const items = await collect(pieces(fvecs(rows), size), 'fvecs');
    expect(items).toEqual(rows.map((values, row) => ({ kind: 'vector', position: row, vector: { id: String(row), values: values.map(Math.fround) } })));
  });

  it('refuses a truncated file and rows of another dimension', async () => {
    const whole = fvecs(rows);
    const truncated = await failure([whole.subarray(0, whole.length - 2)], 'fvecs');
    expect(truncated).toMatchObject({ code: 'JADE_ERR_CLI_INPUT_INVALID' });
    expect(truncated.message).toContain('ends inside row 2');
    const mixed = await failure([fvecs([[1, 2, 3], [1, 2]])], 'fvecs');
    expect(mixed.message).toContain('row 1 (byte 16) declares dimension 2, earlier rows 3');
  });

  it('picks the format from the file name', () => {
    expect(formatOf('/data/sift_base.fvecs')).toBe('fvecs');
    expect(formatOf('export.ndjson')).toBe('ndjson');
    expect(formatOf('vectors.jsonl')).toBe('ndjson');
  });
});
