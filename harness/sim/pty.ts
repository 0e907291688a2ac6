// A real pseudo-terminal for the virtual module: programs (minicom, screen, the harness with the
// real serialport binding) open the link path like any serial device. Node has no PTY API, so a
// small python3 relay owns the PTY and copies bytes over its stdin/stdout.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RELAY = fileURLToPath(new URL('./pty-relay.py', import.meta.url));

export class PtyEndpoint {
  private constructor(private readonly relay: ChildProcessWithoutNullStreams, readonly linkPath: string, readonly devicePath: string) {}

  /** Creates a PTY and links its device at `linkPath`. */
  static open(linkPath: string): Promise<PtyEndpoint> {
    return new Promise((resolve, reject) => {
      const relay = spawn('python3', [RELAY, linkPath], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      relay.once('error', (error) => reject(new Error(`cannot start the PTY relay (python3 is required): ${error.message}`)));
      relay.once('exit', (code) => reject(new Error(`the PTY relay for ${linkPath} exited with code ${code}: ${stderr.trim()}`)));
      relay.stderr.setEncoding('utf8');
      relay.stderr.on('data', (text: string) => {
        stderr += text;
        const ready = /^ready (\S+)$/m.exec(stderr);
        if (ready) {
          relay.removeAllListeners('exit');
          resolve(new PtyEndpoint(relay, linkPath, ready[1]!));
        }
      });
    });
  }

  onData(listener: (bytes: Buffer) => void): void {
    this.relay.stdout.on('data', listener);
  }

  /** Bytes for the PTY; dropped once it is closing, as a device that is going away drops them. */
  write(bytes: Uint8Array): void {
    if (!this.relay.stdin.writableEnded) this.relay.stdin.write(bytes);
  }

  close(): Promise<void> {
    // A relay killed by a signal has no exit code, only a signal code.
    if (this.relay.exitCode !== null || this.relay.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.relay.once('exit', () => resolve());
      // End of input lets the relay pass on what it was given before it goes, as a device flushes.
      this.relay.stdin.end();
    });
  }
}
