/** A backbone that hands every produce to a hook first: tests make it fail (a broker hiccup) or wait (a slow write). */
import type { Backbone, ConsumeOptions, ConsumerHandle, ProduceAck, ProduceRecord, TopicInfo, TopicSpec } from '../../src/log/backbone';

export type ProduceHook = (topic: string, records: ProduceRecord[]) => void | Promise<void>;

export class InterceptedBackbone implements Backbone {
  /** Runs before each produce; throwing fails it (nothing is written), awaiting delays it. */
  hook: ProduceHook | undefined;

  constructor(readonly inner: Backbone) {}

  get kind(): Backbone['kind'] {
    return this.inner.kind;
  }
  get maxRecordBytes(): number {
    return this.inner.maxRecordBytes;
  }
  ensureTopic(spec: TopicSpec): Promise<TopicInfo> {
    return this.inner.ensureTopic(spec);
  }
  describeTopic(topic: string): Promise<TopicInfo | undefined> {
    return this.inner.describeTopic(topic);
  }
  async produce(topic: string, records: ProduceRecord[]): Promise<ProduceAck[]> {
    await this.hook?.(topic, records);
    return this.inner.produce(topic, records);
  }
  endOffsets(topic: string): Promise<number[]> {
    return this.inner.endOffsets(topic);
  }
  startOffsets(topic: string): Promise<number[]> {
    return this.inner.startOffsets(topic);
  }
  consume(options: ConsumeOptions): Promise<ConsumerHandle> {
    return this.inner.consume(options);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
