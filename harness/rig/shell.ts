// Runs a bench's shell command (uhubctl, ykushcmd, a PDU's CLI) in real time with a timeout. The
// command gets its own process group, so a timeout ends whatever it started, not just the shell.
import { spawn } from 'node:child_process';

export interface ShellResult {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  timedOut: boolean;
  /** stdout and stderr lines, in the order they came, without empty lines. */
  output: string[];
  wallMs: number;
}

export function runShell(command: string, timeoutMs: number): Promise<ShellResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run "${command}": ${error.message}`));
    });
    // 'close' comes once the output pipes are closed too, so the last lines are in.
    child.once('close', (code) => {
      clearTimeout(timer);
      const output = text.split('\n').filter((line) => line.trim() !== '');
      resolve({ code, timedOut, output, wallMs: performance.now() - started });
    });
  });
}
