// GPIO lines through onoff (sysfs). Since Linux 6.6 a line's sysfs number is its chip's base plus
// the offset (on a Raspberry Pi 5, pinctrl-rp1 line 17 is 588, not 17), so a rig may name the chip
// and the offset and the number is looked up in /sys/class/gpio/gpiochip*/{label,base,ngpio}.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { GpioLineRef } from './rig-file.ts';

/** Where the kernel puts sysfs GPIO; onoff uses this path and no other. */
const SYSFS_GPIO = '/sys/class/gpio';

export interface GpioLine {
  readonly description: string;
  /** Drive the line to its active (true) or inactive level. */
  set(active: boolean): Promise<void>;
  /**
   * Unexports the line if it is inactive. An active line stays exported: many pin controllers make a
   * released line an input, which would let the relay drop.
   */
  release(): Promise<void>;
}

interface GpioChip {
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

export interface ResolvedLine {
  number: number;
  /** e.g. `pinctrl-rp1 line 17 (GPIO 588)` or `GPIO 529`. */
  description: string;
}

async function listGpioChips(root = SYSFS_GPIO): Promise<GpioChip[]> {
  let names: string[];
  try {
    names = (await readdir(root)).filter((name) => name.startsWith('gpiochip'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`no ${root}: this kernel offers no sysfs GPIO (CONFIG_GPIO_SYSFS), or this host is not the bench`);
    throw new Error(`cannot read ${root}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new Error(`no GPIO chips under ${root}`);
  return Promise.all(
    names.map(async (name) => {
      const read = async (file: string) => (await readFile(join(root, name, file), 'utf8')).trim();
      return { name, label: await read('label'), base: Number(await read('base')), ngpio: Number(await read('ngpio')) };
    }),
  );
}

const describeChip = (c: GpioChip) => `${c.name} "${c.label}" (GPIO ${c.base}-${c.base + c.ngpio - 1})`;

/** The global sysfs number of a line named by chip (label or gpiochipN) and offset, or given outright. */
export async function resolveGpioLine(ref: GpioLineRef, root = SYSFS_GPIO): Promise<ResolvedLine> {
  const chips = await listGpioChips(root);
  const known = chips.map(describeChip).join(', ');
  if ('number' in ref) {
    if (!chips.some((c) => ref.number >= c.base && ref.number < c.base + c.ngpio)) {
      throw new Error(
        `GPIO ${ref.number} is on no GPIO chip; found ${known}. Since Linux 6.6 sysfs numbers start at each chip's base: ` +
          'name the chip and the line instead, e.g. {chip: pinctrl-rp1, line: 17}',
      );
    }
    return { number: ref.number, description: `GPIO ${ref.number}` };
  }
  const chip = ref.chip === undefined ? (chips.length === 1 ? chips[0] : undefined) : chips.find((c) => c.label === ref.chip || c.name === ref.chip);
  if (!chip) {
    throw new Error(ref.chip === undefined ? `several GPIO chips, name one with "chip": ${known}` : `no GPIO chip "${ref.chip}"; found ${known}`);
  }
  if (ref.line >= chip.ngpio) throw new Error(`GPIO chip ${chip.name} "${chip.label}" has lines 0-${chip.ngpio - 1}, not ${ref.line}`);
  const number = chip.base + ref.line;
  return { number, description: `${chip.label} line ${ref.line} (GPIO ${number})` };
}

const GPIO_GROUP_HINT = 'add the user to the "gpio" group (the distribution\'s udev rule gives it access) and log in again';

/** An export or configuration failure, with what the user can do about it. */
function openFailure(line: ResolvedLine, error: NodeJS.ErrnoException): Error {
  const denied = `${userInfo().username} may not write there: ${GPIO_GROUP_HINT}`;
  const hints: Record<string, string> = {
    EACCES: denied,
    EPERM: denied,
    EBUSY: 'a kernel driver or another program holds the line (see `gpioinfo`)',
    EINVAL: 'the kernel has no such line',
    ENOENT: `the line did not appear in ${SYSFS_GPIO} after export`,
  };
  const hint = error.code ? hints[error.code] : undefined;
  return new Error(`cannot open ${line.description}: ${error.message}${hint ? `; ${hint}` : ''}`);
}

/** Wall ms an unexport may take to show: the kernel's is immediate, a sysfs played by a process (as in the tests) is not. */
const UNEXPORT_WAIT_MS = 1_000;
const UNEXPORT_POLL_MS = 5;

/** onoff ignores a failed unexport: this checks that the line's folder went away, one line at a time. */
async function confirmUnexported(line: ResolvedLine): Promise<void> {
  const dir = join(SYSFS_GPIO, `gpio${line.number}`);
  for (let waited = 0; existsSync(dir); waited += UNEXPORT_POLL_MS) {
    if (waited >= UNEXPORT_WAIT_MS) throw new Error(`${line.description} is still exported after unexport (${dir})`);
    await new Promise((resolve) => setTimeout(resolve, UNEXPORT_POLL_MS));
  }
}

export async function openGpioLine(ref: GpioLineRef, activeLow: boolean): Promise<GpioLine> {
  const line = await resolveGpioLine(ref);
  const { Gpio } = await import('onoff');
  let gpio: InstanceType<typeof Gpio>;
  try {
    // Starts inactive. "high"/"low" set the raw level, so an active-low line is driven high.
    gpio = new Gpio(line.number, activeLow ? 'high' : 'low', 'none', { activeLow });
  } catch (error) {
    throw openFailure(line, error as NodeJS.ErrnoException);
  }
  let active = false;
  return {
    description: `${line.description}${activeLow ? ', active-low' : ''}`,
    set: async (value) => {
      await gpio.write(value ? 1 : 0);
      active = value;
    },
    release: async () => {
      if (active) return;
      gpio.unexport();
      await confirmUnexported(line);
    },
  };
}
