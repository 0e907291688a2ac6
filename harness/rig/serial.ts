// The module's AT port: opened after power-on, closed before power-off, and waited for when it
// vanishes with power (USB modules re-enumerate). Virtual and real ports share one stream API.
import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface } from '@serialport/bindings-cpp';
import type { Clock } from '../time/clock.ts';
import { openFailureHint } from './serial-path.ts';

/** Wall milliseconds between attempts to open a port that is not there (yet). */
const RETRY_WALL_MS = 50;

export class SerialLink {
  private port: SerialPortStream | undefined;

  constructor(
    readonly path: string,
    private readonly baudRate: number,
    private readonly binding: BindingInterface,
    private readonly clock: Clock,
    private readonly onData: (bytes: Buffer) => void,
    private readonly log: (line: string) => void,
  ) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** Opens the port, retrying while it does not exist, for at most `timeoutMs` of rig time. */
  async open(timeoutMs: number): Promise<void> {
    if (this.isOpen) return;
    const deadline = this.clock.now() + timeoutMs;
    let lastError: Error | undefined;
    while (this.clock.now() <= deadline) {
      try {
        this.port = await this.tryOpen();
        return;
      } catch (error) {
        lastError = error as Error;
        await this.clock.sleep(RETRY_WALL_MS * this.clock.scale);
      }
    }
    const hint = lastError ? openFailureHint(this.path, lastError) : '';
    throw new Error(`serial port ${this.path} did not open within ${Math.round(timeoutMs / 1000)} s: ${lastError?.message ?? 'no attempt made'}${hint ? `; ${hint}` : ''}`);
  }

  write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.reject(new Error(`serial port ${this.path} is not open`));
    return new Promise((resolve, reject) => port.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private tryOpen(): Promise<SerialPortStream> {
    return new Promise((resolve, reject) => {
      // hupcl off: a PTY or USB CDC port must not drop the modem's lines on close.
      const port = new SerialPortStream({ binding: this.binding, path: this.path, baudRate: this.baudRate, hupcl: false, autoOpen: false });
      port.open((error) => {
        if (error) return reject(error);
        port.on('data', this.onData);
        port.on('close', (closeError: Error | null) => {
          if (closeError) this.log(`serial port ${this.path} went away: ${closeError.message}`);
        });
        port.on('error', (portError: Error) => this.log(`serial port ${this.path}: ${portError.message}`));
        resolve(port);
      });
    });
  }
}
