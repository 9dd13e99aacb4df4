// Errors that map to the CLI contract's exit codes: 1 wrong input or target, 2 usage.
export class UsageError extends Error {}

/** A wrong input or a missing prerequisite the user can fix: one line, exit 1, no stack trace. */
export class InputError extends Error {}
