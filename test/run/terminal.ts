// `hil` on a pseudo-terminal (test/run/pty-run.py), as a person at a terminal runs it: its output
// as the terminal shows it, keys typed at it ("\x03" is Ctrl-C), its exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HIL } from '../../support/hil-process.ts';

const PTY_RUN = fileURLToPath(new URL('./pty-run.py', import.meta.url));

/** `hil args` on a pseudo-terminal: its output so far, keys typed at it, its exit code. */
export function onTerminal(args: string[], env: Record<string, string> = {}) {
  const child = spawn('python3', [PTY_RUN, process.execPath, HIL, ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const terminal = { output: '', type: (keys: string) => child.stdin.write(keys), exited: new Promise<number | null>((resolve) => child.once('exit', resolve)), kill: () => child.kill('SIGKILL') };
  child.stdout.on('data', (d) => (terminal.output += d));
  return terminal;
}

