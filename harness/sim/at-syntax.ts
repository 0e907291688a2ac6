// What the simulator's AT command handlers share: +CME ERROR codes, the error they throw, and
// parameter parsing.
import type { VirtualModule } from './module.ts';

/** +CME ERROR codes used here (TS 27.007 §9.2). */
export const CME = {
  OPERATION_NOT_ALLOWED: [3, 'operation not allowed'],
  OPERATION_NOT_SUPPORTED: [4, 'operation not supported'],
  SIM_BUSY: [14, 'SIM busy'],
  INVALID_INDEX: [21, 'invalid index'],
  NO_NETWORK_SERVICE: [30, 'no network service'],
  INCORRECT_PARAMETERS: [50, 'incorrect parameters'],
} as const;

export type CmeError = (typeof CME)[keyof typeof CME];

export class CommandError extends Error {
  constructor(readonly cme: CmeError | 'ERROR') {
    super(cme === 'ERROR' ? 'ERROR' : cme[1]);
  }
}

export const fail = (cme: CmeError | 'ERROR' = 'ERROR'): never => {
  throw new CommandError(cme);
};

/** Splits `a,"b,c",d` on commas outside quotes; quotes are removed. */
export function splitParams(text: string): string[] {
  const params: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      params.push(current.trim());
      current = '';
    } else current += ch;
  }
  params.push(current.trim());
  return params;
}

export function intParam(value: string | undefined, allowed?: readonly number[]): number {
  if (value === undefined || !/^\d+$/.test(value)) return fail(CME.INCORRECT_PARAMETERS);
  const n = Number(value);
  if (allowed && !allowed.includes(n)) return fail(CME.INCORRECT_PARAMETERS);
  return n;
}

/** A command's handler: its form (`''`, `?`, `=`) and the text after it in, its information lines out. */
export type Handler = (form: string, args: string) => string[];

export function requireSim(module: VirtualModule): void {
  if (!module.simReady) fail(CME.SIM_BUSY);
}

/** `<prefix>: <ICCID>`, for the many commands vendors read it with. */
export const iccidHandler = (module: VirtualModule, prefix: string): Handler => (form) => {
  if (form !== '' && form !== '?') fail();
  requireSim(module);
  return [`${prefix}: ${module.uicc.iccid}`];
};
