/**
 * Loads the configuration once at start-up: defaults < JSON file < environment < explicit overrides,
 * validated against CONFIG_SPEC with no unknown keys and no type coercion, cross-field rules checked, then frozen.
 * A bad value stops start-up with one message naming the key.
 */
import fs from 'node:fs';
import Ajv from 'ajv';
import { jadeError } from '../errors';
import { checkMinInsync } from './replication';
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
  // Replication is decided at start-up (src/config/replication.ts): with Kafka from the brokers the cluster reports
  // (a bootstrap list of one address may reach many), else 1. Only what is known now is checked here.
  const replicationFactor = raw.kafkaReplicationFactor ?? (brokers === undefined ? 1 : undefined);
  const minInsync = raw.kafkaMinInsyncReplicas;
  if ((raw.tlsCertFile === undefined) !== (raw.tlsKeyFile === undefined)) {
    throw jadeError('JADE_ERR_CONFIG_INVALID', ['tlsCertFile (JADE_TLS_CERT_FILE) and tlsKeyFile (JADE_TLS_KEY_FILE) go together: set both or neither']);
  }
  checkKafkaSecurity(raw);
  checkEncryption(raw);
  if (minInsync !== undefined && replicationFactor !== undefined) checkMinInsync(minInsync, replicationFactor);
  return {
    ...(raw as JadeConfig),
    kafkaBrokers: brokers === undefined ? undefined : Object.freeze([...brokers]),
    encryptionPreviousKeys: raw.encryptionPreviousKeys === undefined ? undefined : Object.freeze([...raw.encryptionPreviousKeys]),
    defaultPartitions: raw.partitions ?? defaultPartitionCount(),
  };
}

const invalid = (message: string): never => {
  throw jadeError('JADE_ERR_CONFIG_INVALID', [message]);
};

/** TLS and SASL to the brokers: only with brokers, and the settings that go together set together. */
function checkKafkaSecurity(raw: Partial<JadeConfig>): void {
  const sslFiles = (['kafkaSslCaFile', 'kafkaSslCertFile', 'kafkaSslKeyFile'] as const).filter((k) => raw[k] !== undefined);
  const sasl = (['kafkaSaslMechanism', 'kafkaSaslUsername', 'kafkaSaslPassword'] as const).filter((k) => raw[k] !== undefined);
  const named = (key: keyof typeof CONFIG_SPEC): string => `${key} (${CONFIG_SPEC[key].env})`;
  if (raw.kafkaBrokers === undefined) {
    const set = [...(raw.kafkaSsl === true ? (['kafkaSsl'] as const) : []), ...sslFiles, ...sasl];
    if (set.length > 0) invalid(`${set.map(named).join(', ')} apply to the Kafka backbone, but kafkaBrokers (JADE_KAFKA_BROKERS) is not set`);
  }
  if (sslFiles.length > 0 && raw.kafkaSsl !== true) invalid(`${sslFiles.map(named).join(', ')} need kafkaSsl (JADE_KAFKA_SSL) set to true`);
  if ((raw.kafkaSslCertFile === undefined) !== (raw.kafkaSslKeyFile === undefined)) {
    invalid(`${named('kafkaSslCertFile')} and ${named('kafkaSslKeyFile')} go together: set both or neither`);
  }
  if (sasl.length > 0 && sasl.length < 3) {
    const missing = (['kafkaSaslMechanism', 'kafkaSaslUsername', 'kafkaSaslPassword'] as const).filter((k) => raw[k] === undefined);
    invalid(`SASL needs a mechanism, a username and a password: ${missing.map(named).join(' and ')} missing`);
  }
}

/** The master key must be exactly 32 bytes; previous keys need distinct ids; payload encryption needs a key. */
function checkEncryption(raw: Partial<JadeConfig>): void {
  if (raw.encryptionKey !== undefined) {
    // The value is a secret: say what is wrong with it, never echo it.
    const text = raw.encryptionKey.trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
      invalid('encryptionKey (JADE_ENCRYPTION_KEY) must be base64 (e.g. the output of `openssl rand -base64 32`)');
    }
    const bytes = Buffer.from(text, 'base64').length;
    if (bytes !== 32) invalid(`encryptionKey (JADE_ENCRYPTION_KEY) must decode to exactly 32 bytes, got ${bytes}`);
  }
  const previous = raw.encryptionPreviousKeys ?? [];
  if (previous.length > 0 && raw.encryptionKey === undefined) invalid('encryptionPreviousKeys (JADE_ENCRYPTION_PREVIOUS_KEYS) needs encryptionKey (JADE_ENCRYPTION_KEY)');
  const ids = new Set([raw.encryptionKeyId]);
  for (const entry of previous) {
    const id = entry.slice(0, entry.indexOf(':'));
    if (ids.has(id)) invalid(`encryptionPreviousKeys (JADE_ENCRYPTION_PREVIOUS_KEYS) lists key id ${id} twice, or as the current encryptionKeyId`);
    ids.add(id);
  }
  if (raw.payloadEncryption === true && raw.encryptionKey === undefined) {
    invalid('payloadEncryption (JADE_PAYLOAD_ENCRYPTION) needs encryptionKey (JADE_ENCRYPTION_KEY)');
  }
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
