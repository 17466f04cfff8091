/**
 * The Testcontainers module without a Docker engine: the container it would create (image, command, exposed port,
 * environment, wait strategy, start-up bound) read from the GenericContainer's state, checked against the config
 * schema and the Dockerfile; the started container's helpers (URL, tokens, client, API keys) against a real
 * server in this process standing in for the container's port; and `start()` failing fast with no engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { CONFIG_SPEC } from '../../src/config/schema';
import {
  JADE_DEFAULT_IMAGE,
  JADE_DEFAULT_STARTUP_TIMEOUT_MS,
  JADE_REST_PORT,
  JadeVectorDbContainer,
  StartedJadeVectorDbContainer,
} from '../../src/testcontainers';
import { VERSION } from '../../src/version';
import { startTestServer, type TestServer } from '../client/test-server';

const REPO = path.resolve(__dirname, '..', '..');
const SCHEMA_ENV = new Set(Object.values(CONFIG_SPEC).map((spec) => spec.env));

/** The GenericContainer's protected state, as testcontainers 11.14.0 keeps it. */
interface ContainerState {
  imageName: { string: string };
  environment: Record<string, string>;
  createOpts: { Cmd?: string[]; Env?: string[]; ExposedPorts?: Record<string, unknown> };
  exposedPorts: unknown[];
  waitStrategy: { constructor: { name: string }; waitStrategies?: { constructor: { name: string }; path?: string; port?: number; predicates?: ((response: { status: number }) => Promise<boolean>)[] }[] };
  startupTimeoutMs?: number;
  networkMode?: string;
  networkAliases: string[];
}

function state(container: JadeVectorDbContainer): ContainerState {
  return container as unknown as ContainerState;
}

/** The Env list Docker would receive, as a map; fails on a name given twice. */
function envOf(container: JadeVectorDbContainer): Record<string, string> {
  const entries = (state(container).createOpts.Env ?? []).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  const names = entries.map(([name]) => name);
  expect(new Set(names).size).toBe(names.length);
  return Object.fromEntries(entries);
}

describe('JadeVectorDbContainer configuration', () => {
  it('runs role all of the project image on port 8080, with a generated JWT secret and the embedded log', () => {
    const container = new JadeVectorDbContainer();
    const s = state(container);
    expect(JADE_DEFAULT_IMAGE).toBe(`jadevectordb:${VERSION}`);
    expect(s.imageName.string).toBe(JADE_DEFAULT_IMAGE);
    expect(s.createOpts.Cmd).toEqual(['serve', '--role', 'all']);
    expect(s.exposedPorts).toEqual([JADE_REST_PORT]);
    expect(Object.keys(s.createOpts.ExposedPorts ?? {})).toEqual(['8080/tcp']);
    const env = envOf(container);
    expect(env.JADE_JWT_SECRET).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(env).toEqual({
      JADE_ROLE: 'all',
      JADE_HTTP_HOST: '0.0.0.0',
      JADE_HTTP_PORT: '8080',
      JADE_DATA_DIR: '/data',
      JADE_AUTH: 'on',
      JADE_JWT_SECRET: env.JADE_JWT_SECRET,
    });
    expect(s.environment).toEqual(env);
    // Each container gets its own secret.
    expect(envOf(new JadeVectorDbContainer()).JADE_JWT_SECRET).not.toBe(env.JADE_JWT_SECRET);

    const config = container.getJadeConfig();
    expect(config).toMatchObject({ role: 'all', httpHost: '0.0.0.0', httpPort: 8080, dataDir: '/data', auth: 'on', jwtSecret: env.JADE_JWT_SECRET });
    expect(config.kafkaBrokers).toBeUndefined();
  });

  it('sets only environment variables that are keys of the configuration schema, whatever the options', () => {
    const container = new JadeVectorDbContainer('registry.example.com/jadevectordb:test')
      .withKafka(['kafka:9092'])
      .withPartitions(3)
      .withTopicPrefix('it-run-1')
      .withJwtSecret('a-test-secret-of-at-least-32-bytes-0123456789');
    expect(state(container).imageName.string).toBe('registry.example.com/jadevectordb:test');
    for (const name of Object.keys(envOf(container))) expect(SCHEMA_ENV).toContain(name);
    for (const name of Object.keys(envOf(new JadeVectorDbContainer().withoutAuth()))) expect(SCHEMA_ENV).toContain(name);
  });

  it('matches the Dockerfile: the CLI as entrypoint, the REST port exposed, /data as the volume', () => {
    const dockerfile = fs.readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/src\/cli\/main\.js"\]$/m);
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE .*\\b${JADE_REST_PORT}\\b`, 'm'));
    expect(dockerfile).toMatch(/^VOLUME \/data$/m);
    expect(dockerfile).toMatch(/JADE_DATA_DIR=\/data/);
  });

  it('waits for /health, then /ready, with status 200 on the REST port, within a bounded start-up time', async () => {
    const s = state(new JadeVectorDbContainer());
    expect(s.waitStrategy.constructor.name).toBe('CompositeWaitStrategy');
    const steps = s.waitStrategy.waitStrategies ?? [];
    expect(steps.map((w) => [w.constructor.name, w.path, w.port])).toEqual([
      ['HttpWaitStrategy', '/health', JADE_REST_PORT],
      ['HttpWaitStrategy', '/ready', JADE_REST_PORT],
    ]);
    for (const step of steps) {
      expect(step.predicates).toHaveLength(1);
      expect(await step.predicates![0]!({ status: 200 })).toBe(true);
      // /ready answers 503 until every partition has caught up: that must keep the strategy waiting.
      expect(await step.predicates![0]!({ status: 503 })).toBe(false);
    }
    expect(s.startupTimeoutMs).toBe(JADE_DEFAULT_STARTUP_TIMEOUT_MS);
    expect(state(new JadeVectorDbContainer().withStartupTimeout(5_000)).startupTimeoutMs).toBe(5_000);
  });

  it('runs on Kafka when given brokers (a network alias on a shared network), and back on the embedded log', () => {
    const container = new JadeVectorDbContainer().withNetworkMode('jade-it').withNetworkAliases('jade').withKafka('kafka-0:9092, kafka-1:9092');
    expect(envOf(container).JADE_KAFKA_BROKERS).toBe('kafka-0:9092,kafka-1:9092');
    expect(container.getJadeConfig()).toMatchObject({ kafkaBrokers: ['kafka-0:9092', 'kafka-1:9092'], role: 'all' });
    // Decided at start-up from the brokers the cluster reports (src/config/replication.ts).
    expect(container.getJadeConfig().kafkaReplicationFactor).toBeUndefined();
    expect(state(container).networkMode).toBe('jade-it');
    expect(state(container).networkAliases).toEqual(['jade']);
    container.withKafka(['kafka:9092']);
    expect(envOf(container).JADE_KAFKA_BROKERS).toBe('kafka:9092');
    container.withEmbeddedLog();
    expect(envOf(container).JADE_KAFKA_BROKERS).toBeUndefined();
    expect(container.getJadeConfig().kafkaBrokers).toBeUndefined();
  });

  it('sets partitions, topic prefix, secret and auth off, keeping variables set with withEnvironment', () => {
    const container = new JadeVectorDbContainer().withEnvironment({ JADE_LOG_LEVEL: 'debug' }).withPartitions(4).withTopicPrefix('ci.42');
    container.withPartitions(2);
    expect(envOf(container)).toMatchObject({ JADE_PARTITIONS: '2', JADE_TOPIC_PREFIX: 'ci.42', JADE_LOG_LEVEL: 'debug' });
    expect(container.getJadeConfig()).toMatchObject({ partitions: 2, topicPrefix: 'ci.42', logLevel: 'debug' });

    const secret = 'another-secret-that-is-long-enough-0123456789';
    expect(envOf(container.withJwtSecret(secret)).JADE_JWT_SECRET).toBe(secret);
    const open = envOf(container.withoutAuth());
    expect(open.JADE_AUTH).toBe('off');
    expect(open.JADE_JWT_SECRET).toBeUndefined();
    expect(container.getJadeConfig().auth).toBe('off');
  });

  it('refuses bad options when they are given', () => {
    const container = new JadeVectorDbContainer();
    expect(() => container.withKafka([])).toThrow(/at least one/);
    expect(() => container.withKafka('kafka')).toThrow(/kafka: expected host:port/);
    expect(() => container.withPartitions(0)).toThrow(RangeError);
    expect(() => container.withPartitions(1.5)).toThrow(RangeError);
    expect(() => container.withTopicPrefix('no spaces')).toThrow(TypeError);
    expect(() => container.withJwtSecret('short')).toThrow(/32 bytes/);
  });

  it('refuses to start with an invalid configuration before contacting any engine', async () => {
    const container = new JadeVectorDbContainer().withEnvironment({ JADE_PARTITIONS: 'many' });
    expect(() => container.getJadeConfig()).toThrow(/JADE_PARTITIONS/);
    await expect(container.start()).rejects.toThrow(/JADE_PARTITIONS/);
  });
});

// Where an engine is configured, `start()` would really pull and run the image: that is not this test.
const engineConfigured = process.env.DOCKER_HOST !== undefined || fs.existsSync('/var/run/docker.sock');
(engineConfigured ? describe.skip : describe)('JadeVectorDbContainer.start() without a Docker engine', () => {
  it('fails within seconds with an error that says no engine is reachable', async () => {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('start() neither started nor failed within 20 s')), 20_000);
    });
    try {
      await expect(Promise.race([new JadeVectorDbContainer().start(), bound])).rejects.toThrow(/no Docker \(or compatible\) engine is reachable/);
    } finally {
      clearTimeout(timer);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});

describe('StartedJadeVectorDbContainer', () => {
  const SECRET = 'testcontainers-unit-secret-0123456789abcdef';
  let server: TestServer;
  let port: number;

  /** A started container whose REST port is this process's server: what the helpers see after `start()`. */
  function started(secret: string | undefined): StartedJadeVectorDbContainer {
    const fake = {
      getHost: () => '127.0.0.1',
      getMappedPort: (p: number | string) => {
        if (p !== JADE_REST_PORT && p !== `${JADE_REST_PORT}/tcp`) throw new Error(`port ${String(p)} is not mapped`);
        return port;
      },
    } as unknown as StartedTestContainer;
    return new StartedJadeVectorDbContainer(fake, secret);
  }

  beforeAll(async () => {
    server = await startTestServer({ auth: 'on', jwtSecret: SECRET });
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server.stop());

  it('gives the REST URL and port on the host', () => {
    const jade = started(SECRET);
    expect(jade.getMappedPort()).toBe(port);
    expect(jade.getMappedPort(JADE_REST_PORT)).toBe(port);
    expect(jade.getRestPort()).toBe(port);
    expect(jade.getRestUrl()).toBe(`http://127.0.0.1:${port}`);
    expect(() => jade.getMappedPort(9999)).toThrow(/not mapped/);
  });

  it('mints tokens the server accepts, and a client and API keys with them', async () => {
    const jade = started(SECRET);
    expect(jade.isAuthEnabled()).toBe(true);
    const client = jade.getClient();
    await client.databases.create({ name: 'tc', dimension: 2, metric: 'euclidean' });
    expect((await client.databases.list()).map((d) => d.name)).toContain('tc');

    const reader = jade.getClient({ token: jade.mintToken({ roles: ['reader'], databases: ['tc'], subject: 'tc-reader' }) });
    expect((await reader.databases.list()).map((d) => d.name)).toEqual(['tc']);
    await expect(reader.databases.create({ name: 'other', dimension: 2, metric: 'euclidean' })).rejects.toMatchObject({ statusCode: 403 });

    const key = await jade.createApiKey({ name: 'ci', roles: ['writer'], databases: ['tc'] });
    expect(key.key).toEqual(expect.any(String));
    const writer = jade.getClient({ apiKey: key.key });
    await writer.vectors.upsert('tc', { id: 'a', values: [1, 2] });
    expect(await writer.vectors.count('tc', { consistency: 'strong' })).toBe(1);

    // A token signed with another secret is refused: the helpers really use the container's.
    await expect(started('some-other-secret-0123456789abcdef-xyz').getClient().databases.list()).rejects.toMatchObject({ statusCode: 401 });
  });

  it('without authentication, gives a client with no credentials and refuses to mint', () => {
    const jade = started(undefined);
    expect(jade.isAuthEnabled()).toBe(false);
    expect(() => jade.getAdminToken()).toThrow(/without authentication/);
    expect(jade.getClient()).toBeDefined();
  });
});
