import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as avro from 'avsc';
import { CRC64_AVRO_EMPTY, crc64Avro, fingerprintToBytes, parsingCanonicalForm, schemaFingerprint } from '../../src/log/crc64-avro';

const SCHEMAS = path.join(__dirname, '../../schemas');
const FIXTURES = path.join(__dirname, '../fixtures/avro');

/** Every case of Avro's share/test/data/schema-tests.txt: input, canonical form, fingerprint (signed, where given). */
const SCHEMA_TESTS: [string, string, string | undefined][] = [
  ['"null"', '"null"', '7195948357588979594'],
  ['{"type":"null"}', '"null"', undefined],
  ['"boolean"', '"boolean"', '-6970731678124411036'],
  ['{"type":"boolean"}', '"boolean"', undefined],
  ['"int"', '"int"', '8247732601305521295'],
  ['{"type":"int"}', '"int"', undefined],
  ['"long"', '"long"', '-3434872931120570953'],
  ['{"type":"long"}', '"long"', undefined],
  ['"float"', '"float"', '5583340709985441680'],
  ['{"type":"float"}', '"float"', undefined],
  ['"double"', '"double"', '-8181574048448539266'],
  ['{"type":"double"}', '"double"', undefined],
  ['"bytes"', '"bytes"', '5746618253357095269'],
  ['{"type":"bytes"}', '"bytes"', undefined],
  ['"string"', '"string"', '-8142146995180207161'],
  ['{"type":"string"}', '"string"', undefined],
  ['[  ]', '[]', '-1241056759729112623'],
  ['[ "int"  ]', '["int"]', '-5232228896498058493'],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', '5392556393470105090'],
  ['{"fields":[], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  ['{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}', '{"name":"x.y.foo","type":"record","fields":[]}', '5916914534497305771'],
  ['{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}', '{"name":"a.b.foo","type":"record","fields":[]}', '-4616218487480524110'],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  ['{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', '-4824392279771201922'],
  [
    '{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}',
    '7843277075252814651',
  ],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":"true"},\n {"order":"descending","name":"f2","doc":"Hello","type":"int"}],\n "type":"record", "name":"foo"\n}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    '-4860222112080293046',
  ],
  ['{"type":"enum", "name":"foo", "symbols":["A1"]}', '{"name":"foo","type":"enum","symbols":["A1"]}', '-6342190197741309591'],
  [
    '{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}',
    '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}',
    '-4448647247586288245',
  ],
  ['{"name":"foo","type":"fixed","size":15}', '{"name":"foo","type":"fixed","size":15}', '1756455273707447556'],
  ['{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}', '{"name":"x.y.z.foo","type":"fixed","size":32}', '-3064184465700546786'],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', '-589620603366471059'],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', '-8732877298790414990'],
  [
    '{"name":"PigValue","type":"record",\n "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    '-1759257747318642341',
  ],
];

interface PythonFingerprint {
  file: string;
  fullName: string;
  canonicalForm: string;
  fingerprint: string;
  fingerprintHexLE: string;
}
const pythonFingerprints = JSON.parse(readFileSync(path.join(FIXTURES, 'fingerprints.json'), 'utf8')) as PythonFingerprint[];

describe('crc64Avro', () => {
  it('is the spec constant for no bytes', () => {
    expect(crc64Avro(new Uint8Array(0))).toBe(CRC64_AVRO_EMPTY);
    expect(CRC64_AVRO_EMPTY).toBe(0xc15d213aa4d7a795n);
  });

  it.each(SCHEMA_TESTS.filter((t) => t[2] !== undefined))('fingerprints %s as in schema-tests.txt', (input, canonical, fingerprint) => {
    expect(BigInt.asIntN(64, crc64Avro(Buffer.from(canonical, 'utf8')))).toBe(BigInt(fingerprint!));
    expect(BigInt.asIntN(64, schemaFingerprint(input).fingerprint)).toBe(BigInt(fingerprint!));
  });

  it('writes fingerprints little-endian, as single-object encoding does', () => {
    // "null" -> 7195948357588979594 = 0x63dd24e7cc258f8a.
    expect(fingerprintToBytes(7195948357588979594n).toString('hex')).toBe('8a8f25cce724dd63');
    expect(fingerprintToBytes(BigInt.asIntN(64, 0xfedcba9876543210n)).toString('hex')).toBe('1032547698badcfe');
  });
});

describe('parsingCanonicalForm', () => {
  it.each(SCHEMA_TESTS)('canonicalises %s as in schema-tests.txt', (input, canonical) => {
    expect(parsingCanonicalForm(input)).toBe(canonical);
    expect(parsingCanonicalForm(JSON.parse(input))).toBe(canonical);
  });

  it('writes a named type in full once, then by full name, resolving references in the enclosing namespace', () => {
    const schema = {
      type: 'record',
      name: 'Outer',
      namespace: 'a.b',
      doc: 'dropped',
      fields: [
        { name: 'e', type: { type: 'enum', name: 'E', symbols: ['X'], default: 'X' } },
        { name: 'again', type: 'E' },
        { name: 'inner', type: { type: 'record', name: 'c.Inner', fields: [{ name: 'self', type: ['null', 'Inner'] }] } },
        { name: 'abs', type: { type: 'fixed', name: 'F', namespace: '', size: 2 } },
        { name: 'ts', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'list', type: { type: 'array', items: { type: 'map', values: 'a.b.E' } } },
      ],
    };
    const expected =
      '{"name":"a.b.Outer","type":"record","fields":[' +
      '{"name":"e","type":{"name":"a.b.E","type":"enum","symbols":["X"]}},' +
      '{"name":"again","type":"a.b.E"},' +
      '{"name":"inner","type":{"name":"c.Inner","type":"record","fields":[{"name":"self","type":["null","c.Inner"]}]}},' +
      '{"name":"abs","type":{"name":"F","type":"fixed","size":2}},' +
      '{"name":"ts","type":"long"},' +
      '{"name":"list","type":{"type":"array","items":{"type":"map","values":"a.b.E"}}}]}';
    expect(parsingCanonicalForm(schema)).toBe(expected);
    // avsc's own canonical export agrees on this one.
    expect(JSON.stringify(avro.Type.forSchema(schema as never).schema())).toBe(expected);
  });

  it('throws a TypeError on something that is not a schema', () => {
    expect(() => parsingCanonicalForm(42)).toThrow(TypeError);
    expect(() => parsingCanonicalForm({ type: 'record', fields: [] })).toThrow(TypeError);
  });

  it.each(pythonFingerprints.map((p) => [p.file, p] as const))('agrees with Python avro and avsc on schemas/%s', (file, python) => {
    const json: unknown = JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8'));
    const { canonical, fingerprint, bytes } = schemaFingerprint(json);
    expect(canonical).toBe(python.canonicalForm);
    expect(BigInt.asIntN(64, fingerprint)).toBe(BigInt(python.fingerprint));
    expect(bytes.toString('hex')).toBe(python.fingerprintHexLE);
    expect(JSON.stringify(avro.Type.forSchema(json as never).schema())).toBe(canonical);
  });

  it('covers every schema file with a Python fingerprint', () => {
    const files = pythonFingerprints.map((p) => p.file).sort();
    expect(files).toEqual([
      'database-event.avsc',
      'database-marker.avsc',
      'dead-letter.avsc',
      'history/vector-upsert.v1.avsc',
      'vector-patch.avsc',
      'vector-upsert.avsc',
    ]);
  });
});
