/**
 * Runs the history checker on the embedded log from the command line, for runs longer than CI's:
 *   npm run test:histories -- --histories 5000 --seed 1000 --operations 300 --clients 4
 * Prints each violation's seed and shrunk history, then one summary line; exits 1 on any violation.
 */
import { parseArgs } from 'node:util';
import { checkHistories } from './histories';
import { EmbeddedTargets } from './embedded-target';

const { values } = parseArgs({
  options: {
    histories: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    operations: { type: 'string', default: '200' },
    clients: { type: 'string', default: '3' },
  },
});

async function main(): Promise<void> {
  const histories = Number(values.histories);
  const firstSeed = Number(values.seed);
  const targets = new EmbeddedTargets();
  const result = await checkHistories(
    { histories, firstSeed, operations: Number(values.operations), clients: Number(values.clients), restartWeight: 1 },
    () => targets.next(),
    (line) => process.stdout.write(`${line}\n`),
  ).finally(() => targets.stop());
  process.stdout.write(
    `histories=${result.histories} operations=${result.operations} violations=${result.violations.length} ` +
      `secondsPerHistory=${(result.seconds / result.histories).toFixed(2)} seeds=${firstSeed}..${firstSeed + histories - 1}\n`,
  );
  process.exitCode = result.violations.length === 0 ? 0 : 1;
}

void main();
