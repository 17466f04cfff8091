/**
 * API keys, event-sourced on the compacted `jade.security` topic. A key is `jade_<keyId>_<secret>`; only the
 * SHA-256 of the secret is stored. Every gateway folds the topic into the same state; a revocation holds on a
 * gateway once it has consumed past it (`create` and `revoke` wait for that before they return).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { jadeError } from '../errors';
import { readerGroup, type Backbone, type ConsumerHandle } from '../log/backbone';
import type { RecordCodec } from '../log/codec';
import type { ApiKeyEventRecord } from '../log/records';
import { silentLogger, type Logger } from '../logger';
import type { Principal, Role } from './principal';

export interface ApiKeyInfo {
  keyId: string;
  name: string | null;
  roles: Role[];
  databases: '*' | string[];
  expiresAt: string | null;
  createdAt: string;
  revoked: boolean;
}

interface KeyState {
  hash: Buffer | null;
  info: ApiKeyInfo;
  expiresAtMs: number | null;
}

const KEY_PATTERN = /^jade_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export class ApiKeyStore {
  private readonly keys = new Map<string, KeyState>();
  private readonly events = new EventEmitter();
  private handle: ConsumerHandle | undefined;
  private next = 0;
  private readonly logger: Logger;

  constructor(
    private readonly options: { backbone: Backbone; codec: RecordCodec; topic: string; groupPrefix: string; logger?: Logger },
  ) {
    this.logger = (options.logger ?? silentLogger).child({ component: 'api-keys' });
    this.events.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.handle = await this.options.backbone.consume({
      topic: this.options.topic,
      group: readerGroup(this.options.groupPrefix, 'security'),
      onAssign: () => new Map([[0, this.next]]),
      onRevoke: () => undefined,
      onBatch: (batch) => {
        for (const record of batch.records) {
          this.next = Math.max(this.next, record.offset + 1);
          if (record.value === null) continue;
          try {
            const event = this.options.codec.decode(record.value);
            if (event.type === 'api-key-event') this.apply(event);
          } catch (err) {
            this.logger.warn({ err, offset: record.offset }, 'security record ignored');
          }
        }
        this.events.emit('advance');
        return Promise.resolve();
      },
    });
    const [end = 0] = await this.options.backbone.endOffsets(this.options.topic);
    await this.waitFor(end);
  }

  /** Creates a key and returns it once (it cannot be read back later). */
  async create(grant: { name?: string | null; roles: Role[]; databases: '*' | string[]; expiresAtMs?: number | null }, actor: string): Promise<ApiKeyInfo & { key: string }> {
    const keyId = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    const event: ApiKeyEventRecord = {
      type: 'api-key-event',
      eventType: 'create',
      keyId,
      hash: hashSecret(secret).toString('hex'),
      name: grant.name ?? null,
      roles: grant.roles,
      databases: grant.databases === '*' ? ['*'] : grant.databases,
      expiresAtMs: grant.expiresAtMs ?? null,
      timestampMs: Date.now(),
      actor,
    };
    await this.append(event);
    return { ...this.keys.get(keyId)!.info, key: `jade_${keyId}_${secret}` };
  }

  /** Revokes a key; resolves once this gateway refuses it. */
  async revoke(keyId: string, actor: string): Promise<void> {
    const state = this.keys.get(keyId);
    if (state === undefined || state.info.revoked) throw jadeError('JADE_ERR_API_KEY_NOT_FOUND', [keyId]);
    await this.append({ type: 'api-key-event', eventType: 'revoke', keyId, hash: null, name: state.info.name, roles: state.info.roles, databases: [], expiresAtMs: null, timestampMs: Date.now(), actor });
  }

  list(): ApiKeyInfo[] {
    return [...this.keys.values()].map((k) => k.info);
  }

  /** The principal of a presented key, or a `JADE_ERR_AUTH_INVALID` error. */
  authenticate(presented: string): Principal {
    const match = KEY_PATTERN.exec(presented);
    const state = match === null ? undefined : this.keys.get(match[1]!);
    // Compare against a hash even when the id is unknown, so timing does not tell which ids exist.
    const expected = state?.hash ?? Buffer.alloc(32);
    const valid = match !== null && timingSafeEqual(hashSecret(match[2]!), expected) && state !== undefined && state.hash !== null;
    if (!valid || state === undefined) throw jadeError('JADE_ERR_AUTH_INVALID', ['unknown or revoked API key']);
    if (state.info.revoked) throw jadeError('JADE_ERR_AUTH_INVALID', ['unknown or revoked API key']);
    if (state.expiresAtMs !== null && Date.now() >= state.expiresAtMs) throw jadeError('JADE_ERR_AUTH_INVALID', ['the API key has expired']);
    return { subject: `key:${state.info.keyId}`, roles: state.info.roles, databases: state.info.databases, method: 'api-key', keyId: state.info.keyId };
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }

  private apply(event: ApiKeyEventRecord): void {
    if (event.eventType === 'revoke') {
      const state = this.keys.get(event.keyId);
      const info: ApiKeyInfo = state?.info ?? {
        keyId: event.keyId,
        name: event.name,
        roles: event.roles as Role[],
        databases: [],
        expiresAt: null,
        createdAt: new Date(event.timestampMs).toISOString(),
        revoked: true,
      };
      this.keys.set(event.keyId, { hash: null, info: { ...info, revoked: true }, expiresAtMs: null });
      return;
    }
    if (event.hash === null) return;
    this.keys.set(event.keyId, {
      hash: Buffer.from(event.hash, 'hex'),
      expiresAtMs: event.expiresAtMs,
      info: {
        keyId: event.keyId,
        name: event.name,
        roles: event.roles as Role[],
        databases: event.databases.length === 1 && event.databases[0] === '*' ? '*' : event.databases,
        expiresAt: event.expiresAtMs === null ? null : new Date(event.expiresAtMs).toISOString(),
        createdAt: new Date(event.timestampMs).toISOString(),
        revoked: false,
      },
    });
  }

  private async append(event: ApiKeyEventRecord): Promise<void> {
    const [ack] = await this.options.backbone.produce(this.options.topic, [{ key: Buffer.from(event.keyId), value: this.options.codec.encode(event) }]);
    await this.waitFor(ack!.offset + 1);
  }

  private waitFor(offset: number, timeoutMs = 30_000): Promise<void> {
    if (this.next >= offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('advance', check);
        reject(jadeError('JADE_ERR_LOG_UNAVAILABLE', [`the security topic did not reach offset ${offset}`]));
      }, timeoutMs);
      const check = (): void => {
        if (this.next < offset) return;
        clearTimeout(timer);
        this.events.off('advance', check);
        resolve();
      };
      this.events.on('advance', check);
    });
  }
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
