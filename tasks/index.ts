// Operator CLI: every Hardhat task of the suite is registered from here.
export {};
