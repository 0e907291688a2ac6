// Follows a GPIO `value` file (sysfs shape) as the module's power input, so a relay driven by
// onoff powers the virtual module. inotify on the file's folder tells of changes, also of a file
// that appears later or is replaced whole; a slow poll covers file systems where it does not.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { VirtualModule } from './module.ts';

const POLL_MS = 50;

export interface PowerFileFollower {
  stop(): void;
}

/** Powers the module while the file holds `poweredValue` ('1' unless the wiring inverts it). */
export function followPowerFile(module: VirtualModule, path: string, poweredValue: '0' | '1' = '1'): PowerFileFollower {
  const apply = () => {
    let value: string;
    try {
      value = readFileSync(path, 'utf8').trim();
    } catch {
      return; // the line is not exported (yet): leave power as it is
    }
    module.power(value === poweredValue);
  };
  apply();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), (_event, name) => {
      if (name === basename(path)) apply();
    });
  } catch {
    watcher = undefined;
  }
  const poll = setInterval(apply, POLL_MS);
  return {
    stop: () => {
      watcher?.close();
      clearInterval(poll);
    },
  };
}
