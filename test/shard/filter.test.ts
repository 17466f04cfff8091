import Ajv from 'ajv';
import { isJadeError } from '../../src/errors';
import { FILTER_JSON_SCHEMA, FILTER_LIMITS, compileFilter, type FilterMetadata } from '../../src/shard/filter';

const doc = {
  color: 'red',
  n: 3,
  price: 9.5,
  active: true,
  missing: null,
  tags: ['a', 'b', 7],
  empty: [],
  nulls: [null],
  nested: { inner: { deep: 'x', count: 10 }, list: [{ name: 'p', score: 1 }, { name: 'q', score: 5 }] },
};

const matches = (filter: unknown, metadata: FilterMetadata = doc): boolean => compileFilter(filter).matches(metadata);
const must = (...conditions: unknown[]): unknown => ({ must: conditions });

function invalidMessage(filter: unknown): string {
  try {
    compileFilter(filter);
  } catch (err) {
    expect(isJadeError(err, 'JADE_ERR_FILTER_INVALID')).toBe(true);
    expect((err as { statusCode: number }).statusCode).toBe(400);
    return (err as Error).message;
  }
  throw new Error(`filter was accepted: ${JSON.stringify(filter)}`);
}

describe('compileFilter: operators', () => {
  it('match compares scalars strictly, without coercion', () => {
    expect(matches(must({ key: 'color', match: 'red' }))).toBe(true);
    expect(matches(must({ key: 'color', match: 'blue' }))).toBe(false);
    expect(matches(must({ key: 'n', match: 3 }))).toBe(true);
    expect(matches(must({ key: 'n', match: '3' }))).toBe(false);
    expect(matches(must({ key: 'active', match: true }))).toBe(true);
    expect(matches(must({ key: 'active', match: 'true' }))).toBe(false);
    expect(matches(must({ key: 'nested', match: 'x' }))).toBe(false);
    expect(matches(must({ key: 'absent', match: 'x' }))).toBe(false);
  });

  it('match and in hold on an array field when any element does', () => {
    expect(matches(must({ key: 'tags', match: 'b' }))).toBe(true);
    expect(matches(must({ key: 'tags', match: 7 }))).toBe(true);
    expect(matches(must({ key: 'tags', match: 'c' }))).toBe(false);
    expect(matches(must({ key: 'tags', in: ['z', 'a'] }))).toBe(true);
    expect(matches(must({ key: 'tags', in: ['z', '7'] }))).toBe(false);
  });

  it('in matches any listed value; an empty list matches nothing', () => {
    expect(matches(must({ key: 'color', in: ['blue', 'red'] }))).toBe(true);
    expect(matches(must({ key: 'n', in: [1, 2, 3] }))).toBe(true);
    expect(matches(must({ key: 'n', in: [1, 2] }))).toBe(false);
    expect(matches(must({ key: 'color', in: [] }))).toBe(false);
  });

  it('range applies every bound given, to numbers only', () => {
    expect(matches(must({ key: 'n', range: { gte: 3, lt: 5 } }))).toBe(true);
    expect(matches(must({ key: 'n', range: { gt: 3 } }))).toBe(false);
    expect(matches(must({ key: 'n', range: { lte: 3 } }))).toBe(true);
    expect(matches(must({ key: 'n', range: { lt: 3 } }))).toBe(false);
    expect(matches(must({ key: 'price', range: { gt: 9, lt: 10 } }))).toBe(true);
    expect(matches(must({ key: 'color', range: { gte: 0 } }))).toBe(false);
    expect(matches(must({ key: 'tags', range: { gt: 6, lt: 8 } }))).toBe(true);
    expect(matches(must({ key: 'absent', range: { gt: 0 } }))).toBe(false);
    expect(matches(must({ key: 'x', range: { gte: 1, lte: 1 } }), { x: 1 })).toBe(true);
  });

  it('exists needs a non-null value: null, [], [null] and absent keys do not exist', () => {
    for (const key of ['color', 'n', 'active', 'tags', 'nested', 'nested.inner.deep']) {
      expect(matches(must({ key, exists: true }))).toBe(true);
      expect(matches(must({ key, exists: false }))).toBe(false);
    }
    for (const key of ['missing', 'empty', 'nulls', 'absent', 'nested.absent', 'color.length']) {
      expect(matches(must({ key, exists: true }))).toBe(false);
      expect(matches(must({ key, exists: false }))).toBe(true);
    }
  });

  it('walks dotted keys through nested objects and arrays of objects', () => {
    expect(matches(must({ key: 'nested.inner.deep', match: 'x' }))).toBe(true);
    expect(matches(must({ key: 'nested.inner.count', range: { gt: 9 } }))).toBe(true);
    expect(matches(must({ key: 'nested.list.name', match: 'q' }))).toBe(true);
    expect(matches(must({ key: 'nested.list.score', range: { gt: 4 } }))).toBe(true);
    expect(matches(must({ key: 'nested.list.score', range: { gt: 5 } }))).toBe(false);
    expect(matches(must({ key: 'nested.inner.deep.more', match: 'x' }))).toBe(false);
  });

  it('reads own properties only', () => {
    expect(matches(must({ key: 'constructor', exists: true }), {})).toBe(false);
    expect(matches(must({ key: 'toString', exists: true }), {})).toBe(false);
    expect(matches(must({ key: 'color.length', match: 3 }))).toBe(false);
    expect(matches(must({ key: '__proto__', exists: true }), JSON.parse('{"__proto__": 1}') as FilterMetadata)).toBe(true);
  });

  it('treats null metadata as having no keys', () => {
    expect(matches(must({ key: 'color', match: 'red' }), null)).toBe(false);
    expect(matches(must({ key: 'color', exists: false }), null)).toBe(true);
    expect(matches({}, null)).toBe(true);
  });
});

describe('compileFilter: clauses', () => {
  const red = { key: 'color', match: 'red' };
  const blue = { key: 'color', match: 'blue' };
  const three = { key: 'n', match: 3 };

  it('combines must (all), should (at least one, if any) and must_not (none)', () => {
    expect(matches({})).toBe(true);
    expect(matches({ must: [] , should: [], must_not: [] })).toBe(true);
    expect(matches({ must: [red, three] })).toBe(true);
    expect(matches({ must: [red, blue] })).toBe(false);
    expect(matches({ should: [blue, three] })).toBe(true);
    expect(matches({ should: [blue] })).toBe(false);
    expect(matches({ must_not: [blue] })).toBe(true);
    expect(matches({ must_not: [blue, red] })).toBe(false);
    expect(matches({ must: [red], should: [blue], must_not: [] })).toBe(false);
    expect(matches({ must: [red], should: [blue, three], must_not: [{ key: 'active', match: false }] })).toBe(true);
  });

  it('nests clauses as conditions', () => {
    const either = { should: [blue, { must: [red, three] }] };
    expect(matches({ must: [either] })).toBe(true);
    expect(matches({ must_not: [either] })).toBe(false);
    expect(matches({ must: [{ must_not: [{ should: [blue] }] }] })).toBe(true);
    expect(matches({ must: [{}] })).toBe(true);
  });

  it('reports what it reads', () => {
    const compiled = compileFilter({ must: [red, three], should: [{ must_not: [{ key: 'a.b', exists: true }] }] });
    expect(compiled.conditionCount).toBe(4);
    expect([...compiled.keys].sort()).toEqual(['a.b', 'color', 'n']);
  });
});

describe('compileFilter: validation', () => {
  it.each<[unknown, string]>([
    [null, 'filter: must be an object'],
    [[], 'filter: must be an object'],
    ['color = red', 'filter: must be an object'],
    [{ must: { key: 'a', match: 1 } }, 'filter.must: must be an array'],
    [{ filter: [] }, 'filter: unknown property "filter"'],
    [{ must: [1] }, 'filter.must[0]: must be an object'],
    [{ must: [{ key: 'a', match: 1 }, { key: 'n', range: { between: [1, 2] } }] }, 'filter.must[1].range: unknown operator "between"'],
    [{ must: [{ key: 'n', range: {} }] }, 'filter.must[0].range: needs at least one of gt, gte, lt, lte'],
    [{ must: [{ key: 'n', range: { gt: '1' } }] }, 'filter.must[0].range.gt: must be a finite number'],
    [{ must: [{ key: 'n', range: [1, 2] }] }, 'filter.must[0].range: must be an object'],
    [{ should: [{ key: 'a' }] }, 'filter.should[0]: needs one of match, in, range or exists'],
    [{ should: [{ key: 'a', match: 1, in: [1] }] }, 'filter.should[0]: has both match and in'],
    [{ should: [{ key: 'a', value: 1 }] }, 'filter.should[0]: unknown property "value"'],
    [{ should: [{ match: 1 }] }, 'filter.should[0]: "match" needs a "key"'],
    [{ should: [{ key: 'a', match: 1, must: [] }] }, 'filter.should[0]: mixes a field condition'],
    [{ must_not: [{ key: '', match: 1 }] }, 'filter.must_not[0].key: must be a non-empty string'],
    [{ must_not: [{ key: 5, match: 1 }] }, 'filter.must_not[0].key: must be a non-empty string'],
    [{ must_not: [{ key: 'a..b', match: 1 }] }, 'filter.must_not[0].key: "a..b" has an empty segment'],
    [{ must_not: [{ key: '.a', match: 1 }] }, 'filter.must_not[0].key: ".a" has an empty segment'],
    [{ must: [{ key: 'a', match: null }] }, 'filter.must[0].match: must be a string, a finite number or a boolean'],
    [{ must: [{ key: 'a', match: { value: 1 } }] }, 'filter.must[0].match: must be a string'],
    [{ must: [{ key: 'a', in: 'x' }] }, 'filter.must[0].in: must be an array'],
    [{ must: [{ key: 'a', in: ['x', ['y']] }] }, 'filter.must[0].in[1]: must be a string'],
    [{ must: [{ key: 'a', exists: 'yes' }] }, 'filter.must[0].exists: must be true or false'],
    [{ must: [{ must: [{ should: [{ key: 'a', range: { lt: 1, lgt: 2 } }] }] }] }, 'filter.must[0].must[0].should[0].range: unknown operator "lgt"'],
    [{ must: [{ must: [{ oops: [] }] }] }, 'filter.must[0].must[0]: unknown property "oops"'],
  ])('rejects %j naming the path', (filter, message) => {
    expect(invalidMessage(filter)).toContain(`invalid filter: ${message}`);
  });

  it('limits nesting depth', () => {
    const nest = (levels: number): unknown => {
      let clause: unknown = { must: [{ key: 'a', match: 1 }] };
      for (let i = 1; i < levels; i++) clause = { must: [clause] };
      return clause;
    };
    expect(matches(nest(FILTER_LIMITS.maxDepth), { a: 1 })).toBe(true);
    expect(invalidMessage(nest(FILTER_LIMITS.maxDepth + 1))).toContain(`clauses nest deeper than ${FILTER_LIMITS.maxDepth} levels`);
  });

  it('limits the number of conditions and of in values', () => {
    const conditions = (n: number): unknown => ({ should: Array.from({ length: n }, (_, i) => ({ key: 'n', match: i })) });
    expect(matches(conditions(FILTER_LIMITS.maxConditions))).toBe(true);
    expect(invalidMessage(conditions(FILTER_LIMITS.maxConditions + 1))).toContain(
      `filter.should[${FILTER_LIMITS.maxConditions}]: a filter may have at most ${FILTER_LIMITS.maxConditions} conditions`,
    );
    const values = (n: number): unknown => must({ key: 'n', in: Array.from({ length: n }, (_, i) => i) });
    expect(matches(values(FILTER_LIMITS.maxInValues))).toBe(true);
    expect(invalidMessage(values(FILTER_LIMITS.maxInValues + 1))).toContain('filter.must[0].in: may list at most');
    expect(invalidMessage(must({ key: 'k'.repeat(FILTER_LIMITS.maxKeyLength + 1), exists: true }))).toContain('filter.must[0].key: is longer than');
  });
});

describe('FILTER_JSON_SCHEMA', () => {
  const ajv = new Ajv({ strict: true });
  const validate = ajv.compile(FILTER_JSON_SCHEMA);

  const valid: unknown[] = [
    {},
    { must: [{ key: 'color', match: 'red' }] },
    { should: [{ key: 'tag', in: ['a', 1, true] }], must_not: [{ key: 'n', range: { gte: 1, lt: 5 } }] },
    { must: [{ key: 'a.b.c', exists: false }, { should: [{ must: [{ key: 'x', match: 2 }] }] }] },
  ];
  const invalid: unknown[] = [
    { must: [{ key: 'n', range: { between: [1, 2] } }] },
    { must: [{ key: 'n', range: {} }] },
    { must: [{ key: 'a', match: 1, in: [1] }] },
    { must: [{ key: 'a..b', match: 1 }] },
    { must: [{ key: 'a', match: null }] },
    { must: [{ key: 'a', match: 1, must: [] }] },
    { filter: [] },
    { must: [{ key: 'a' }] },
  ];

  it('accepts what compileFilter accepts', () => {
    for (const filter of valid) {
      expect(validate(filter)).toBe(true);
      expect(() => compileFilter(filter)).not.toThrow();
    }
  });

  it('rejects what compileFilter rejects', () => {
    for (const filter of invalid) {
      expect(validate(filter)).toBe(false);
      expect(() => compileFilter(filter)).toThrow();
    }
  });
});
