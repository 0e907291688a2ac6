// Plays the kernel's sysfs GPIO interface in a folder (a tmpfs over /sys/class in a private mount
// namespace, so onoff finds it at /sys/class/gpio): gpiochipN/{label,base,ngpio}, and the
// export/unexport protocol. Writing N to `export` makes gpioN/{direction,value,edge,active_low}
// appear at once (built aside, then renamed in); writes to those files drive the line.
//
// Each line's pin level goes to <pins>/gpioN ('0', '1', or 'z' while nothing drives it), written
// whole by rename, for the virtual module to follow as its relay's input. Every change is also a
// line on stdout ("level 588 1", "export 588", "unexport 588"), after "ready" once set up.
//
// usage: sysfs-gpio.ts --root DIR --pins DIR --chip LABEL:BASE:NGPIO [--chip ...]
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { root: { type: 'string' }, pins: { type: 'string' }, chip: { type: 'string', multiple: true, default: [] } },
});
const root = values.root!;
const pins = values.pins!;
const chips = values.chip.map((spec) => {
  const [label, base, ngpio] = spec.split(':');
  return { label: label!, base: Number(base), ngpio: Number(ngpio) };
});

interface Line {
  activeLow: boolean;
  /** The driven level; undefined while the line is an input. */
  level: 0 | 1 | undefined;
  watcher: FSWatcher;
}
const lines = new Map<number, Line>();

const say = (text: string) => process.stdout.write(`${text}\n`);
const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
};

function publish(number: number, level: 0 | 1 | undefined): void {
  const draft = join(pins, `.gpio${number}`);
  writeFileSync(draft, level === undefined ? 'z\n' : `${level}\n`);
  renameSync(draft, join(pins, `gpio${number}`));
  say(`level ${number} ${level ?? 'z'}`);
}

function drive(number: number, line: Line, level: 0 | 1 | undefined): void {
  if (line.level === level) return;
  line.level = level;
  publish(number, level);
}

/** A write to one of the line's files; events come in the order of the writes. */
function onLineWrite(number: number, file: string | null): void {
  const line = lines.get(number);
  if (!line || !file) return;
  const text = read(join(root, `gpio${number}`, file));
  if (text === '') return; // truncated by the writer, its data not in yet
  if (file === 'active_low') line.activeLow = text === '1';
  else if (file === 'direction') {
    // "high" and "low" set the raw level; "out" drives low; "in" lets go.
    drive(number, line, text === 'high' ? 1 : text === 'low' || text === 'out' ? 0 : undefined);
  } else if (file === 'value' && line.level !== undefined) {
    drive(number, line, (Number(text[0] === '1') ^ Number(line.activeLow)) as 0 | 1);
  }
}

/** The number written to `export` or `unexport`; undefined while the writer has only truncated it. */
function writtenNumber(file: string): number | undefined {
  const text = read(join(root, file));
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

function exportLine(): void {
  const number = writtenNumber('export');
  if (number === undefined || lines.has(number)) return;
  if (!chips.some((c) => number >= c.base && number < c.base + c.ngpio)) {
    say(`export ${number} refused: no such line`);
    return;
  }
  const draft = join(root, `.gpio${number}`);
  mkdirSync(draft);
  for (const [file, content] of [['direction', 'in'], ['value', '0'], ['edge', 'none'], ['active_low', '0']]) {
    writeFileSync(join(draft, file!), `${content}\n`);
  }
  // Watched before it appears: the inotify watch moves with the folder, so no early write is missed.
  const watcher = watch(draft, (_event, file) => onLineWrite(number, file));
  lines.set(number, { activeLow: false, level: undefined, watcher });
  renameSync(draft, join(root, `gpio${number}`));
  say(`export ${number}`);
}

function unexportLine(): void {
  const number = writtenNumber('unexport');
  const line = number === undefined ? undefined : lines.get(number);
  if (number === undefined || !line) return;
  line.watcher.close();
  lines.delete(number);
  rmSync(join(root, `gpio${number}`), { recursive: true, force: true });
  say(`unexport ${number}`);
  drive(number, line, undefined);
}

mkdirSync(root, { recursive: true });
mkdirSync(pins, { recursive: true });
for (const chip of chips) {
  const dir = join(root, `gpiochip${chip.base}`);
  mkdirSync(dir);
  for (const [file, content] of [['label', chip.label], ['base', chip.base], ['ngpio', chip.ngpio]] as const) {
    writeFileSync(join(dir, file), `${content}\n`);
    chmodSync(join(dir, file), 0o444);
  }
}
// Like the kernel's: only root may write them (a distribution's udev rule opens them to group gpio).
for (const file of ['export', 'unexport']) {
  writeFileSync(join(root, file), '');
  chmodSync(join(root, file), 0o200);
}
watch(root, (_event, file) => {
  if (file === 'export') exportLine();
  else if (file === 'unexport') unexportLine();
});
say('ready');
