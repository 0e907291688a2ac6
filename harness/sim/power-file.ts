// Follows GPIO `value` files (sysfs shape) as the module's inputs, its supply and its PWRKEY, so lines
// driven by onoff work the virtual module. inotify on a file's folder tells of changes, also of a
// file that appears later or is replaced whole; a slow poll covers file systems where it does not.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { VirtualModule } from './module.ts';

const POLL_MS = 50;

export interface FileFollower {
  stop(): void;
}

/** Powers the module while the file holds `poweredValue` ('1' unless the wiring inverts it). */
export function followPowerFile(module: VirtualModule, path: string, poweredValue: '0' | '1' = '1'): FileFollower {
  return followValueFile(path, poweredValue, (on) => module.power(on));
}

/** Holds the module's PWRKEY pressed while the file holds `pressedValue` ('0' on an active-low line). */
export function followPwrkeyFile(module: VirtualModule, path: string, pressedValue: '0' | '1' = '1'): FileFollower {
  return followValueFile(path, pressedValue, (pressed) => module.pwrkey(pressed));
}

/** Calls `input` with whether the file holds `activeValue`, now and on every change (and poll). */
function followValueFile(path: string, activeValue: '0' | '1', input: (active: boolean) => void): FileFollower {
  const apply = () => {
    let value: string;
    try {
      value = readFileSync(path, 'utf8').trim();
    } catch {
      return; // the line is not exported (yet): leave the input as it is
    }
    input(value === activeValue);
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
