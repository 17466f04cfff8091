import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { recordSize } from '../../src/log/backbone';
import { ENCRYPTION_HEADER, Keyring, checkSecureTempDir, payloadOverheadBytes, decryptFile, encryptFile, encryptedFileKeyId, keyringFromConfig, openPayload, sealPayloads } from '../../src/security/crypto';
import { expectJadeError } from '../helpers/wait';

const keyA = randomBytes(32);
/** The code of what `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};
const keyB = randomBytes(32);

describe('file encryption (snapshots)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-crypto-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string): string => path.join(dir, name);

  it.each([0, 1, 65_536 * 3 + 17])('round-trips %i bytes, with no plaintext in the encrypted file', async (size) => {
    // A recognisable pattern: any plaintext run of it would show up in the ciphertext.
    const plain = Buffer.alloc(size);
    for (let i = 0; i < size; i++) plain[i] = 'PLAINTEXT-PATTERN-'.charCodeAt(i % 18);
    fs.writeFileSync(file('plain'), plain);
    const ring = Keyring.create('k1', keyA);
    await encryptFile(file('plain'), file('enc'), ring);
    const encrypted = fs.readFileSync(file('enc'));
    expect(encrypted.length).toBe(size + 8 + 1 + 2 + 12 + 16);
    if (size > 0) expect(encrypted.includes(Buffer.from('PLAINTEXT-PATTERN-'))).toBe(false);
    expect(await encryptedFileKeyId(file('enc'))).toBe('k1');
    await decryptFile(file('enc'), file('dec'), ring);
    expect(fs.readFileSync(file('dec')).equals(plain)).toBe(true);
  });

  it('uses a fresh IV per file: the same plaintext encrypts differently', async () => {
    fs.writeFileSync(file('plain'), 'same bytes');
    const ring = Keyring.create('k1', keyA);
    await encryptFile(file('plain'), file('e1'), ring);
    await encryptFile(file('plain'), file('e2'), ring);
    expect(fs.readFileSync(file('e1')).equals(fs.readFileSync(file('e2')))).toBe(false);
  });

  it('detects tampering anywhere (header, body, tag, truncation) and leaves no output', async () => {
    fs.writeFileSync(file('plain'), randomBytes(10_000));
    const ring = Keyring.create('k1', keyA);
    await encryptFile(file('plain'), file('enc'), ring);
    const good = fs.readFileSync(file('enc'));
    // Offsets: the IV (in the header, authenticated as AAD), the body, the tag.
    for (const offset of [12, 100, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[offset]! ^= 0x01;
      fs.writeFileSync(file('bad'), bad);
      await expectJadeError(decryptFile(file('bad'), file('out'), ring), 'JADE_ERR_CRYPTO_DECRYPT_FAILED');
      expect(fs.existsSync(file('out'))).toBe(false);
    }
    fs.writeFileSync(file('short'), good.subarray(0, good.length - 20));
    await expectJadeError(decryptFile(file('short'), file('out'), ring), 'JADE_ERR_CRYPTO_DECRYPT_FAILED');
    fs.writeFileSync(file('junk'), 'not encrypted at all, just some text of some length');
    await expectJadeError(decryptFile(file('junk'), file('out'), ring), 'JADE_ERR_CRYPTO_DECRYPT_FAILED');
    expect(fs.existsSync(file('out'))).toBe(false);
  });

  it('refuses a wrong key under the same id, and tells an unknown key id apart', async () => {
    fs.writeFileSync(file('plain'), randomBytes(1000));
    await encryptFile(file('plain'), file('enc'), Keyring.create('k1', keyA));
    await expectJadeError(decryptFile(file('enc'), file('out'), Keyring.create('k1', keyB)), 'JADE_ERR_CRYPTO_DECRYPT_FAILED');
    await expectJadeError(decryptFile(file('enc'), file('out'), Keyring.create('k2', keyB)), 'JADE_ERR_CRYPTO_KEY_UNKNOWN');
    expect(fs.existsSync(file('out'))).toBe(false);
    // After a rotation, the retired key still reads what it wrote.
    await decryptFile(file('enc'), file('out'), Keyring.create('k2', keyB, [['k1', keyA]]));
    expect(fs.readFileSync(file('out')).equals(fs.readFileSync(file('plain')))).toBe(true);
  });
});

describe('payload encryption (records on the log)', () => {
  const key = (id: string): Buffer => Buffer.from(`docs/${id}`);
  const consumed = (r: { key: Buffer; value: Buffer | null; headers?: Record<string, Buffer> }) => ({ key: r.key, value: r.value!, headers: r.headers ?? {} });

  it('seals values with a key id header, keeps keys and tombstones, and opens them again', () => {
    const ring = Keyring.create('k7', keyA);
    const records: { key: Buffer; value: Buffer | null; headers?: Record<string, Buffer> }[] = [
      { key: key('a'), value: Buffer.from('metadata-secret-a') },
      { key: key('b'), value: null },
      { key: key('c'), value: Buffer.from('metadata-secret-c'), headers: { other: Buffer.from('x') } },
    ];
    const sealed = sealPayloads(ring, records);
    expect(sealed[1]).toBe(records[1]);
    expect(sealed[0]!.key).toEqual(key('a'));
    expect(sealed[0]!.headers?.[ENCRYPTION_HEADER]?.toString()).toBe('k7');
    expect(sealed[2]!.headers?.other?.toString()).toBe('x');
    expect(sealed[0]!.value!.includes(Buffer.from('secret'))).toBe(false);
    expect(openPayload(ring, consumed(sealed[0]!)).toString()).toBe('metadata-secret-a');
    expect(openPayload(ring, consumed(sealed[2]!)).toString()).toBe('metadata-secret-c');
    // Records without the header (other producers) pass as they are.
    expect(openPayload(undefined, consumed(records[0]!)).toString()).toBe('metadata-secret-a');
  });

  it('never repeats an IV under a data key, and draws a new data key per batch', () => {
    const ring = Keyring.create('k1', keyA);
    const batch = sealPayloads(ring, Array.from({ length: 100 }, (_, i) => ({ key: key(String(i)), value: Buffer.from('v') })));
    const nonces = new Set(batch.map((r) => r.value.subarray(1, 29).toString('hex')));
    expect(nonces.size).toBe(100);
    const again = sealPayloads(ring, [{ key: key('0'), value: Buffer.from('v') }]);
    expect(again[0]!.value.subarray(1, 17).equals(batch[0]!.value.subarray(1, 17))).toBe(false);
  });

  it('refuses altered values, values moved to another key, wrong keys, and unknown key ids', () => {
    const ring = Keyring.create('k1', keyA);
    const sealed = sealPayloads(ring, [{ key: key('a'), value: Buffer.from('payload') }])[0]!;
    const altered = Buffer.from(sealed.value);
    altered[35]! ^= 1;
    expect(codeOf(() => openPayload(ring, { ...consumed(sealed), value: altered }))).toBe('JADE_ERR_CRYPTO_DECRYPT_FAILED');
    expect(codeOf(() => openPayload(ring, { ...consumed(sealed), key: key('b') }))).toBe('JADE_ERR_CRYPTO_DECRYPT_FAILED');
    expect(codeOf(() => openPayload(Keyring.create('k1', keyB), consumed(sealed)))).toBe('JADE_ERR_CRYPTO_DECRYPT_FAILED');
    expect(codeOf(() => openPayload(Keyring.create('k2', keyA), consumed(sealed)))).toBe('JADE_ERR_CRYPTO_KEY_UNKNOWN');
    expect(codeOf(() => openPayload(undefined, consumed(sealed)))).toBe('JADE_ERR_CRYPTO_KEY_UNKNOWN');
    expect(openPayload(Keyring.create('k2', keyB, [['k1', keyA]]), consumed(sealed)).toString()).toBe('payload');
  });
});

describe('keys', () => {
  it('derives distinct subkeys per use, and a 32-character LMDB key', () => {
    const ring = Keyring.create('k1', keyA);
    const snapshot = ring.key('snapshot')!;
    expect(snapshot.length).toBe(32);
    expect(snapshot.equals(ring.key('payload')!)).toBe(false);
    expect(snapshot.equals(keyA)).toBe(false);
    expect(ring.lmdbKey()).toMatch(/^[A-Za-z0-9+/]{32}$/);
    expect(Buffer.byteLength(ring.lmdbKey()!, 'utf8')).toBe(32);
    expect(ring.key('snapshot', 'nope')).toBeUndefined();
    // Survives the trip to a worker thread as plain data.
    const revived = Keyring.from(structuredClone(ring.toData()));
    expect(revived.key('snapshot')!.equals(snapshot)).toBe(true);
  });

  it('builds the keyring from the configuration, previous keys included', () => {
    const config = loadConfig({
      env: { JADE_ENCRYPTION_KEY: keyB.toString('base64'), JADE_ENCRYPTION_KEY_ID: 'k2', JADE_ENCRYPTION_PREVIOUS_KEYS: `k1:${keyA.toString('base64')}` },
    });
    const ring = keyringFromConfig(config)!;
    expect(ring.currentId).toBe('k2');
    expect(ring.key('snapshot', 'k1')!.equals(Keyring.create('k1', keyA).key('snapshot')!)).toBe(true);
    expect(keyringFromConfig(loadConfig({ env: {} }))).toBeUndefined();
  });

  it('knows /dev/shm as memory-backed temp space (where it exists)', () => {
    if (!fs.existsSync('/dev/shm') || !fs.existsSync('/proc/mounts')) return;
    expect(checkSecureTempDir('/dev/shm').memoryBacked).toBe(true);
    expect(checkSecureTempDir(os.tmpdir()).memoryBacked).toBe(fs.readFileSync('/proc/mounts', 'utf8').includes(' /tmp tmpfs '));
    expect(() => checkSecureTempDir('/definitely/not/here')).toThrow(/not a directory/);
  });
});

describe('sealed record sizes', () => {
  it('grow by exactly what payloadOverheadBytes says, as the backbone counts record sizes', () => {
    const ring = Keyring.create('key-2024', keyA);
    const record = { key: Buffer.from('docs/x'), value: randomBytes(500) };
    const [sealed] = sealPayloads(ring, [record]);
    expect(recordSize(sealed!) - recordSize(record)).toBe(payloadOverheadBytes(ring));
  });
});
