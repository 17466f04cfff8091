import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load';

/** The message of the config error `env` causes (or undefined when it loads). */
const errorOf = (env: NodeJS.ProcessEnv): string | undefined => {
  try {
    loadConfig({ env });
  } catch (err) {
    expect((err as { code?: string }).code).toBe('JADE_ERR_CONFIG_INVALID');
    return (err as Error).message;
  }
  return undefined;
};

const key = (bytes = 32): string => randomBytes(bytes).toString('base64');

describe('encryption settings', () => {
  it('takes a base64 key of exactly 32 bytes, with key id k1 by default and /dev/shm as temp space', () => {
    const config = loadConfig({ env: { JADE_ENCRYPTION_KEY: key(), JADE_PAYLOAD_ENCRYPTION: 'true' } });
    expect(config.encryptionKeyId).toBe('k1');
    expect(config.encryptionTempDir).toBe('/dev/shm');
    expect(config.payloadEncryption).toBe(true);
    expect(loadConfig({ env: {} }).payloadEncryption).toBe(false);
  });

  it('refuses any other key, naming the setting and never echoing the value', () => {
    for (const bad of [key(31), key(33), key(16), 'not base64 at all!', `${key()}x`]) {
      const message = errorOf({ JADE_ENCRYPTION_KEY: bad });
      expect(message).toMatch(/encryptionKey \(JADE_ENCRYPTION_KEY\)/);
      expect(message).not.toContain(bad);
    }
  });

  it('checks key ids, previous keys and payload encryption against each other', () => {
    expect(errorOf({ JADE_ENCRYPTION_KEY: key(), JADE_ENCRYPTION_KEY_ID: 'has space' })).toMatch(/encryptionKeyId/);
    expect(errorOf({ JADE_ENCRYPTION_KEY: key(), JADE_ENCRYPTION_PREVIOUS_KEYS: `k1:${key()}` })).toMatch(/lists key id k1 twice, or as the current/);
    expect(errorOf({ JADE_ENCRYPTION_KEY: key(), JADE_ENCRYPTION_PREVIOUS_KEYS: `k0:${key()},k0:${key()}` })).toMatch(/k0 twice/);
    expect(errorOf({ JADE_ENCRYPTION_KEY: key(), JADE_ENCRYPTION_PREVIOUS_KEYS: `k0:${key(16)}` })).toMatch(/encryptionPreviousKeys/);
    expect(errorOf({ JADE_ENCRYPTION_PREVIOUS_KEYS: `k0:${key()}` })).toMatch(/needs encryptionKey/);
    expect(errorOf({ JADE_PAYLOAD_ENCRYPTION: 'true' })).toMatch(/payloadEncryption \(JADE_PAYLOAD_ENCRYPTION\) needs encryptionKey/);
    const rotated = loadConfig({ env: { JADE_ENCRYPTION_KEY: key(), JADE_ENCRYPTION_KEY_ID: 'k2', JADE_ENCRYPTION_PREVIOUS_KEYS: `k1:${key()}` } });
    expect(rotated.encryptionPreviousKeys).toHaveLength(1);
  });
});

describe('Kafka TLS and SASL settings', () => {
  const brokers = { JADE_KAFKA_BROKERS: 'b:9093' };

  it('accepts TLS with CA and client certificate, and SASL with all three settings', () => {
    const config = loadConfig({
      env: {
        ...brokers,
        JADE_KAFKA_SSL: 'true',
        JADE_KAFKA_SSL_CA_FILE: '/ca.pem',
        JADE_KAFKA_SSL_CERT_FILE: '/c.pem',
        JADE_KAFKA_SSL_KEY_FILE: '/k.pem',
        JADE_KAFKA_SASL_MECHANISM: 'scram-sha-512',
        JADE_KAFKA_SASL_USERNAME: 'u',
        JADE_KAFKA_SASL_PASSWORD: 'p',
      },
    });
    expect(config.kafkaSsl).toBe(true);
    expect(config.kafkaSaslMechanism).toBe('scram-sha-512');
    expect(loadConfig({ env: {} }).kafkaSsl).toBe(false);
  });

  it('refuses settings that cannot work together, naming them', () => {
    expect(errorOf({ JADE_KAFKA_SSL: 'true' })).toMatch(/kafkaSsl \(JADE_KAFKA_SSL\) apply to the Kafka backbone, but kafkaBrokers/);
    expect(errorOf({ ...brokers, JADE_KAFKA_SSL_CA_FILE: '/ca.pem' })).toMatch(/kafkaSslCaFile \(JADE_KAFKA_SSL_CA_FILE\) need kafkaSsl/);
    expect(errorOf({ ...brokers, JADE_KAFKA_SSL: 'true', JADE_KAFKA_SSL_CERT_FILE: '/c.pem' })).toMatch(/kafkaSslCertFile .* and kafkaSslKeyFile .* go together/);
    expect(errorOf({ ...brokers, JADE_KAFKA_SASL_MECHANISM: 'scram-sha-256', JADE_KAFKA_SASL_USERNAME: 'u' })).toMatch(/kafkaSaslPassword \(JADE_KAFKA_SASL_PASSWORD\) missing/);
    expect(errorOf({ ...brokers, JADE_KAFKA_SASL_USERNAME: 'u', JADE_KAFKA_SASL_PASSWORD: 'p' })).toMatch(/kafkaSaslMechanism \(JADE_KAFKA_SASL_MECHANISM\) missing/);
    expect(errorOf({ ...brokers, JADE_KAFKA_SASL_MECHANISM: 'gssapi' })).toMatch(/kafkaSaslMechanism/);
    expect(errorOf({ JADE_KAFKA_SASL_MECHANISM: 'plain', JADE_KAFKA_SASL_USERNAME: 'u', JADE_KAFKA_SASL_PASSWORD: 'p' })).toMatch(/but kafkaBrokers/);
  });
});
