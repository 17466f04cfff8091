import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedBackbone } from '../../src/log/embedded-backbone';
import { describeBackboneContract } from '../contract/backbone-contract';
import { expectJadeError, randomName } from '../helpers/wait';

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'jade-log-'));

describeBackboneContract('embedded', () => {
  const dir = tempDir();
  const backbone = EmbeddedBackbone.open({ dir, maxRecordBytes: 64 * 1024 });
  return Promise.resolve({
    backbone,
    prefix: randomName('jade'),
    compact: () => backbone.compactNow(),
    compactionConfigs: {},
    replicationFactor: 1,
    close: async () => {
      await backbone.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('embedded log on disk', () => {
  it('keeps records, offsets and topic identity across a reopen', async () => {
    const dir = tempDir();
    let backbone = EmbeddedBackbone.open({ dir });
    const info = await backbone.ensureTopic({ name: 't', partitions: 3, replicationFactor: 1, configs: {}, withIdentity: true });
    const acks = await backbone.produce('t', Array.from({ length: 30 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })));
    const ends = await backbone.endOffsets('t');
    await backbone.close();

    backbone = EmbeddedBackbone.open({ dir });
    expect((await backbone.describeTopic('t'))?.identity).toBe(info.identity);
    expect(await backbone.endOffsets('t')).toEqual(ends);
    const more = await backbone.produce('t', [{ key: Buffer.from('k0'), value: Buffer.from('again') }]);
    const before = acks.filter((a) => a.partition === more[0]!.partition).length + (more[0]!.partition === 0 ? 1 : 0);
    expect(more[0]!.offset).toBe(before);
    await backbone.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('locks its directory against a second process', async () => {
    const dir = tempDir();
    const backbone = EmbeddedBackbone.open({ dir });
    expect(() => EmbeddedBackbone.open({ dir })).toThrow(expect.objectContaining({ code: 'JADE_ERR_DATA_DIR_LOCKED' }) as Error);
    await backbone.close();
    // A lock left by a dead process is taken over.
    fs.writeFileSync(path.join(dir, 'LOCK'), '999999999');
    const again = EmbeddedBackbone.open({ dir });
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('drops expired tombstones and, on delete topics, records past retention, but never the newest record', async () => {
    const dir = tempDir();
    const backbone = EmbeddedBackbone.open({ dir });
    await backbone.ensureTopic({ name: 'c', partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'delete.retention.ms': '0' } });
    await backbone.ensureTopic({ name: 'd', partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '0' } });
    await backbone.produce('c', [{ key: Buffer.from('x'), value: Buffer.from('1') }, { key: Buffer.from('x'), value: null }, { key: Buffer.from('y'), value: Buffer.from('2') }]);
    await backbone.produce('d', [{ key: Buffer.from('a'), value: Buffer.from('1') }, { key: Buffer.from('b'), value: Buffer.from('2') }]);
    await new Promise((r) => setTimeout(r, 5));
    await backbone.compactNow();
    expect(await backbone.startOffsets('c')).toEqual([2]);
    expect(await backbone.endOffsets('c')).toEqual([3]);
    expect(await backbone.startOffsets('d')).toEqual([1]);
    expect(await backbone.endOffsets('d')).toEqual([2]);
    await backbone.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves records younger than min.compaction.lag.ms uncompacted, and they supersede nothing yet', async () => {
    const dir = tempDir();
    const backbone = EmbeddedBackbone.open({ dir });
    await backbone.ensureTopic({ name: 'c', partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' } });
    await backbone.produce('c', [{ key: Buffer.from('x'), value: Buffer.from('1') }, { key: Buffer.from('x'), value: Buffer.from('2') }, { key: Buffer.from('y'), value: Buffer.from('3') }]);
    await backbone.compactNow();
    expect(await backbone.startOffsets('c')).toEqual([0]);
    await backbone.close();
    // The same records once the lag is over: x's first value goes.
    const again = EmbeddedBackbone.open({ dir });
    await again.ensureTopic({ name: 'c', partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' }, adjustable: ['min.compaction.lag.ms'] });
    await again.compactNow();
    expect(await again.startOffsets('c')).toEqual([1]);
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adjusts an existing topic’s adjustable configs and refuses any other difference', async () => {
    const dir = tempDir();
    const backbone = EmbeddedBackbone.open({ dir });
    await backbone.ensureTopic({ name: 't', partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
    const spec = { name: 't', partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '5000' }, adjustable: ['min.compaction.lag.ms'] };
    expect((await backbone.ensureTopic(spec)).configs['min.compaction.lag.ms']).toBe('5000');
    await backbone.close();
    const reopened = EmbeddedBackbone.open({ dir });
    expect((await reopened.describeTopic('t'))?.configs['min.compaction.lag.ms']).toBe('5000');
    await expectJadeError(reopened.ensureTopic({ ...spec, configs: { ...spec.configs, 'cleanup.policy': 'delete' } }), 'JADE_ERR_CONFIG_TOPIC_MISMATCH');
    await reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sets creation-only configs on a new topic and neither checks nor changes them on an existing one', async () => {
    const dir = tempDir();
    const backbone = EmbeddedBackbone.open({ dir });
    await backbone.ensureTopic({ name: 't', partitions: 1, replicationFactor: 1, configs: { 'min.insync.replicas': '1' } });
    const spec = { name: 't', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' }, creationOnly: ['min.insync.replicas'] };
    expect((await backbone.ensureTopic(spec)).configs['min.insync.replicas']).toBe('1');
    expect((await backbone.ensureTopic({ ...spec, name: 'u' })).configs['min.insync.replicas']).toBe('2');
    await expectJadeError(backbone.ensureTopic({ ...spec, creationOnly: [] }), 'JADE_ERR_CONFIG_TOPIC_MISMATCH');
    await backbone.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses calls after close', async () => {
    const dir = tempDir();
    const backbone = EmbeddedBackbone.open({ dir });
    await backbone.close();
    await expectJadeError(Promise.resolve().then(() => backbone.endOffsets('t')), 'JADE_ERR_LOG_CLOSED');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
