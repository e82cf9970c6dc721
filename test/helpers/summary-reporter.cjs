// mocha's spec reporter, plus the closing line CI reads: "N passed, M failed".
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      // printed after the spec summary (which mocha writes in its own run-end handler)
      setImmediate(() => process.stdout.write(`\n${s.passes} passed, ${s.failures} failed\n`));
    });
  }
}
module.exports = SummaryReporter;
