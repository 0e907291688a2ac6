// The module's PDP contexts as TS 27.007 lists them: +CGDCONT? for each context's APN, +CGACT? for
// which are active. The observer reads a session's APN here, and polls here where no event shows it.
import type { AtEngine } from '../at/index.ts';

export interface ContextReader {
  /** The APN of context `cid`; undefined if the module no longer lists it. */
  apnOf(cid: number): Promise<string | undefined>;
  /** The active contexts and their APNs. */
  active(): Promise<Map<number, string | undefined>>;
}

/** `+CGDCONT: <cid>,"<type>","<apn>",...` lines (TS 27.007 §10.1.1) as cid → APN. */
export function parseContextApns(lines: readonly string[]): Map<number, string> {
  const apns = new Map<number, string>();
  for (const line of lines) {
    const match = /^\+CGDCONT:\s*(\d+)\s*,\s*"[^"]*"\s*,\s*"([^"]*)"/.exec(line);
    if (match) apns.set(Number(match[1]), match[2]!);
  }
  return apns;
}

/** `+CGACT: <cid>,<state>` lines (TS 27.007 §10.1.10): the cids in state 1. */
export function parseActiveContexts(lines: readonly string[]): number[] {
  return lines.flatMap((line) => {
    const match = /^\+CGACT:\s*(\d+)\s*,\s*1\b/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

/** Reads contexts over the AT port; a failed or timed-out read is an empty answer, never an error. */
export class AtContextReader implements ContextReader {
  constructor(private readonly at: AtEngine) {}

  async apnOf(cid: number): Promise<string | undefined> {
    return (await this.apns()).get(cid);
  }

  async active(): Promise<Map<number, string | undefined>> {
    const cids = await this.lines('AT+CGACT?').then(parseActiveContexts);
    if (cids.length === 0) return new Map();
    const apns = await this.apns();
    return new Map(cids.map((cid) => [cid, apns.get(cid)]));
  }

  private apns(): Promise<Map<number, string>> {
    return this.lines('AT+CGDCONT?').then(parseContextApns);
  }

  private async lines(command: string): Promise<string[]> {
    try {
      const response = await this.at.send(command);
      return response.ok ? response.lines : [];
    } catch {
      return []; // observation must not break on a slow or lost answer
    }
  }
}
