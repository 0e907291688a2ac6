// Runs a bench's shell command (uhubctl, ykushcmd, a PDU's CLI) in real time with a timeout. The
// command gets its own process group, so a timeout or a stop ends whatever it started, not just the
// shell. The command is timed by its own exit: a child that left its group and still holds the
// output pipes (a daemon the tool started) neither delays the result nor keeps the harness running.
import { spawn } from 'node:child_process';

/** How long output still arriving after the command's exit is read before our ends of the pipes close. */
const OUTPUT_AFTER_EXIT_MS = 100;

export interface ShellResult {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  timedOut: boolean;
  /** Ended by stop() before it finished. */
  stopped: boolean;
  /** stdout and stderr lines, in the order they came, without empty lines. */
  output: string[];
  /** From the start to the command's own exit. */
  wallMs: number;
}

export interface RunningShell {
  readonly result: Promise<ShellResult>;
  /** Ends the command and everything in its process group now; `result` then resolves. */
  stop(): void;
}

export function startShell(command: string, timeoutMs: number): RunningShell {
  const started = performance.now();
  const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let timedOut = false;
  let stopped = false;
  let exited = false;
  const killGroup = () => {
    if (exited) return;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  };
  const result = new Promise<ShellResult>((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run "${command}": ${error.message}`));
    });
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const done = () => {
        clearTimeout(grace);
        child.stdout.destroy();
        child.stderr.destroy();
        const output = text.split('\n').filter((line) => line.trim() !== '');
        resolve({ code, timedOut, stopped, output, wallMs });
      };
      // 'close' comes once nobody else holds the pipes: then the last lines are in.
      const grace = setTimeout(done, OUTPUT_AFTER_EXIT_MS);
      child.once('close', done);
    });
  });
  return {
    result,
    stop: () => {
      stopped = true;
      killGroup();
    },
  };
}
