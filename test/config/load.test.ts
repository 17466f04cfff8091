import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('loadConfig', () => {
  it('resolves defaults and freezes the result', () => {
    const config = loadConfig({ env: {} });
    expect(config.role).toBe('all');
    expect(config.httpPort).toBe(8080);
    expect(config.kafkaBrokers).toBeUndefined();
    expect(config.defaultPartitions).toBe(os.availableParallelism());
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads typed values from the environment', () => {
    const config = loadConfig({
      env: { JADE_HTTP_PORT: '9000', JADE_KAFKA_BROKERS: 'a:1, b:2,c:3', JADE_PARTITIONS: '6', JADE_EMBEDDED_FSYNC: 'false' },
    });
    expect(config.httpPort).toBe(9000);
    expect(config.kafkaBrokers).toEqual(['a:1', 'b:2', 'c:3']);
    // Decided at start-up from the brokers the cluster reports, not from the bootstrap list (src/log/topics.ts).
    expect(config.kafkaReplicationFactor).toBeUndefined();
    expect(config.kafkaMinInsyncReplicas).toBeUndefined();
    expect(config.partitions).toBe(6);
    expect(config.defaultPartitions).toBe(6);
    expect(config.embeddedFsync).toBe(false);
  });

  it('takes an explicit replication factor whatever the length of the bootstrap list (one address may reach many brokers)', () => {
    const config = loadConfig({ env: { JADE_KAFKA_BROKERS: 'a:1', JADE_KAFKA_REPLICATION_FACTOR: '3' } });
    expect(config.kafkaReplicationFactor).toBe(3);
    expect(config.kafkaMinInsyncReplicas).toBeUndefined();
  });

  it('lets the environment win over the file, and overrides over both', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jade-cfg-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify({ httpPort: 7000, topicPrefix: 'fromfile' }));
    const config = loadConfig({ env: { JADE_TOPIC_PREFIX: 'fromenv' }, file, overrides: { httpPort: 7001 } });
    expect(config.topicPrefix).toBe('fromenv');
    expect(config.httpPort).toBe(7001);
  });

  it.each([
    [{ JADE_HTTP_PORT: 'eighty' }, /JADE_HTTP_PORT must be an integer/],
    [{ JADE_HTTP_PORT: '70000' }, /httpPort \(JADE_HTTP_PORT\) must be <= 65535/],
    [{ JADE_ROLE: 'leader' }, /role \(JADE_ROLE\)/],
    [{ JADE_KAFKA_BROKERS: 'nohostport' }, /kafkaBrokers \(JADE_KAFKA_BROKERS\)/],
    [{ JADE_KAFKA_BROKERS: 'a:1', JADE_KAFKA_REPLICATION_FACTOR: '3', JADE_KAFKA_MIN_INSYNC_REPLICAS: '4' }, /above the replication factor 3/],
    [{ JADE_KAFKA_MIN_INSYNC_REPLICAS: '2' }, /above the replication factor 1/],
    [{ JADE_EMBEDDED_FSYNC: 'maybe' }, /JADE_EMBEDDED_FSYNC must be true or false/],
  ])('refuses %j with a message naming the key', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(message);
    expect(codeOf(() => loadConfig({ env }))).toBe('JADE_ERR_CONFIG_INVALID');
  });

  it('refuses unknown keys and values of the wrong type in a file, without coercion', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-cfg-'));
    const unknown = path.join(dir, 'u.json');
    fs.writeFileSync(unknown, JSON.stringify({ httpPrt: 1 }));
    expect(() => loadConfig({ env: {}, file: unknown })).toThrow(/httpPrt \(unknown key\)/);
    const typed = path.join(dir, 't.json');
    fs.writeFileSync(typed, JSON.stringify({ httpPort: '8080' }));
    expect(() => loadConfig({ env: {}, file: typed })).toThrow(/httpPort \(JADE_HTTP_PORT\) must be integer/);
    const broken = path.join(dir, 'b.json');
    fs.writeFileSync(broken, '{');
    expect(() => loadConfig({ env: {}, file: broken })).toThrow(/is not JSON/);
  });
});
