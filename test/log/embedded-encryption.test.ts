import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { Keyring } from '../../src/security/crypto';
import { expectJadeError } from '../helpers/wait';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const needle = Buffer.from('embedded-log-needle-'.repeat(4));

/** All bytes of the log directory, concatenated per file. */
const filesContain = (dir: string, pattern: Buffer): boolean =>
  fs.readdirSync(dir).some((name) => fs.statSync(path.join(dir, name)).isFile() && fs.readFileSync(path.join(dir, name)).includes(pattern));

describe('embedded log encrypted by LMDB', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-embenc-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function write(encryption?: Keyring): Promise<void> {
    const log = EmbeddedBackbone.open({ dir, ...(encryption === undefined ? {} : { encryption }) });
    await log.ensureTopic({ name: 't', partitions: 1, replicationFactor: 1, configs: {} });
    await log.produce('t', Array.from({ length: 50 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: needle })));
    await log.close();
  }

  async function readBack(encryption?: Keyring): Promise<number> {
    const log = EmbeddedBackbone.open({ dir, ...(encryption === undefined ? {} : { encryption }) });
    try {
      return (await log.endOffsets('t'))[0]!;
    } finally {
      await log.close();
    }
  }

  it('keeps records off the disk in plaintext with a key, and on it without (the control)', async () => {
    await write(undefined);
    expect(filesContain(dir, needle)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    await write(Keyring.create('k1', keyA));
    expect(filesContain(dir, needle)).toBe(false);
    expect(await readBack(Keyring.create('k1', keyA))).toBe(50);
  });

  it('refuses to open with a missing or wrong key, or to encrypt a plaintext log, with a clear error instead of a crash', async () => {
    await write(Keyring.create('k1', keyA));
    expect((await expectJadeError(readBack(undefined), 'JADE_ERR_CONFIG_INVALID')).message).toMatch(/is encrypted \(key id k1\): set encryptionKey/);
    expect((await expectJadeError(readBack(Keyring.create('k1', keyB)), 'JADE_ERR_CONFIG_INVALID')).message).toMatch(/not the one/);
    expect((await expectJadeError(readBack(Keyring.create('k2', keyB)), 'JADE_ERR_CONFIG_INVALID')).message).toMatch(/key id k1, which is neither/);
    // After a rotation, the log keeps opening with the key it was created with.
    expect(await readBack(Keyring.create('k2', keyB, [['k1', keyA]]))).toBe(50);
    // The lock was released on each refusal.
    expect(await readBack(Keyring.create('k1', keyA))).toBe(50);

    const plainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-embenc-plain-'));
    try {
      const log = EmbeddedBackbone.open({ dir: plainDir });
      await log.close();
      expect(() => EmbeddedBackbone.open({ dir: plainDir, encryption: Keyring.create('k1', keyA) })).toThrow(/written without encryption/);
    } finally {
      fs.rmSync(plainDir, { recursive: true, force: true });
    }
  });
});
