// The errors that end a command with their own exit code, whichever part of the harness raises them.

/** Bad command-line usage: reported on stderr, exit code 2. */
export class UsageError extends Error {}
