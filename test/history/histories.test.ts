/**
 * The history checker on role `all` and the embedded log: random histories from consecutive seeds, each checked
 * against the model of what was acknowledged (see histories.ts). A longer run is a count away:
 * `npm run test:histories -- --histories 5000 --seed 1000`.
 */
import { checkHistories } from './histories';
import { EmbeddedTargets } from './embedded-target';

const HISTORIES = Number(process.env.JADE_HISTORIES ?? 200);
const OPERATIONS = Number(process.env.JADE_HISTORY_OPERATIONS ?? 200);
const FIRST_SEED = Number(process.env.JADE_HISTORY_SEED ?? 1);

describe('histories on the embedded log', () => {
  it(`${HISTORIES} histories of ${OPERATIONS} operations, 3 concurrent clients: no violation`, async () => {
    const lines: string[] = [];
    const targets = new EmbeddedTargets();
    const result = await checkHistories({ histories: HISTORIES, firstSeed: FIRST_SEED, operations: OPERATIONS, clients: 3, restartWeight: 1 }, () => targets.next(), (line) => lines.push(line)).finally(() => targets.stop());
    process.stdout.write(
      `histories=${result.histories} operations=${result.operations} violations=${result.violations.length} ` +
        `secondsPerHistory=${(result.seconds / result.histories).toFixed(2)} seeds=${FIRST_SEED}..${FIRST_SEED + HISTORIES - 1}\n`,
    );
    expect(lines).toEqual([]);
    expect(result.violations).toEqual([]);
  }, 900_000);
});
