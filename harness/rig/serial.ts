// The module's AT port: opened after power-on, closed before power-off, and waited for when it
// vanishes: with power (USB modules re-enumerate) or while powered (the module restarted itself).
// Virtual and real ports share one stream API.
import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface } from '@serialport/bindings-cpp';
import type { Clock } from '../time/clock.ts';
import { openFailureHint } from './serial-path.ts';

/** Wall milliseconds between attempts to open a port that is not there (yet). */
const RETRY_WALL_MS = 50;

export interface SerialLinkEvents {
  data(bytes: Buffer): void;
  log(line: string): void;
  /** The open port went away without being closed: the link is waiting for it to return. */
  vanished(error: Error): void;
  /** A port that vanished is open again. */
  returned(): void;
  /** A port that vanished did not return in time: writes fail from now on. */
  lost(error: Error): void;
}

export class SerialLink {
  private port: SerialPortStream | undefined;
  /** Counts open() and close() calls: a wait for the port belongs to the one that started it. */
  private use = 0;
  /** The wait for a vanished port to return, while there is one. */
  private returning: Promise<void> | undefined;
  private lostError: Error | undefined;

  constructor(
    readonly path: string,
    private readonly baudRate: number,
    private readonly binding: BindingInterface,
    private readonly clock: Clock,
    /** Rig ms a port that vanished while in use is waited for. */
    private readonly returnTimeoutMs: number,
    private readonly events: SerialLinkEvents,
  ) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  /** Opens the port, retrying while it does not exist, for at most `timeoutMs` of rig time. */
  async open(timeoutMs: number): Promise<void> {
    const use = ++this.use;
    this.lostError = undefined;
    if (this.isOpen) return;
    await this.openWithin(timeoutMs, use);
  }

  /** Writes, waiting first for a port that vanished to return, unless the bytes are no longer wanted by then. */
  async write(bytes: Buffer, stillWanted: () => boolean = () => true): Promise<void> {
    if (this.returning) {
      await this.returning;
      if (!stillWanted()) throw new Error(`serial port ${this.path} returned after the command was given up on; not sent`);
    }
    const port = this.port;
    if (!port?.isOpen) throw this.lostError ?? new Error(`serial port ${this.path} is not open`);
    await new Promise<void>((resolve, reject) => port.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    this.use++;
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async openWithin(timeoutMs: number, use: number): Promise<void> {
    const deadline = this.clock.now() + timeoutMs;
    let lastError: Error | undefined;
    while (use === this.use && this.clock.now() <= deadline) {
      try {
        const port = await this.tryOpen();
        if (use === this.use) {
          this.port = port;
          port.on('data', this.events.data);
          return;
        }
        port.close(); // closed meanwhile: this open is no longer wanted
      } catch (error) {
        lastError = error as Error;
        await this.clock.sleep(RETRY_WALL_MS * this.clock.scale);
      }
    }
    if (use !== this.use) throw new Error(`serial port ${this.path} was closed while waiting for it`);
    const hint = lastError ? openFailureHint(this.path, lastError) : '';
    throw new Error(`serial port ${this.path} did not open within ${Math.round(timeoutMs / 1000)} s: ${lastError?.message ?? 'no attempt made'}${hint ? `; ${hint}` : ''}`);
  }

  private tryOpen(): Promise<SerialPortStream> {
    return new Promise((resolve, reject) => {
      // hupcl off: a PTY or USB CDC port must not drop the modem's lines on close.
      const port = new SerialPortStream({ binding: this.binding, path: this.path, baudRate: this.baudRate, hupcl: false, autoOpen: false });
      port.open((error) => {
        if (error) return reject(error);
        // An error on close means the device went away (hang-up, USB unplug), not that we closed it.
        port.on('close', (closeError: Error | null) => {
          if (closeError && port === this.port) this.vanished(closeError);
        });
        port.on('error', (portError: Error) => this.events.log(`serial port ${this.path}: ${portError.message}`));
        resolve(port);
      });
    });
  }

  private vanished(error: Error): void {
    this.port = undefined;
    this.events.vanished(error);
    const use = this.use;
    this.returning = this.openWithin(this.returnTimeoutMs, use).then(
      () => this.events.returned(),
      (openError: Error) => {
        if (use !== this.use) return; // closed on purpose meanwhile (power-off, end of run)
        this.lostError = new Error(`serial port ${this.path} vanished and did not return: ${openError.message}`);
        this.events.lost(this.lostError);
      },
    ).finally(() => {
      this.returning = undefined;
    });
  }
}
