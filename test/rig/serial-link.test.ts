// The AT port of a USB module that vanishes while in use: a command sent meanwhile waits for the
// port, and one the engine has given up on by the time the port returns is never sent at all.
import { expect } from 'chai';
import { AtEngine, AtTimeoutError } from '../../harness/at/index.ts';
import { SerialLink } from '../../harness/rig/serial.ts';
import { VirtualBinding, VirtualModule } from '../../harness/sim/index.ts';
import { ScaledClock } from '../../harness/time/clock.ts';

describe('a serial link whose port vanishes while in use', function () {
  this.timeout(20_000);

  async function usbModule() {
    const clock = new ScaledClock(100);
    const module = new VirtualModule({ clock });
    const binding = new VirtualBinding();
    binding.attach('usb', module, { vanishWhenOff: true });
    const received: string[] = [];
    const write = module.write.bind(module);
    module.write = (bytes: Uint8Array) => {
      received.push(Buffer.from(bytes).toString('latin1'));
      write(bytes);
    };
    const events: string[] = [];
    let engine!: AtEngine;
    const link = new SerialLink('usb', 115200, binding, clock, 60_000, {
      data: (bytes) => engine.feed(bytes),
      log: () => {},
      vanished: () => events.push('vanished'),
      returned: () => events.push('returned'),
      lost: () => events.push('lost'),
    });
    engine = new AtEngine({ write: (bytes, stillWanted) => link.write(bytes, stillWanted), clock, defaultTimeoutMs: 5_000, recoveryQuietMs: 500 });
    module.power(true);
    await link.open(10_000);
    await clock.sleep(5_000); // booted
    return { clock, module, link, engine, received, events };
  }

  it('sends a command that waited, once the port returns in time', async () => {
    const { clock, module, link, engine, received, events } = await usbModule();
    try {
      module.power(false);
      await clock.sleep(100);
      const sent = engine.send('AT+CGMI', { timeoutMs: 30_000 }).catch(() => undefined); // the module may still be booting
      await clock.sleep(1_000);
      expect(received.join(''), 'nothing sent while the port is away').to.not.include('AT+CGMI');
      module.power(true);
      await clock.sleep(10_000);
      expect(events).to.deep.equal(['vanished', 'returned']);
      expect(received.join(''), 'sent once it returned').to.include('AT+CGMI\r');
      await sent;
    } finally {
      engine.close();
      await link.close();
      module.power(false); // its timers (a week's recheck) would keep the process alive
    }
  });

  it('never sends a command given up on before the port returned', async () => {
    const { clock, module, link, engine, received, events } = await usbModule();
    try {
      module.power(false);
      await clock.sleep(100);
      let error: unknown;
      await engine.send('AT+CFUN=1,1').catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(AtTimeoutError);
      module.power(true);
      await clock.sleep(8_000);
      expect(events).to.deep.equal(['vanished', 'returned']);
      expect(received.join(''), 'what reached the module').to.not.include('AT+CFUN=1,1');
      expect((await engine.send('AT')).final, 'the port works again').to.equal('OK');
    } finally {
      engine.close();
      await link.close();
      module.power(false); // its timers (a week's recheck) would keep the process alive
    }
  });
});
