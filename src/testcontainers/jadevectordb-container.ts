/**
 * A Testcontainers module for JadeVectorDB, for integration tests of applications that use it: one container of
 * the project's image running role `all` (gateway and index node in one process), on the embedded log by default
 * or on a Kafka cluster the test names.
 *
 * ```ts
 * const jade = await new JadeVectorDbContainer('jadevectordb:0.1.0').withPartitions(2).start();
 * const client = jade.getClient(); // a JadeClient with an admin token
 * ...
 * await jade.stop();
 * ```
 *
 * Authentication stays on: the module generates the HS256 secret (`JADE_JWT_SECRET`) and passes it to the
 * container, so the test process mints tokens itself (`getAdminToken()`, `mintToken()`) without a call into the
 * container. `testcontainers` 11.14.0 is an optional peer dependency of the package: only this entry point
 * (`jadevectordb/testcontainers`) loads it.
 */
import { randomBytes } from 'node:crypto';
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { JadeClient, type CreateApiKeyRequest, type CreatedApiKey, type JadeClientOptions } from '../client';
import { loadConfig } from '../config/load';
import type { JadeConfig } from '../config/schema';
import { mintToken } from '../security/jwt';
import type { Role } from '../security/principal';
import { VERSION } from '../version';

/** The REST API's port inside the container (`JADE_HTTP_PORT`, as the Dockerfile exposes it). */
export const JADE_REST_PORT = 8080;
/** The image tag `docker build -t jadevectordb:<version> .` gives; no image is published to a registry. */
export const JADE_DEFAULT_IMAGE = `jadevectordb:${VERSION}`;
/** The data directory of the image (`JADE_DATA_DIR`, a volume). */
export const JADE_CONTAINER_DATA_DIR = '/data';
/** Default bound on start-up, image pull excluded: recovery on Kafka may replay a while. */
export const JADE_DEFAULT_STARTUP_TIMEOUT_MS = 120_000;

/** Every environment variable the module sets itself; `withEnvironment` may add any other `JADE_*` key. */
const MANAGED_ENV = [
  'JADE_ROLE',
  'JADE_HTTP_HOST',
  'JADE_HTTP_PORT',
  'JADE_DATA_DIR',
  'JADE_AUTH',
  'JADE_JWT_SECRET',
  'JADE_KAFKA_BROKERS',
  'JADE_PARTITIONS',
  'JADE_TOPIC_PREFIX',
] as const;

const BROKER = /^[^:\s,]+:[0-9]{1,5}$/;
const TOPIC_PREFIX = /^[a-zA-Z0-9._-]{1,100}$/;

export interface MintTokenOptions {
  /** Default `['admin']`. */
  roles?: Role[];
  /** Database names, or `*` (the default) for all. */
  databases?: '*' | string[];
  /** Default one day. */
  ttlSeconds?: number;
  /** The token's `sub`; default `testcontainers`. */
  subject?: string;
}

/** The JadeVectorDB image as a Testcontainers `GenericContainer`, configured for role `all`. */
export class JadeVectorDbContainer extends GenericContainer {
  private auth = true;
  private jwtSecret = randomBytes(48).toString('base64url');
  private kafkaBrokers: string[] | undefined;
  private partitions: number | undefined;
  private topicPrefix: string | undefined;

  constructor(image: string = JADE_DEFAULT_IMAGE) {
    super(image);
    this.withExposedPorts(JADE_REST_PORT)
      // The image's entrypoint is the CLI (`node dist/src/cli/main.js`); the role is also in JADE_ROLE, which the
      // image's HEALTHCHECK reads.
      .withCommand(['serve', '--role', 'all'])
      // /health answers as soon as the process listens; /ready once every partition has caught up with the log.
      .withWaitStrategy(
        Wait.forAll([Wait.forHttp('/health', JADE_REST_PORT).forStatusCode(200), Wait.forHttp('/ready', JADE_REST_PORT).forStatusCode(200)]),
      )
      .withStartupTimeout(JADE_DEFAULT_STARTUP_TIMEOUT_MS);
    this.syncEnvironment();
  }

  /**
   * Runs on Kafka instead of the embedded log: `host:port` bootstrap addresses as the container sees them, e.g. a
   * network alias (`kafka:9092`) of a broker container on the same `withNetwork(...)`.
   */
  withKafka(brokers: string | readonly string[]): this {
    const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter((b) => b !== '');
    if (list.length === 0) throw new TypeError('withKafka: at least one host:port bootstrap address is needed');
    const bad = list.filter((b) => !BROKER.test(b));
    if (bad.length > 0) throw new TypeError(`withKafka: ${bad.join(', ')}: expected host:port`);
    this.kafkaBrokers = list;
    return this.syncEnvironment();
  }

  /** Back to the embedded log in the container's data directory (the default). */
  withEmbeddedLog(): this {
    this.kafkaBrokers = undefined;
    return this.syncEnvironment();
  }

  /** Shards (partitions of the vectors log). Default: the container's CPU count. */
  withPartitions(partitions: number): this {
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) throw new RangeError(`withPartitions: ${partitions}: an integer from 1 to 1024`);
    this.partitions = partitions;
    return this.syncEnvironment();
  }

  /** Prefix of every topic and consumer group, so several containers can share one Kafka cluster. */
  withTopicPrefix(prefix: string): this {
    if (!TOPIC_PREFIX.test(prefix)) throw new TypeError(`withTopicPrefix: ${JSON.stringify(prefix)}: 1 to 100 of [a-zA-Z0-9._-]`);
    this.topicPrefix = prefix;
    return this.syncEnvironment();
  }

  /** The HS256 secret tokens are signed with (at least 32 bytes). Default: 48 random bytes per container. */
  withJwtSecret(secret: string): this {
    if (Buffer.byteLength(secret, 'utf8') < 32) throw new RangeError('withJwtSecret: the secret needs at least 32 bytes');
    this.jwtSecret = secret;
    return this.syncEnvironment();
  }

  /** Runs without authentication (`JADE_AUTH=off`): every request is allowed. */
  withoutAuth(): this {
    this.auth = false;
    return this.syncEnvironment();
  }

  /**
   * The configuration the container's process will load from its environment, validated here by the same code
   * (`loadConfig`) and schema: a bad value fails before any container is created.
   */
  getJadeConfig(): JadeConfig {
    const env = Object.fromEntries(Object.entries(this.environment).filter(([name]) => name.startsWith('JADE_')));
    return loadConfig({ env });
  }

  override async start(): Promise<StartedJadeVectorDbContainer> {
    this.getJadeConfig();
    let started: StartedTestContainer;
    try {
      started = await super.start();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/container runtime strategy/i.test(message)) {
        throw new Error(
          `JadeVectorDbContainer: no Docker (or compatible) engine is reachable, so the container cannot start (${message}). ` +
            'Testcontainers looks at DOCKER_HOST, ~/.testcontainers.properties and the usual Docker sockets.',
          { cause: err },
        );
      }
      throw err;
    }
    return new StartedJadeVectorDbContainer(started, this.auth ? this.jwtSecret : undefined);
  }

  /** Writes the module's settings into the environment, replacing earlier values of the same names only. */
  private syncEnvironment(): this {
    const managed: Record<string, string> = {
      JADE_ROLE: 'all',
      JADE_HTTP_HOST: '0.0.0.0',
      JADE_HTTP_PORT: String(JADE_REST_PORT),
      JADE_DATA_DIR: JADE_CONTAINER_DATA_DIR,
      JADE_AUTH: this.auth ? 'on' : 'off',
    };
    if (this.auth) managed.JADE_JWT_SECRET = this.jwtSecret;
    if (this.kafkaBrokers !== undefined) managed.JADE_KAFKA_BROKERS = this.kafkaBrokers.join(',');
    if (this.partitions !== undefined) managed.JADE_PARTITIONS = String(this.partitions);
    if (this.topicPrefix !== undefined) managed.JADE_TOPIC_PREFIX = this.topicPrefix;
    const environment = { ...this.environment };
    for (const name of MANAGED_ENV) delete environment[name];
    this.environment = { ...environment, ...managed };
    // GenericContainer.withEnvironment appends to the create options; keep exactly one entry per name instead.
    this.createOpts.Env = Object.entries(this.environment).map(([name, value]) => `${name}=${value}`);
    return this;
  }
}

/** A running JadeVectorDB container. */
export class StartedJadeVectorDbContainer extends AbstractStartedContainer {
  constructor(
    startedTestContainer: StartedTestContainer,
    /** Undefined when the container runs without authentication. */
    private readonly jwtSecret: string | undefined,
  ) {
    super(startedTestContainer);
  }

  /** The host port mapped to a container port; with no argument, the REST API's (8080). */
  override getMappedPort(port: number | `${number}/${'tcp' | 'udp'}` = JADE_REST_PORT, protocol?: string): number {
    return typeof port === 'number' ? this.startedTestContainer.getMappedPort(port, protocol) : this.startedTestContainer.getMappedPort(port);
  }

  /** The REST API's port on the host. */
  getRestPort(): number {
    return this.getMappedPort(JADE_REST_PORT);
  }

  /** The REST API's base URL from the host, e.g. `http://localhost:32768`. */
  getRestUrl(): string {
    return `http://${this.getHost()}:${this.getRestPort()}`;
  }

  /** Whether the container checks credentials (`withoutAuth()` turns it off). */
  isAuthEnabled(): boolean {
    return this.jwtSecret !== undefined;
  }

  /** A JWT signed with the container's secret; by default an admin's for every database, valid one day. */
  mintToken(options: MintTokenOptions = {}): string {
    if (this.jwtSecret === undefined) throw new Error('StartedJadeVectorDbContainer: the container runs without authentication (withoutAuth()); no token is needed');
    return mintToken({
      secret: this.jwtSecret,
      subject: options.subject ?? 'testcontainers',
      roles: options.roles ?? ['admin'],
      databases: options.databases ?? '*',
      ttlSeconds: options.ttlSeconds ?? 86_400,
    });
  }

  /** An admin token for every database, valid one day. */
  getAdminToken(): string {
    return this.mintToken();
  }

  /** A client of the REST API: with an admin token, unless the container runs without authentication. */
  getClient(options: Omit<JadeClientOptions, 'url'> = {}): JadeClient {
    const credentials = options.token !== undefined || options.apiKey !== undefined || !this.isAuthEnabled() ? {} : { token: this.getAdminToken() };
    return new JadeClient({ ...credentials, ...options, url: this.getRestUrl() });
  }

  /** Creates an API key through the REST API with an admin token; the reply's `key` is the secret. */
  createApiKey(request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.getClient().security.createApiKey(request);
  }
}
