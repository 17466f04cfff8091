/**
 * Loads the configuration once at start-up: defaults < JSON file < environment < explicit overrides,
 * validated against CONFIG_SPEC with no unknown keys and no type coercion, cross-field rules checked, then frozen.
 * A bad value stops start-up with one message naming the key.
 */
import fs from 'node:fs';
import Ajv from 'ajv';
import { jadeError } from '../errors';
import { CONFIG_SPEC, defaultPartitionCount, type ConfigKey, type ConfigKeySpec, type JadeConfig, type JadeConfigInput } from './schema';

const KEYS = Object.keys(CONFIG_SPEC) as ConfigKey[];

const validator = new Ajv({ allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false }).compile({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(KEYS.map((key) => [key, CONFIG_SPEC[key].schema])),
});

export interface LoadConfigOptions {
  /** Environment to read `JADE_*` variables from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** A JSON file of config keys (`JADE_CONFIG_FILE` in the environment also names one). */
  file?: string;
  /** Values that win over file and environment (CLI flags, tests). */
  overrides?: JadeConfigInput;
}

export function loadConfig(options: LoadConfigOptions = {}): JadeConfig {
  const env = options.env ?? process.env;
  const merged: Record<string, unknown> = {};
  for (const key of KEYS) {
    const spec: ConfigKeySpec = CONFIG_SPEC[key];
    if (spec.default !== undefined) merged[key] = spec.default;
  }
  const file = options.file ?? env.JADE_CONFIG_FILE;
  if (file !== undefined && file !== '') Object.assign(merged, readConfigFile(file));
  Object.assign(merged, readEnv(env));
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) merged[key] = value;
  }

  if (!validator(merged)) {
    const details = (validator.errors ?? []).map((e) => {
      const key = e.instancePath.replace(/^\//, '').split('/')[0] ?? '';
      const name = key === '' ? String((e.params as { additionalProperty?: string }).additionalProperty ?? '') : key;
      const envName = (CONFIG_SPEC as Record<string, { env: string }>)[name]?.env;
      return `${name}${envName === undefined ? ' (unknown key)' : ` (${envName})`} ${e.message ?? 'is invalid'}`;
    });
    throw jadeError('JADE_ERR_CONFIG_INVALID', [details.join('; ')]);
  }
  return Object.freeze(resolve(merged as Partial<JadeConfig> & Record<string, unknown>));
}

function resolve(raw: Partial<JadeConfig> & Record<string, unknown>): JadeConfig {
  const brokers = raw.kafkaBrokers;
  const replicationFactor = raw.kafkaReplicationFactor ?? (brokers !== undefined && brokers.length >= 3 ? 3 : 1);
  const minInsync = raw.kafkaMinInsyncReplicas ?? (replicationFactor >= 3 ? 2 : 1);
  if (brokers !== undefined && replicationFactor > brokers.length) {
    // Kafka would accept the create only if more brokers exist than listed; the bootstrap list is the only count we know.
    throw jadeError('JADE_ERR_CONFIG_INVALID', [
      `kafkaReplicationFactor (JADE_KAFKA_REPLICATION_FACTOR) is ${replicationFactor} but only ${brokers.length} broker(s) are listed in kafkaBrokers`,
    ]);
  }
  if ((raw.tlsCertFile === undefined) !== (raw.tlsKeyFile === undefined)) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', ['tlsCertFile (JADE_TLS_CERT_FILE) and tlsKeyFile (JADE_TLS_KEY_FILE) go together: set both or neither']);
  }
  if (minInsync > replicationFactor) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [
      `kafkaMinInsyncReplicas (JADE_KAFKA_MIN_INSYNC_REPLICAS) is ${minInsync}, above the replication factor ${replicationFactor}: no write could ever be acknowledged`,
    ]);
  }
  return {
    ...(raw as JadeConfig),
    kafkaBrokers: brokers === undefined ? undefined : Object.freeze([...brokers]),
    kafkaReplicationFactor: replicationFactor,
    kafkaMinInsyncReplicas: minInsync,
    defaultPartitions: raw.partitions ?? defaultPartitionCount(),
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [`cannot read config file ${file}: ${(err as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [`config file ${file} is not JSON: ${(err as Error).message}`]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', [`config file ${file} must hold a JSON object`]);
  }
  return parsed as Record<string, unknown>;
}

/** Parses `JADE_*` variables by each key's schema type; a malformed value is reported with the variable's name. */
function readEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of KEYS) {
    const spec = CONFIG_SPEC[key];
    const text = env[spec.env];
    if (text === undefined || text === '') continue;
    const type = (spec.schema as { type?: string }).type;
    out[key] = parseEnvValue(spec.env, type, text.trim());
  }
  return out;
}

function parseEnvValue(name: string, type: string | undefined, text: string): unknown {
  switch (type) {
    case 'integer': {
      if (!/^-?[0-9]+$/.test(text)) throw jadeError('JADE_ERR_CONFIG_INVALID', [`${name} must be an integer, got "${text}"`]);
      return Number(text);
    }
    case 'boolean': {
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      throw jadeError('JADE_ERR_CONFIG_INVALID', [`${name} must be true or false, got "${text}"`]);
    }
    case 'array':
      return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
    default:
      return text;
  }
}
