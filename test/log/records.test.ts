import { isJadeError } from '../../src/errors';
import {
  deadLetterKey,
  invalidIdReason,
  isReservedKey,
  isValidDatabaseName,
  keyForRecord,
  markerKey,
  parseMarkerKey,
  parseVectorKey,
  vectorKey,
} from '../../src/log/records';

function expectKeyInvalid(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(isJadeError(thrown, 'JADE_ERR_KEY_INVALID')).toBe(true);
}

describe('database names', () => {
  it.each(['a', '0', 'movies', 'my-db_2', 'a'.repeat(63)])('accepts %j', (name) => expect(isValidDatabaseName(name)).toBe(true));
  it.each(['', 'A', 'Movies', '-a', '_a', 'a/b', 'a.b', 'a b', 'a'.repeat(64), 'é'])('rejects %j', (name) => expect(isValidDatabaseName(name)).toBe(false));
});

describe('vector keys', () => {
  it('joins database and id with a slash', () => {
    expect(vectorKey('movies', 'tt1')).toBe('movies/tt1');
  });

  it('splits at the first slash: ids may contain slashes, database names never do', () => {
    expect(parseVectorKey('movies/a/b/c')).toEqual({ database: 'movies', id: 'a/b/c' });
    expect(parseVectorKey('movies//')).toEqual({ database: 'movies', id: '/' });
    expect(parseVectorKey(Buffer.from('movies/café/☕', 'utf8'))).toEqual({ database: 'movies', id: 'café/☕' });
  });

  it('round-trips through vectorKey for odd but valid ids', () => {
    for (const id of ['x', '/', ' ', 'ünïcödé', '🎬'.repeat(128), 'a'.repeat(512)]) {
      expect(parseVectorKey(vectorKey('db', id))).toEqual({ database: 'db', id });
      expect(parseVectorKey(Buffer.from(vectorKey('db', id)))).toEqual({ database: 'db', id });
    }
  });

  it('limits ids to 512 UTF-8 bytes, not characters', () => {
    expect(invalidIdReason('a'.repeat(512))).toBeNull();
    expect(invalidIdReason('a'.repeat(513))).toMatch(/512 bytes/);
    expect(invalidIdReason('é'.repeat(256))).toBeNull(); // 512 bytes
    expect(invalidIdReason('é'.repeat(257))).toMatch(/512 bytes/); // 514 bytes in 257 characters
    expect(invalidIdReason('🎬'.repeat(129))).toMatch(/512 bytes/); // 516 bytes
  });

  it.each([
    ['no slash', 'movies'],
    ['an empty id', 'movies/'],
    ['an empty database', '/id'],
    ['an invalid database name', 'Movies/id'],
    ['a NUL in the id', 'movies/a\0b'],
    ['a reserved key', '\0m/movies/0/create'],
    ['a lone surrogate', 'movies/\ud800'],
    ['an id over 512 bytes', `movies/${'x'.repeat(513)}`],
  ])('rejects %s with JADE_ERR_KEY_INVALID', (_what, key) => {
    expectKeyInvalid(() => parseVectorKey(key));
  });

  it('rejects Buffer keys that are not UTF-8 rather than reading U+FFFD', () => {
    expectKeyInvalid(() => parseVectorKey(Buffer.from([0x64, 0x62, 0x2f, 0xff, 0xfe])));
  });

  it('refuses to build invalid keys', () => {
    expectKeyInvalid(() => vectorKey('Bad', 'x'));
    expectKeyInvalid(() => vectorKey('db', ''));
    expectKeyInvalid(() => vectorKey('db', 'a\0'));
  });
});

describe('marker keys', () => {
  it('start with NUL, are unique per (database, incarnation, kind) and read back', () => {
    const key = markerKey('movies', 1234, 'drop');
    expect(key).toBe('\0m/movies/1234/drop');
    expect(Buffer.from(key)[0]).toBe(0);
    expect(isReservedKey(key)).toBe(true);
    expect(isReservedKey(Buffer.from(key))).toBe(true);
    expect(parseMarkerKey(key)).toEqual({ database: 'movies', incarnation: 1234, kind: 'drop' });
    expect(parseMarkerKey(Buffer.from(key))).toEqual({ database: 'movies', incarnation: 1234, kind: 'drop' });
    expect(new Set([markerKey('a', 0, 'create'), markerKey('a', 0, 'drop'), markerKey('a', 1, 'create'), markerKey('b', 0, 'create')]).size).toBe(4);
  });

  it('gives a re-emitted marker its own key, which still parses to the same marker', () => {
    const copy = markerKey('movies', 7, 'create', 'c0ffee');
    expect(copy).not.toBe(markerKey('movies', 7, 'create'));
    expect(parseMarkerKey(copy)).toEqual({ database: 'movies', incarnation: 7, kind: 'create' });
  });

  it.each(['\0m/movies/01/create', '\0m/movies/-1/create', '\0m/movies/1/created', '\0m/movies/1', '\0m/Movies/1/drop', 'm/movies/1/drop', '\0m/movies/1/drop/x/y', '\0m/movies/1/drop/', '\0m/movies/1/drop/a b'])(
    'rejects %j',
    (key) => expectKeyInvalid(() => parseMarkerKey(key)),
  );

  it('refuses a negative or fractional incarnation', () => {
    expectKeyInvalid(() => markerKey('db', -1, 'create'));
    expectKeyInvalid(() => markerKey('db', 1.5, 'create'));
  });
});

describe('isReservedKey', () => {
  it('is true only for keys starting with a NUL byte', () => {
    expect(isReservedKey('movies/x')).toBe(false);
    expect(isReservedKey('')).toBe(false);
    expect(isReservedKey(Buffer.alloc(0))).toBe(false);
    expect(isReservedKey(Buffer.from([0]))).toBe(true);
    expect(isReservedKey(Buffer.from('a\0'))).toBe(false);
  });
});

describe('keyForRecord', () => {
  it('gives each record type its key', () => {
    expect(keyForRecord({ type: 'vector-upsert', database: 'db', id: 'a/b', values: new Float32Array(1), metadata: null })).toBe('db/a/b');
    expect(keyForRecord({ type: 'vector-patch', database: 'db', id: 'x', metadata: null })).toBe('db/x');
    expect(keyForRecord({ type: 'database-event', eventType: 'drop', name: 'db', definition: null, requestId: null, timestampMs: 0 })).toBe('db');
    expect(keyForRecord({ type: 'database-marker', kind: 'erased', database: 'db', incarnation: 7, definition: null })).toBe('\0m/db/7/erased');
    expect(
      keyForRecord({
        type: 'dead-letter',
        sourceTopic: 'jade.vectors',
        sourcePartition: 2,
        sourceOffset: 99,
        reasonCode: 'JADE_ERR_KEY_INVALID',
        reason: 'r',
        key: null,
        value: null,
        timestampMs: 0,
        nodeId: null,
      }),
    ).toBe(deadLetterKey(2, 99));
  });
});
