// The module's AT port as a USB device: it exists only while the module runs. Power loss and a
// restart remove it (a program holding it open sees a hang-up, like a USB CDC port unplugged), and
// it comes back a while after power-on, as a new PTY behind the same link, as a new /dev/ttyACMn
// behind the same /dev/serial/by-id/ link.
import type { VirtualModule } from './module.ts';
import { PtyEndpoint } from './pty.ts';

/** Rig ms from power-on until the port is there: USB enumeration, before the module answers AT. */
export const USB_ENUMERATION_MS = 2_000;

export class UsbPtyPort {
  private endpoint: PtyEndpoint | undefined;
  /** Counts power edges: an enumeration belongs to the power-on that started it. */
  private edge = 0;
  /** Each change waits for the one before: a PTY is gone before the next one is made. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly module: VirtualModule, readonly linkPath: string, private readonly say: (text: string) => void) {
    module.on('data', (bytes: Buffer) => this.endpoint?.write(bytes)); // lost while the port is not there
    module.on('power', (on: boolean) => (on ? this.poweredOn() : void this.close()));
  }

  /** Removes the port, as power loss does. */
  close(): Promise<void> {
    this.edge++;
    return this.change(() => this.remove());
  }

  private poweredOn(): void {
    const edge = ++this.edge;
    this.module.later(USB_ENUMERATION_MS, () => {
      void this.change(async () => {
        if (edge !== this.edge) return; // switched off (or closed) since
        this.endpoint = await PtyEndpoint.open(this.linkPath);
        this.endpoint.onData((bytes) => this.module.write(bytes));
        this.say(`USB port enumerated: ${this.linkPath} -> ${this.endpoint.devicePath}`);
      });
    });
  }

  private async remove(): Promise<void> {
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    if (!endpoint) return;
    await endpoint.close();
    this.say(`USB port gone: ${this.linkPath}`);
  }

  private change(action: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(action).catch((error: Error) => this.say(`USB port: ${error.message}`));
    return this.queue;
  }
}
