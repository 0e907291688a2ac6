// The SIM's and the network's state as TS 27.007 reports them: +CPIN (§8.3) and the packet-domain
// registration the SIM's OTA channel needs: +CEREG on LTE, LTE-M and NB-IoT (§10.1.22), +CGREG on
// GSM and UMTS (§10.1.20). A 2G/3G module (SIMCom SIM800, Quectel UG96) has no +CEREG, and a multi-RAT
// module that falls back to 2G reports itself registered in +CGREG while +CEREG says "not registered".
import type { AtEngine } from '../at/index.ts';

/** `+CPIN: <code>`: READY, or what the SIM waits for (SIM PIN, SIM PUK, ...); undefined if no such line. */
export function parseSimStatus(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const match = /^\+CPIN:\s*"?([^"]*?)"?\s*$/i.exec(line);
    if (match) return match[1]!.toUpperCase();
  }
  return undefined;
}

export interface Registration {
  /** The read command's answer line, as the module gave it. */
  line: string;
  stat: number;
}

/** The `+CEREG: <n>,<stat>[,...]` or `+CGREG: <n>,<stat>[,...]` answer of a read command; undefined if none. */
export function parseRegistration(lines: readonly string[], prefix: '+CEREG' | '+CGREG'): Registration | undefined {
  const pattern = new RegExp(`^\\${prefix}:\\s*\\d+\\s*,\\s*(\\d+)`, 'i');
  for (const line of lines) {
    const match = pattern.exec(line);
    if (match) return { line, stat: Number(match[1]) };
  }
  return undefined;
}

/**
 * Registered for data: 1 home, 5 roaming; on EPS also 9 and 10 (registered for "CSFB not preferred",
 * home and roaming). 6 and 7 ("SMS only") and 8 (emergency bearers only) carry no BIP channel.
 */
export function registeredForData(registration: Registration, prefix: '+CEREG' | '+CGREG'): boolean {
  return [1, 5, ...(prefix === '+CEREG' ? [9, 10] : [])].includes(registration.stat);
}

/** Reads the packet-domain registration over the AT port, on every access technology the module has. */
export class RegistrationReader {
  /** The read commands the module refused: it has no such access technology. */
  private readonly refused = new Set<string>();

  constructor(private readonly at: AtEngine) {}

  /** Whether the module is registered for data, and the answers that say so (or why not). */
  async read(): Promise<{ registered: boolean; answers: string[] }> {
    const answers: string[] = [];
    for (const prefix of ['+CEREG', '+CGREG'] as const) {
      const command = `AT${prefix}?`;
      if (this.refused.has(command)) continue;
      const response = await this.at.send(command);
      const registration = parseRegistration(response.lines, prefix);
      if (!response.ok || !registration) {
        // An ERROR is a command the module does not have; a timeout or a garbled answer is asked again.
        if (/ERROR/.test(response.final)) this.refused.add(command);
        answers.push(`${command} ${response.final}`);
        continue;
      }
      answers.push(registration.line);
      if (registeredForData(registration, prefix)) return { registered: true, answers };
    }
    return { registered: false, answers };
  }
}
