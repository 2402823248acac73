/**
 * A ledger input the user gave is wrong (a `--baseline` file that is not a result, a
 * `--changed-since` ref git cannot resolve, a triage id that matches nothing): the CLI prints the
 * message and exits with code 2.
 */
export class LedgerInputError extends Error {}
