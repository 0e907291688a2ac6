import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { PtyEndpoint, VirtualModule } from '../../harness/sim/index.ts';
import { ScaledClock } from '../../harness/time/clock.ts';
import { waitFor } from './helpers.ts';

describe('virtual module: on a real pseudo-terminal', () => {
  let dir: string;
  let pty: PtyEndpoint | undefined;
  let module: VirtualModule | undefined;
  let port: SerialPort | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-pty-'));
  });
  afterEach(async () => {
    if (port?.isOpen) await new Promise((resolve) => port!.close(resolve));
    module?.power(false);
    await pty?.close();
    rmSync(dir, { recursive: true, force: true });
    port = module = pty = undefined;
  });

  it('answers AT with OK through the real serialport binding, and removes its link on close', async () => {
    const link = join(dir, 'module');
    pty = await PtyEndpoint.open(link);
    expect(existsSync(link)).to.equal(true);
    const clock = new ScaledClock(50);
    const simulated = (module = new VirtualModule({ clock, seed: 1 }));
    pty.onData((bytes) => simulated.write(bytes));
    simulated.on('data', (bytes) => pty!.write(bytes));

    const opened = (port = new SerialPort({ path: link, baudRate: 115200, hupcl: false, autoOpen: false }));
    await new Promise<void>((resolve, reject) => opened.open((error) => (error ? reject(error) : resolve())));
    let received = '';
    opened.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    simulated.power(true);
    await waitFor(() => received.includes('RDY'), 'RDY');
    opened.write('AT\r');
    await waitFor(() => received.includes('AT\r\r\nOK\r\n'), 'the answer to AT');

    await pty.close();
    expect(existsSync(link)).to.equal(false);
  });

  it('close() returns when the relay already died of a signal', async () => {
    const endpoint = (pty = await PtyEndpoint.open(join(dir, 'module')));
    const relay = (endpoint as unknown as { relay: ChildProcess }).relay;
    await new Promise((resolve) => {
      relay.once('exit', resolve);
      relay.kill('SIGKILL');
    });
    let closed = false;
    void endpoint.close().then(() => (closed = true));
    await waitFor(() => closed, 'close() to return', 1000);
  });
});
