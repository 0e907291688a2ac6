// Final result codes (V.250 §5.7, TS 27.007 §9.2, TS 27.005 §3.2.5): the lines that end a command.
// Only verbose result codes (ATV1) are recognised: numeric ones (ATV0) are indistinguishable from data.

import { CME_ERRORS, CMS_ERRORS } from './error-codes.ts';

export type FailureKind = 'ERROR' | 'CME ERROR' | 'CMS ERROR' | 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE' | 'ABORTED';

export interface AtFailure {
  kind: FailureKind;
  code?: number;
  name?: string;
}

export interface FinalResult {
  /** OK, or CONNECT (a dial or data command succeeded). */
  ok: boolean;
  error?: AtFailure;
}

const PLAIN_FAILURES: ReadonlySet<string> = new Set<FailureKind>(['ERROR', 'NO CARRIER', 'BUSY', 'NO ANSWER', 'NO DIALTONE', 'ABORTED']);
const CONNECT = /^CONNECT(\s.*)?$/;
const EXTENDED_ERROR = /^\+(CME|CMS) ERROR:(.*)$/;

/** Shared by every OK and CONNECT: frozen, as every caller gets the same object. */
const SUCCESS: FinalResult = Object.freeze({ ok: true });
/** First characters of the plain failures: E, N, B, A. */
const PLAIN_FIRST = new Set([...PLAIN_FAILURES].map((f) => f.charCodeAt(0)));

/** The final result a (trimmed) line carries, or undefined when it is not one. */
export function parseFinal(line: string): FinalResult | undefined {
  if (line === 'OK') return SUCCESS;
  // Most lines are neither: their first character rules the patterns out before any regex or hash runs.
  const first = line.charCodeAt(0);
  if (first === 0x43 /* C */ && CONNECT.test(line)) return SUCCESS;
  if (PLAIN_FIRST.has(first) && PLAIN_FAILURES.has(line)) return { ok: false, error: { kind: line as FailureKind } };
  // Most `+` lines are information or URCs: only one that starts `+CM` goes to the pattern.
  const match = first === 0x2b /* + */ && line.charCodeAt(1) === 0x43 /* C */ && line.charCodeAt(2) === 0x4d /* M */ ? EXTENDED_ERROR.exec(line) : null;
  if (!match) return undefined;
  const cme = match[1] === 'CME';
  const detail = (cme ? CME_ERRORS : CMS_ERRORS).describe(match[2]!);
  return { ok: false, error: { kind: cme ? 'CME ERROR' : 'CMS ERROR', ...detail } };
}
