import { expect } from 'chai';
import { SerialPortStream } from '@serialport/stream';
import { VirtualBinding } from '../../harness/sim/index.ts';
import { READY_MS, rejectionOf, SimRig, waitFor } from './helpers.ts';

const PATH = 'virtual:0';

function open(binding: VirtualBinding): Promise<SerialPortStream> {
  const port = new SerialPortStream({ binding, path: PATH, baudRate: 115200, autoOpen: false });
  return new Promise((resolve, reject) => port.open((error) => (error ? reject(error) : resolve(port))));
}

/** The error an open fails with (a port that does open is closed again). */
function openFailure(binding: VirtualBinding): Promise<Error> {
  return rejectionOf(
    open(binding).then(async (port) => {
      await close(port);
      return `${PATH} opened`;
    }),
  );
}

function close(port: SerialPortStream): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

/** Writes a command line and resolves with what came back up to its final OK or ERROR. */
async function exchange(port: SerialPortStream, command: string): Promise<string> {
  let received = '';
  const onData = (chunk: Buffer) => (received += chunk.toString('latin1'));
  port.on('data', onData);
  port.write(`${command}\r`);
  await waitFor(() => /\r\n(OK|ERROR)\r\n$/.test(received), `the answer to ${command}`);
  port.off('data', onData);
  return received;
}

describe('virtual module: in-process serialport binding', () => {
  let ports: SerialPortStream[] = [];
  afterEach(async () => {
    await Promise.all(ports.map(close));
    ports = [];
  });

  function attached(options = {}): { rig: SimRig; binding: VirtualBinding } {
    const rig = new SimRig();
    const binding = new VirtualBinding();
    binding.attach(PATH, rig.module, options);
    return { rig, binding };
  }

  it('carries an AT exchange through the SerialPortStream API', async () => {
    const { rig, binding } = attached();
    rig.module.power(true);
    rig.advance(READY_MS);
    const port = await open(binding);
    ports.push(port);
    expect(await exchange(port, 'AT')).to.equal('AT\r\r\nOK\r\n');
    expect(await exchange(port, 'ATE0;+CGMI')).to.equal('ATE0;+CGMI\r\r\nSimOTA\r\n\r\nOK\r\n');
    expect(await exchange(port, 'AT+NOPE')).to.equal('\r\nERROR\r\n');
  });

  it('refuses a second open of the same path like a locked port, until the first closes', async () => {
    const { binding } = attached();
    const first = await open(binding);
    ports.push(first);
    expect((await openFailure(binding)).message).to.match(/Cannot lock port virtual:0/);
    await close(first);
    ports.push(await open(binding));
  });

  it('with vanishWhenOff, power-off disconnects an open port and the path is gone while off', async () => {
    const { rig, binding } = attached({ vanishWhenOff: true });
    expect((await openFailure(binding)).message).to.match(/No such file or directory/);
    expect(await binding.list()).to.deep.equal([]);

    rig.module.power(true);
    rig.advance(READY_MS);
    expect((await binding.list()).map((p) => p.path)).to.deep.equal([PATH]);
    const port = await open(binding);
    ports.push(port);
    let closedWith: (Error & { disconnected?: boolean }) | null | undefined;
    port.once('close', (error: Error | null) => (closedWith = error));
    port.resume();
    rig.module.power(false);
    await waitFor(() => closedWith !== undefined, 'the port to close');
    expect(closedWith?.disconnected).to.equal(true);
    expect(port.isOpen).to.equal(false);
    expect((await openFailure(binding)).message).to.match(/No such file or directory/);

    rig.module.power(true);
    rig.advance(READY_MS);
    const again = await open(binding);
    ports.push(again);
    expect(await exchange(again, 'AT')).to.equal('AT\r\r\nOK\r\n');
  });

  it('without vanishWhenOff, the port stays open across power-off and stays silent', async () => {
    const { rig, binding } = attached();
    rig.module.power(true);
    rig.advance(READY_MS);
    const port = await open(binding);
    ports.push(port);
    let closed = false;
    port.once('close', () => (closed = true));
    rig.module.power(false);
    let received = '';
    port.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    port.write('AT\r');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).to.equal('');
    expect(closed).to.equal(false);
    expect(port.isOpen).to.equal(true);
  });
});
