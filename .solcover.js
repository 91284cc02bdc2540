// solidity-coverage settings for `npm run coverage`; `npm run coverage:check` enforces the thresholds.
module.exports = {
  // Test-only mocks (contracts/test/) are not part of the product and are not measured.
  skipFiles: ["test/"],
  istanbulReporter: ["html", "lcov", "text", "json", "json-summary"],
};
