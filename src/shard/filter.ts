/**
 * The metadata filter language of searches, scrolls and counts, shaped like Qdrant's:
 *
 *   { "must": [...], "should": [...], "must_not": [...] }
 *
 * A point matches when every `must` condition holds, at least one `should` condition holds (when there are any),
 * and no `must_not` condition holds; an empty clause matches everything. A condition is a nested clause or one of:
 *
 *   { "key": "color", "match": "red" }           the value equals a string, number or boolean (no coercion)
 *   { "key": "tag", "in": ["a", "b"] }            the value equals one of these
 *   { "key": "n", "range": { "gte": 1, "lt": 5 } } a number within every bound given (gt, gte, lt, lte)
 *   { "key": "k", "exists": true }               the key has a value other than null
 *
 * Keys are paths: "a.b.c" walks nested objects (own properties only, so "constructor" is just a name). Arrays
 * hold any of their values: a condition holds on an array field when it holds for any element, and an array met
 * along the path is walked through element by element ("tags.name" on `tags: [{ "name": ... }]`). Following
 * Elasticsearch, `exists` needs at least one non-null value, so `[]` and `[null]` do not exist.
 *
 * Filters are validated strictly once, when compiled; an invalid one is a 400 (`JADE_ERR_FILTER_INVALID`) whose
 * message names the offending path, e.g. `filter.must[1].range: unknown operator "between"`.
 */
import { jadeError } from '../errors';

export const FILTER_LIMITS = Object.freeze({
  /** Clauses nested in clauses, the top one included: enough for real boolean logic, bounded for the stack. */
  maxDepth: 8,
  /** Conditions (field conditions and nested clauses) in one filter: each is evaluated per candidate point. */
  maxConditions: 256,
  /** Values in one `in` list. */
  maxInValues: 1024,
  /** Characters in a key. */
  maxKeyLength: 256,
});

export type FilterScalar = string | number | boolean;

export interface FilterClause {
  must?: FilterCondition[];
  should?: FilterCondition[];
  must_not?: FilterCondition[];
}

export type FilterCondition =
  | FilterClause
  | { key: string; match: FilterScalar }
  | { key: string; in: FilterScalar[] }
  | { key: string; range: { gt?: number; gte?: number; lt?: number; lte?: number } }
  | { key: string; exists: boolean };

export type FilterMetadata = Readonly<Record<string, unknown>> | null;

/** A validated filter, ready to test points. */
export interface CompiledFilter {
  /** Whether a point with this metadata matches (`null` metadata: every key is missing). */
  matches(metadata: FilterMetadata): boolean;
  /** Conditions counted against `FILTER_LIMITS.maxConditions`. */
  readonly conditionCount: number;
  /** The keys the filter reads, for planners that index some of them. */
  readonly keys: readonly string[];
}

const SCALAR_SCHEMA = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } as const;
const KEY_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: FILTER_LIMITS.maxKeyLength,
  pattern: '^[^.]+(\\.[^.]+)*$',
  description: 'A metadata key; dots walk into nested objects ("a.b.c").',
} as const;
const CONDITIONS_SCHEMA = { type: 'array', items: { $ref: '#/$defs/condition' } } as const;

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses) of a filter. It cannot express the depth and size limits, which
 * `compileFilter` enforces; the root is a clause, which nested clauses reference as `#`.
 */
export const FILTER_JSON_SCHEMA = {
  $id: 'urn:jadevectordb:schema:filter',
  title: 'Filter',
  description:
    'Points match when every `must` condition holds, at least one `should` condition holds (if any are given) and no `must_not` condition holds.',
  type: 'object',
  additionalProperties: false,
  properties: { must: CONDITIONS_SCHEMA, should: CONDITIONS_SCHEMA, must_not: CONDITIONS_SCHEMA },
  $defs: {
    condition: {
      oneOf: [
        { $ref: '#' },
        { $ref: '#/$defs/match' },
        { $ref: '#/$defs/in' },
        { $ref: '#/$defs/range' },
        { $ref: '#/$defs/exists' },
      ],
    },
    match: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'match'],
      properties: { key: KEY_SCHEMA, match: SCALAR_SCHEMA },
      description: 'The value (or any element of an array value) equals `match`.',
    },
    in: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'in'],
      properties: { key: KEY_SCHEMA, in: { type: 'array', maxItems: FILTER_LIMITS.maxInValues, items: SCALAR_SCHEMA } },
      description: 'The value (or any element of an array value) equals one of `in`.',
    },
    range: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'range'],
      properties: {
        key: KEY_SCHEMA,
        range: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { gt: { type: 'number' }, gte: { type: 'number' }, lt: { type: 'number' }, lte: { type: 'number' } },
        },
      },
      description: 'The value (or any element of an array value) is a number within every bound given.',
    },
    exists: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'exists'],
      properties: { key: KEY_SCHEMA, exists: { type: 'boolean' } },
      description: '`true`: the key has at least one non-null value; `false`: it has none.',
    },
  },
} as const;

/** Validates a filter (as parsed from JSON) and compiles it; throws `JADE_ERR_FILTER_INVALID` naming the bad path. */
export function compileFilter(filter: unknown): CompiledFilter {
  const compiler = new Compiler();
  const predicate = compiler.clause(filter, 'filter', 1);
  const keys = [...compiler.keys];
  return Object.freeze({
    matches: (metadata: FilterMetadata): boolean => predicate(metadata ?? null),
    conditionCount: compiler.count,
    keys,
  });
}

type Predicate = (metadata: FilterMetadata) => boolean;

const CLAUSE_KEYS = ['must', 'should', 'must_not'] as const;
const OPERATORS = ['match', 'in', 'range', 'exists'] as const;
const RANGE_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;

class Compiler {
  count = 0;
  readonly keys = new Set<string>();

  clause(value: unknown, path: string, depth: number): Predicate {
    if (!isPlainObject(value)) throw invalid(path, 'must be an object with must, should or must_not');
    if (depth > FILTER_LIMITS.maxDepth) throw invalid(path, `clauses nest deeper than ${FILTER_LIMITS.maxDepth} levels`);
    for (const name of Object.keys(value)) {
      if (!(CLAUSE_KEYS as readonly string[]).includes(name)) throw invalid(path, `unknown property ${JSON.stringify(name)}`);
    }
    const list = (name: (typeof CLAUSE_KEYS)[number]): Predicate[] => {
      const items = value[name];
      if (items === undefined) return [];
      if (!Array.isArray(items)) throw invalid(`${path}.${name}`, 'must be an array');
      return items.map((item, i) => this.condition(item, `${path}.${name}[${i}]`, depth));
    };
    const must = list('must');
    const should = list('should');
    const mustNot = list('must_not');
    return (metadata) => {
      for (const p of must) if (!p(metadata)) return false;
      for (const p of mustNot) if (p(metadata)) return false;
      if (should.length === 0) return true;
      for (const p of should) if (p(metadata)) return true;
      return false;
    };
  }

  condition(value: unknown, path: string, depth: number): Predicate {
    this.count += 1;
    if (this.count > FILTER_LIMITS.maxConditions) throw invalid(path, `a filter may have at most ${FILTER_LIMITS.maxConditions} conditions`);
    if (!isPlainObject(value)) throw invalid(path, 'must be an object: a field condition with "key", or a nested clause');
    if (!Object.hasOwn(value, 'key')) {
      const operator = OPERATORS.find((name) => Object.hasOwn(value, name));
      if (operator !== undefined) throw invalid(path, `"${operator}" needs a "key"`);
      return this.clause(value, path, depth + 1);
    }
    const nested = CLAUSE_KEYS.find((name) => Object.hasOwn(value, name));
    if (nested !== undefined) throw invalid(path, `mixes a field condition ("key") with a nested clause ("${nested}")`);
    const segments = this.key(value.key, `${path}.key`);
    const operators: string[] = [];
    for (const name of Object.keys(value)) {
      if (name === 'key') continue;
      if (!(OPERATORS as readonly string[]).includes(name)) throw invalid(path, `unknown property ${JSON.stringify(name)}`);
      operators.push(name);
    }
    if (operators.length === 0) throw invalid(path, 'needs one of match, in, range or exists');
    if (operators.length > 1) throw invalid(path, `has both ${operators[0]} and ${operators[1]}: use one per condition`);
    const operator = operators[0] as (typeof OPERATORS)[number];
    const operand = value[operator];
    const at = `${path}.${operator}`;
    switch (operator) {
      case 'match': {
        const expected = scalar(operand, at);
        return (metadata) => anyValue(metadata, segments, (v) => v === expected);
      }
      case 'in': {
        if (!Array.isArray(operand)) throw invalid(at, 'must be an array of strings, numbers or booleans');
        if (operand.length > FILTER_LIMITS.maxInValues) throw invalid(at, `may list at most ${FILTER_LIMITS.maxInValues} values`);
        const allowed = new Set<unknown>(operand.map((item, i) => scalar(item, `${at}[${i}]`)));
        return (metadata) => anyValue(metadata, segments, (v) => allowed.has(v));
      }
      case 'range': {
        const inRange = range(operand, at);
        return (metadata) => anyValue(metadata, segments, (v) => typeof v === 'number' && inRange(v));
      }
      case 'exists': {
        if (typeof operand !== 'boolean') throw invalid(at, 'must be true or false');
        return operand
          ? (metadata) => anyValue(metadata, segments, (v) => v !== null)
          : (metadata) => !anyValue(metadata, segments, (v) => v !== null);
      }
      default: {
        const unreachable: never = operator;
        throw new Error(`unhandled operator ${String(unreachable)}`);
      }
    }
  }

  key(value: unknown, path: string): string[] {
    if (typeof value !== 'string' || value.length === 0) throw invalid(path, 'must be a non-empty string');
    if (value.length > FILTER_LIMITS.maxKeyLength) throw invalid(path, `is longer than ${FILTER_LIMITS.maxKeyLength} characters`);
    const segments = value.split('.');
    if (segments.some((segment) => segment.length === 0)) throw invalid(path, `${JSON.stringify(value)} has an empty segment between dots`);
    this.keys.add(value);
    return segments;
  }
}

function scalar(value: unknown, path: string): FilterScalar {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalid(path, 'must be a string, a finite number or a boolean');
}

function range(value: unknown, path: string): (v: number) => boolean {
  if (!isPlainObject(value)) throw invalid(path, 'must be an object of gt, gte, lt, lte');
  const names = Object.keys(value);
  if (names.length === 0) throw invalid(path, 'needs at least one of gt, gte, lt, lte');
  const bound = (name: (typeof RANGE_OPERATORS)[number]): number | undefined => {
    const b = value[name];
    if (b === undefined) return undefined;
    if (typeof b !== 'number' || !Number.isFinite(b)) throw invalid(`${path}.${name}`, 'must be a finite number');
    return b;
  };
  for (const name of names) {
    if (!(RANGE_OPERATORS as readonly string[]).includes(name)) throw invalid(path, `unknown operator ${JSON.stringify(name)}`);
  }
  const gt = bound('gt') ?? -Infinity;
  const gte = bound('gte') ?? -Infinity;
  const lt = bound('lt') ?? Infinity;
  const lte = bound('lte') ?? Infinity;
  return (v) => v > gt && v >= gte && v < lt && v <= lte;
}

/** Whether `test` holds for any value at the path: arrays along the way and at the end hold each of their elements. */
function anyValue(metadata: FilterMetadata, segments: readonly string[], test: (value: unknown) => boolean): boolean {
  return metadata !== null && walk(metadata, segments, 0, test);
}

function walk(node: unknown, segments: readonly string[], depth: number, test: (value: unknown) => boolean): boolean {
  if (depth === segments.length) {
    if (!Array.isArray(node)) return node !== undefined && test(node);
    for (const element of node) if (element !== undefined && test(element)) return true;
    return false;
  }
  if (Array.isArray(node)) {
    for (const element of node) if (walkObject(element, segments, depth, test)) return true;
    return false;
  }
  return walkObject(node, segments, depth, test);
}

function walkObject(node: unknown, segments: readonly string[], depth: number, test: (value: unknown) => boolean): boolean {
  if (!isPlainObject(node)) return false;
  const segment = segments[depth]!;
  return Object.hasOwn(node, segment) && walk(node[segment], segments, depth + 1, test);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path: string, reason: string): Error {
  return jadeError('JADE_ERR_FILTER_INVALID', [`${path}: ${reason}`], { context: { path } });
}
