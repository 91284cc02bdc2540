// solidity-coverage settings. `npm run coverage` (scripts/coverage.ts) runs `hardhat coverage` in parallel shards,
// each with GRIDMARKET_COVERAGE_SHARD set, and merges them; `npm run coverage:check` enforces the thresholds.
const shard = process.env.GRIDMARKET_COVERAGE_SHARD;

module.exports = {
  // Test-only mocks (contracts/test/) are not part of the product and are not measured.
  skipFiles: ["test/"],
  // A shard writes only the raw hit counts, into a folder of its own; the merge writes the reports.
  istanbulReporter: shard === undefined ? ["html", "lcov", "text", "json", "json-summary"] : ["json"],
  istanbulFolder: shard === undefined ? "./coverage" : `./.coverage_shard_${shard}`,
  coverageContractsTemp: shard === undefined ? ".coverage_contracts" : `.coverage_contracts_${shard}`,
  // The long randomized suites (the random and the hand-made differential books, the property runs, the
  // resumability epoch, the 300-level griefing book) run in `npm test` and under HEAVY=1; instrumented they would take over ten minutes and
  // reach no line or branch the other suites miss. Tests that assert gas figures (budgets, upkeep limits) carry it
  // too: instrumented code spends several times the gas. Their titles carry this tag.
  mocha: { grep: "@skip-on-coverage", invert: true, timeout: 600000 },
};
