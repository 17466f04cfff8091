import type { PickedBroker } from './broker';

export default async function globalTeardown(): Promise<void> {
  const picked = (globalThis as { __JADE_BROKER__?: PickedBroker }).__JADE_BROKER__;
  await picked?.stop();
}
