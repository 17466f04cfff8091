// Appends "passed failed" of this jest run to $JADE_TEST_COUNTS, so .ci/run can print one total for the whole run.
const fs = require('node:fs');

class CountReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.JADE_TEST_COUNTS;
    if (!file) return;
    // A suite that fails to load has no failed tests but must still count as a failure.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    fs.appendFileSync(file, `${results.numPassedTests} ${failed}\n`);
  }
}

module.exports = CountReporter;
