// Naming GPIO lines by chip and offset: the sysfs number on kernels ≥ 6.6, and clear answers when
// the chip, the line or sysfs GPIO itself is not there. (test/gpio/ drives lines through onoff.)
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveGpioLine } from '../../harness/rig/gpio.ts';
import type { GpioLineRef } from '../../harness/rig/rig-file.ts';

async function addChip(root: string, label: string, base: number, ngpio: number): Promise<void> {
  const dir = join(root, `gpiochip${base}`);
  await mkdir(dir, { recursive: true });
  await Promise.all([writeFile(join(dir, 'label'), `${label}\n`), writeFile(join(dir, 'base'), `${base}\n`), writeFile(join(dir, 'ngpio'), `${ngpio}\n`)]);
}

describe('GPIO line names', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hil-gpiochips-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const resolveIn = (ref: GpioLineRef) => resolveGpioLine(ref, root);
  const failure = (ref: GpioLineRef) => resolveIn(ref).then(() => '', (error: Error) => error.message);

  describe('on a Raspberry Pi 5 (Linux ≥ 6.6)', () => {
    beforeEach(async () => {
      await addChip(root, 'gpio-brcmstb@107d508500', 512, 32);
      await addChip(root, 'pinctrl-rp1', 571, 54);
    });

    it('adds the chip base to the line, found by label or by gpiochipN', async () => {
      expect(await resolveIn({ chip: 'pinctrl-rp1', line: 17 })).to.deep.equal({ number: 588, description: 'pinctrl-rp1 line 17 (GPIO 588)' });
      expect((await resolveIn({ chip: 'gpiochip571', line: 27 })).number).to.equal(598);
    });

    it('keeps a raw sysfs number that is on a chip', async () => {
      expect(await resolveIn({ number: 588 })).to.deep.equal({ number: 588, description: 'GPIO 588' });
    });

    it('explains why a pre-6.6 number is on no chip', async () => {
      expect(await failure({ number: 17 })).to.equal(
        'GPIO 17 is on no GPIO chip; found gpiochip512 "gpio-brcmstb@107d508500" (GPIO 512-543), gpiochip571 "pinctrl-rp1" (GPIO 571-624). ' +
          "Since Linux 6.6 sysfs numbers start at each chip's base: name the chip and the line instead, e.g. {chip: pinctrl-rp1, line: 17}",
      );
    });

    it('names the chips there are when the chip is unknown or not named', async () => {
      expect(await failure({ chip: 'pinctrl-bcm2711', line: 17 })).to.match(/^no GPIO chip "pinctrl-bcm2711"; found gpiochip512 .*gpiochip571 "pinctrl-rp1" \(GPIO 571-624\)$/);
      expect(await failure({ line: 17 })).to.match(/^several GPIO chips, name one with "chip": gpiochip512/);
    });

    it('names the lines a chip has when the line is beyond them', async () => {
      expect(await failure({ chip: 'pinctrl-rp1', line: 54 })).to.equal('GPIO chip gpiochip571 "pinctrl-rp1" has lines 0-53, not 54');
    });
  });

  it('takes the only chip when none is named', async () => {
    await addChip(root, 'pinctrl-bcm2835', 0, 58);
    expect((await resolveIn({ line: 17 })).number).to.equal(17);
  });

  it('says when the kernel offers no sysfs GPIO at all', async () => {
    const missing = join(root, 'gpio');
    expect(await resolveGpioLine({ line: 17 }, missing).catch((error: Error) => error.message)).to.equal(
      `no ${missing}: this kernel offers no sysfs GPIO (CONFIG_GPIO_SYSFS), or this host is not the bench`,
    );
    expect(await failure({ line: 17 })).to.equal(`no GPIO chips under ${root}`);
  });
});
