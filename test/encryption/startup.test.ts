import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFoundation } from '../../src/cli/bootstrap';
import { loadConfig } from '../../src/config/load';
import { silentLogger } from '../../src/logger';
import { expectJadeError } from '../helpers/wait';

describe('start-up with encryption', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jade-enc-start-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const config = (overrides: Record<string, unknown>) =>
    loadConfig({ env: {}, overrides: { dataDir, partitions: 1, logLevel: 'silent', encryptionKey: randomBytes(32).toString('base64'), ...overrides } });

  it('refuses a temp directory it cannot use, naming the setting, before opening anything', async () => {
    const err = await expectJadeError(openFoundation(config({ encryptionTempDir: path.join(dataDir, 'missing') }), silentLogger), 'JADE_ERR_CONFIG_INVALID');
    expect(err.message).toMatch(/encryptionTempDir \(JADE_ENCRYPTION_TEMP_DIR\) .*missing cannot be used/);
    expect(fs.existsSync(path.join(dataDir, 'log'))).toBe(false);
  });

  it('opens an encrypted embedded log and hands the keyring on', async () => {
    const tempDir = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    const foundation = await openFoundation(config({ encryptionTempDir: tempDir, encryptionKeyId: 'main' }), silentLogger);
    try {
      expect(foundation.keyring?.currentId).toBe('main');
      expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'log', 'encryption.json'), 'utf8'))).toMatchObject({ keyId: 'main' });
    } finally {
      await foundation.backbone.close();
    }
  });
});
