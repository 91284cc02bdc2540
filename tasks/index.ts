// Operator CLI: every Hardhat task of the suite is registered from here (`npx hardhat help` lists them under
// gridmarket:*). Each task reads the addresses from the network's Ignition deployment, validates its input, sends,
// waits for the receipt, reads the new state back and prints it. Reference: docs/OPERATIONS.md.
import "./users";
import "./meters";
import "./roles";
import "./readings";
import "./orders";
import "./accounts";
import "./market";
import "./upkeep";
import "./keeper";
import "./bridge";
import "./cre";
