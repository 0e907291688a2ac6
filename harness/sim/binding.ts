// An in-process serialport binding wired to virtual modules, so the harness drives a virtual module
// through the same SerialPortStream API as a real port.
import type { BindingInterface, BindingPortInterface, OpenOptions, PortInfo, PortStatus } from '@serialport/bindings-cpp';
import type { VirtualModule } from './module.ts';

export interface VirtualPortOptions {
  /** Like a USB module: the port disappears while the module is unpowered. */
  vanishWhenOff?: boolean;
}

interface Attached {
  module: VirtualModule;
  options: VirtualPortOptions;
}

function portError(message: string, extra: { canceled?: boolean; code?: string } = {}): Error {
  return Object.assign(new Error(message), extra);
}

class VirtualPort implements BindingPortInterface {
  isOpen = true;
  readonly openOptions: Required<OpenOptions>;
  private received: Buffer[] = [];
  private waiting: { resolve: () => void; reject: (error: Error) => void } | undefined;
  /** Set once the device went away: reads and writes fail with it until the stream closes the port. */
  private gone: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.received.push(chunk);
    this.wake();
  };
  private readonly onPower = (on: boolean) => {
    if (!on && this.attached.options.vanishWhenOff) this.disconnect();
  };

  constructor(private readonly attached: Attached, options: OpenOptions, private readonly onDetach: () => void) {
    this.openOptions = {
      dataBits: 8, lock: true, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: true,
      ...options,
    } as Required<OpenOptions>;
    attached.module.on('data', this.onData);
    attached.module.on('power', this.onPower);
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    while (this.received.length === 0) {
      this.checkUsable();
      await new Promise<void>((resolve, reject) => (this.waiting = { resolve, reject }));
    }
    // Hand over everything queued that fits, like a UART driver's buffer: the module echoes byte by
    // byte, and one read per byte would add latency that a real port does not have.
    let bytesRead = 0;
    while (this.received.length > 0 && bytesRead < length) {
      const chunk = this.received[0]!;
      const take = Math.min(length - bytesRead, chunk.length);
      chunk.copy(buffer, offset + bytesRead, 0, take);
      bytesRead += take;
      if (take === chunk.length) this.received.shift();
      else this.received[0] = chunk.subarray(take);
    }
    return { buffer, bytesRead };
  }

  async write(buffer: Buffer): Promise<void> {
    this.checkUsable();
    // Copy: the stream may reuse the buffer once the write resolves.
    this.attached.module.write(Buffer.from(buffer));
  }

  async close(): Promise<void> {
    this.detach();
    this.isOpen = false;
    this.waiting?.reject(portError('Port is closed', { canceled: true }));
    this.waiting = undefined;
  }

  async update(): Promise<void> {}
  async set(): Promise<void> {}
  async get(): Promise<PortStatus> {
    return { cts: true, dsr: true, dcd: false };
  }
  async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.openOptions.baudRate };
  }
  async flush(): Promise<void> {
    this.received = [];
  }
  async drain(): Promise<void> {}

  private checkUsable(): void {
    if (this.gone) throw this.gone;
    if (!this.isOpen) throw portError('Port is closed', { canceled: true });
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve();
  }

  /**
   * The device went away. The port stays open until the stream closes it: the stream only reports
   * a disconnect (a non-cancel read or write error) for a port that is still open.
   */
  private disconnect(): void {
    this.detach();
    this.gone = portError('device disconnected: the module lost power', { code: 'EIO' });
    this.waiting?.reject(this.gone);
    this.waiting = undefined;
  }

  /** Stops listening to the module and releases the path's lock, once. */
  private detach(): void {
    if (this.gone || !this.isOpen) return;
    this.onDetach();
    this.attached.module.off('data', this.onData);
    this.attached.module.off('power', this.onPower);
  }
}

/** A binding whose ports are virtual modules, each attached under a path such as `virtual:0`. */
export class VirtualBinding implements BindingInterface<VirtualPort> {
  private readonly ports = new Map<string, Attached>();
  private readonly locked = new Set<string>();

  attach(path: string, module: VirtualModule, options: VirtualPortOptions = {}): void {
    this.ports.set(path, { module, options });
  }

  async list(): Promise<PortInfo[]> {
    return [...this.ports.entries()]
      .filter(([, attached]) => attached.module.powered || !attached.options.vanishWhenOff)
      .map(([path, attached]) => ({
        path,
        manufacturer: attached.module.profile.manufacturer,
        serialNumber: attached.module.imei,
        pnpId: undefined,
        locationId: undefined,
        productId: undefined,
        vendorId: undefined,
      }));
  }

  async open(options: OpenOptions): Promise<VirtualPort> {
    const attached = this.ports.get(options.path);
    if (!attached || (attached.options.vanishWhenOff && !attached.module.powered)) {
      throw portError(`No such file or directory, cannot open ${options.path}`, { code: 'ENOENT' });
    }
    if (this.locked.has(options.path)) throw portError(`Error Resource temporarily unavailable Cannot lock port ${options.path}`);
    this.locked.add(options.path);
    return new VirtualPort(attached, options, () => this.locked.delete(options.path));
  }
}
