// URC prefixes and the response prefix a command's information lines carry.

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
export function responsePrefix(command: string): string | undefined {
  const match = /^AT([+%^$#*][A-Z0-9_]+)/i.exec(command.trim());
  return match ? `${match[1]!.toUpperCase()}:` : undefined;
}

/** The longest of `prefixes` that `line` starts with. */
export function matchPrefix(line: string, prefixes: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const prefix of prefixes) {
    if (line.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best;
}

/** A name for an unsolicited line no known prefix matched: its `+NAME:` head, else the whole line. */
export function unknownUrcPrefix(line: string): string {
  return /^[+%^$#*]?[A-Za-z0-9_]+:/.exec(line)?.[0] ?? line;
}
