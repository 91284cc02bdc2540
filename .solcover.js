// solidity-coverage settings for `npm run coverage`; `npm run coverage:check` enforces the thresholds.
module.exports = {
  // Test-only mocks (contracts/test/) are not part of the product and are not measured.
  skipFiles: ["test/"],
  istanbulReporter: ["html", "lcov", "text", "json", "json-summary"],
  // The long randomized suites (2,000 differential books, 200 property runs, the 1,000-order resumability
  // epoch, the 300-level griefing book) run in full in `npm test`; instrumented they would take over ten
  // minutes and reach no line or branch the other suites miss. Tests that assert gas figures (budgets, upkeep
  // limits) carry it too: instrumented code spends several times the gas. Their titles carry this tag.
  mocha: { grep: "@skip-on-coverage", invert: true, timeout: 600000 },
};
