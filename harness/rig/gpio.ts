// GPIO lines through onoff (sysfs). Since Linux 6.6 a line's sysfs number is its chip's base plus
// the offset (on a Raspberry Pi 5, pinctrl-rp1 line 17 is 588, not 17), so a rig may name the chip
// and the offset and the number is looked up in /sys/class/gpio/gpiochip*/{label,base,ngpio}.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GpioLineRef } from './rig-file.ts';

const SYSFS_GPIO = '/sys/class/gpio';

export interface GpioLine {
  readonly description: string;
  /** Drive the line to its active (true) or inactive level. */
  set(active: boolean): Promise<void>;
  release(): void;
}

interface GpioChip {
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

async function listChips(root: string): Promise<GpioChip[]> {
  const names = (await readdir(root)).filter((name) => name.startsWith('gpiochip'));
  return Promise.all(
    names.map(async (name) => {
      const read = async (file: string) => (await readFile(join(root, name, file), 'utf8')).trim();
      return { name, label: await read('label'), base: Number(await read('base')), ngpio: Number(await read('ngpio')) };
    }),
  );
}

/** The global sysfs number of a line named by chip (label or gpiochipN) and offset, or given outright. */
export async function resolveGpioNumber(ref: GpioLineRef, root = SYSFS_GPIO): Promise<number> {
  if ('number' in ref) return ref.number;
  let chips: GpioChip[];
  try {
    chips = await listChips(root);
  } catch (error) {
    throw new Error(`cannot read ${root} (${(error as Error).message}); is this a Linux host with sysfs GPIO?`);
  }
  if (chips.length === 0) throw new Error(`no GPIO chips under ${root}`);
  const known = chips.map((c) => `${c.name} "${c.label}" (${c.ngpio} lines)`).join(', ');
  const chip = ref.chip === undefined ? (chips.length === 1 ? chips[0] : undefined) : chips.find((c) => c.label === ref.chip || c.name === ref.chip);
  if (!chip) {
    throw new Error(ref.chip === undefined ? `several GPIO chips, name one with "chip": ${known}` : `no GPIO chip "${ref.chip}"; found ${known}`);
  }
  if (ref.line >= chip.ngpio) throw new Error(`GPIO chip ${chip.name} "${chip.label}" has lines 0-${chip.ngpio - 1}, not ${ref.line}`);
  return chip.base + ref.line;
}

export async function openGpioLine(ref: GpioLineRef, activeLow: boolean, root = SYSFS_GPIO): Promise<GpioLine> {
  const number = await resolveGpioNumber(ref, root);
  const { Gpio } = await import('onoff');
  let gpio: InstanceType<typeof Gpio>;
  try {
    // Starts inactive: with activeLow the pin is driven high, so the relay stays open.
    gpio = new Gpio(number, activeLow ? 'high' : 'low', 'none', { activeLow });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const hint = code === 'EACCES' ? ' (add the user to the "gpio" group)' : code === 'EBUSY' ? ' (another program holds the line)' : '';
    throw new Error(`cannot open GPIO ${number}: ${(error as Error).message}${hint}`);
  }
  return {
    description: `${number}${activeLow ? ' (active-low)' : ''}`,
    set: (active) => gpio.write(active ? 1 : 0),
    release: () => gpio.unexport(),
  };
}
