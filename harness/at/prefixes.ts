// URC prefixes and the response prefix a command's information lines carry.

import { perCommand } from './per-command.ts';

/** Unsolicited result codes of TS 27.007 and of the modules the harness knows. */
export const DEFAULT_URC_PREFIXES: readonly string[] = [
  '+CGEV:',
  '+CUSATP:',
  '+CUSATEND', // no colon: the URC has no parameters
  '+CEREG:',
  '+CREG:',
  '+CGREG:',
  '+CPIN:',
  'RDY',
  '+QUSIM:',
  '%USATEV:',
  '+STKPRO:',
  '^SSTN:',
  'RING',
  '+CMTI:',
  '+QIND:',
  '+CFUN:',
  'SMS Ready',
  'PB DONE',
  'POWERED DOWN',
  'NORMAL POWER DOWN',
  '+CIEV:',
];

/**
 * The prefix of an extended command's information lines: `AT+CEREG?` → `+CEREG:`, `AT%XICCID` →
 * `%XICCID:`, `at^sstr?` → `^SSTR:`. Basic commands (`ATI`, `ATE0`) have none.
 */
export const responsePrefix = perCommand((command: string): string | undefined => {
  const match = /^AT([+%^$#*][A-Z0-9_]+)/i.exec(command.trim());
  return match ? `${match[1]!.toUpperCase()}:` : undefined;
});

/** The longest of `prefixes` that `line` starts with. */
export function matchPrefix(line: string, prefixes: readonly string[]): string | undefined {
  let table = tables.get(prefixes);
  if (!table) tables.set(prefixes, (table = new PrefixTable(prefixes)));
  return table.match(line);
}

const tables = new WeakMap<readonly string[], PrefixTable>();
/** Characters of a prefix that pick its bucket. */
const KEY_LENGTH = 3;
/** Buckets of a table (a power of two). */
const BUCKETS = 512;

/**
 * Prefixes bucketed by a hash of their first three characters, longest first in each bucket: a line
 * is compared with the one or two prefixes that could match it instead of with all of them.
 */
export class PrefixTable {
  private readonly buckets: Array<string[] | undefined> = new Array<string[] | undefined>(BUCKETS).fill(undefined);
  /** Prefixes shorter than the key, compared with every line. */
  private readonly short: string[] = [];

  constructor(prefixes: readonly string[]) {
    for (const prefix of [...new Set(prefixes)].sort((a, b) => b.length - a.length)) {
      if (prefix.length < KEY_LENGTH) this.short.push(prefix);
      else (this.buckets[keyOf(prefix)] ??= []).push(prefix);
    }
  }

  /**
   * The longest prefix `line` starts with. Prefixes whose heads share a hash share a bucket, and each
   * is compared in full; every one in a bucket is longer than any short one.
   */
  match(line: string): string | undefined {
    const bucket = line.length >= KEY_LENGTH ? this.buckets[keyOf(line)] : undefined;
    if (bucket) {
      for (const prefix of bucket) if (line.startsWith(prefix)) return prefix;
    }
    for (const prefix of this.short) if (line.startsWith(prefix)) return prefix;
    return undefined;
  }
}

/** A bucket for the first three UTF-16 units: a small integer, so no substring or boxed number is built per line. */
function keyOf(text: string): number {
  return (Math.imul(text.charCodeAt(0), 961) + Math.imul(text.charCodeAt(1), 31) + text.charCodeAt(2)) & (BUCKETS - 1);
}

/** A name for an unsolicited line no known prefix matched: its `+NAME:` head, else the whole line. */
export function unknownUrcPrefix(line: string): string {
  return /^[+%^$#*]?[A-Za-z0-9_]+:/.exec(line)?.[0] ?? line;
}
