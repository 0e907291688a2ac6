// What every CLI command writes to, so commands can be run and checked in-process.
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

/** Bad command-line usage: reported on stderr, exit code 2. */
export class UsageError extends Error {}
