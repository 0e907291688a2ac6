// Power switches: how a rig turns its module on and off. A suite asks for power, not for a relay.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ModuleProfile, PwrkeyTimings } from '../module/index.ts';
import type { Clock } from '../time/clock.ts';
import { controlRequest } from '../sim/index.ts';
import type { VirtualModule } from '../sim/index.ts';
import { openGpioLine, type GpioLine } from './gpio.ts';
import type { Rig as RigConfig } from './rig-file.ts';
import { redaction } from '../output/redaction.ts';
import { startShell, type RunningShell } from './shell.ts';

export interface PowerSwitch {
  /** A short description for logs and reports, e.g. "gpio pinctrl-rp1 line 17 (GPIO 588), active-low". */
  readonly description: string;
  on(): Promise<void>;
  off(): Promise<void>;
  /** Release the hardware (GPIO lines); does not change the power state. */
  release(): Promise<void>;
  /** Whether the module is powered, where the switch can tell; undefined where it cannot (a relay). */
  status(): Promise<boolean | undefined>;
}

/** What an external power command did, for the transcript and the events. */
export type PowerLog = (line: string) => void;

class VirtualPowerSwitch implements PowerSwitch {
  readonly description = 'virtual relay';
  constructor(private readonly module: VirtualModule) {}
  async on(): Promise<void> {
    this.module.power(true);
  }
  async off(): Promise<void> {
    this.module.power(false);
  }
  async release(): Promise<void> {}
  async status(): Promise<boolean> {
    return this.module.powered;
  }
}

class SimControlPowerSwitch implements PowerSwitch {
  readonly description: string;
  constructor(private readonly socket: string) {
    this.description = `simulator control socket ${socket}`;
  }
  async on(): Promise<void> {
    await controlRequest(this.socket, { op: 'power', on: true });
  }
  async off(): Promise<void> {
    await controlRequest(this.socket, { op: 'power', on: false });
  }
  async release(): Promise<void> {}
  async status(): Promise<boolean> {
    return ((await controlRequest(this.socket, { op: 'state' })) as { powered: boolean }).powered;
  }
}

type ExecRole = 'on' | 'off' | 'status';

/**
 * Shell commands for on and off (uhubctl, ykushcmd, a PDU's CLI); a non-zero exit is a failure. An
 * optional status command answers with its exit code (0 powered, 1 unpowered) and confirms each
 * switch. The timeout is wall-clock time: the command runs in real time whatever the rig's time scale.
 * An off ends any command still under way first (a run aborted mid-switch), so no late `on` wins.
 * Logs and errors name a command by its rig-file key and program, never by its whole text, and
 * give a digest of its output rather than the output itself: a command line or a CLI's echo may
 * hold a password or a token, and logs go to the broker.
 */
class ExecPowerSwitch implements PowerSwitch {
  readonly description: string;
  private readonly running = new Set<RunningShell>();
  constructor(private readonly commands: { on: string; off: string; status?: string | undefined; timeout: number }, private readonly log: PowerLog) {
    this.description = `exec ${this.label('on')} / ${this.label('off')}`;
  }
  async on(): Promise<void> {
    await this.run('on');
    await this.confirm(true);
  }
  async off(): Promise<void> {
    await this.stopRunning();
    await this.run('off');
    await this.confirm(false);
  }
  async release(): Promise<void> {}

  /** Whether the status command says the module is powered; undefined without one. */
  async status(): Promise<boolean | undefined> {
    if (this.commands.status === undefined) return undefined;
    const code = await this.run('status', [0, 1]);
    return code === 0;
  }

  private async confirm(on: boolean): Promise<void> {
    const powered = await this.status();
    if (powered !== undefined && powered !== on) {
      throw new Error(`${this.label('status')} says the module is ${powered ? 'on' : 'off'} after switching it ${on ? 'on' : 'off'}`);
    }
  }

  /** Ends the commands under way, and waits for them to be gone. */
  private async stopRunning(): Promise<void> {
    const running = [...this.running];
    for (const command of running) command.stop();
    await Promise.all(running.map((command) => command.result.catch(() => {})));
  }

  /** `power.on (uhubctl)`: the first word that is not a variable assignment, without its folder. */
  private label(role: ExecRole): string {
    const words = (this.commands[role] ?? '').split(/[\s;&|()'"]+/);
    const program = words.find((word) => word !== '' && !/^\w+=/.test(word)) ?? '';
    return `power.${role} (${basename(program)})`;
  }

  /** Runs a command, logging its exit and a digest of its output; returns its exit code if that is one of `accepted`. */
  private async run(role: ExecRole, accepted: number[] = [0]): Promise<number> {
    const label = this.label(role);
    const command = startShell(this.commands[role]!, this.commands.timeout);
    this.running.add(command);
    const result = await command.result.finally(() => this.running.delete(command));
    const output = result.output.map((line) => redaction.text(line));
    // The power edge is stamped when the command returns: the time it took bounds that stamp's error.
    this.log(`${label}: ${result.code === null ? 'ended by a signal' : `exit ${result.code}`} after ${Math.round(result.wallMs)} ms wall time${outputDigest(output)}`);
    if (result.code !== null && accepted.includes(result.code) && !result.timedOut) return result.code;
    const why = result.stopped ? 'was stopped to switch the bench off'
      : result.timedOut ? `timed out after ${this.commands.timeout} ms`
      : result.code === null ? 'was killed by a signal' : `exited with code ${result.code}`;
    const last = output.at(-1);
    throw new Error(`${label} ${why}${last ? `: ${last}` : ''}`);
  }
}

/** "; output 2 lines, sha256 1a2b3c4d5e6f": tells outputs apart without showing them. */
function outputDigest(lines: string[]): string {
  if (lines.length === 0) return '';
  const digest = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 12);
  return `; output ${lines.length} line${lines.length === 1 ? '' : 's'}, sha256 ${digest}`;
}

/**
 * A relay on a GPIO line, optionally with a PWRKEY line: pressed to boot the module after the relay
 * closes, and pressed to shut it down before the relay opens, once the module has had time to finish.
 * PWRKEY toggles, so it is pressed only when the power state changes.
 */
class GpioPowerSwitch implements PowerSwitch {
  readonly description: string;
  /** Opening the lines drove them inactive: the relay is open. */
  private powered = false;
  private switching: Promise<unknown> = Promise.resolve();
  private releasedAt = -Infinity;
  constructor(
    private readonly relay: GpioLine,
    private readonly pwrkey: ({ line: GpioLine } & PwrkeyTimings) | undefined,
    private readonly clock: Clock,
  ) {
    const timings = pwrkey ? `${pwrkey.pulseOn}/${pwrkey.pulseOff} ms presses, ${pwrkey.shutdown} ms shutdown` : '';
    this.description = `gpio ${relay.description}${pwrkey ? `; PWRKEY ${pwrkey.line.description}, ${timings}` : ''}`;
  }
  // One switch at a time: an off that comes during an on's PWRKEY press (a signal, a crash) waits
  // for the key's release instead of opening the relay under a pressed key.
  on(): Promise<void> {
    return this.inTurn(async () => {
      await this.relay.set(true);
      if (this.pwrkey && !this.powered) await this.press(this.pwrkey.pulseOn);
      this.powered = true;
    });
  }
  off(): Promise<void> {
    return this.inTurn(async () => {
      if (this.pwrkey && this.powered) {
        await this.press(this.pwrkey.pulseOff);
        await this.clock.sleep(this.pwrkey.shutdown);
      }
      await this.relay.set(false);
      this.powered = false;
    });
  }
  release(): Promise<void> {
    return this.inTurn(async () => {
      await this.relay.release();
      await this.pwrkey?.line.release();
    });
  }
  async status(): Promise<undefined> {
    return undefined;
  }
  private inTurn(action: () => Promise<void>): Promise<void> {
    const turn = this.switching.then(action);
    this.switching = turn.catch(() => {});
    return turn;
  }
  /**
   * Holds the key for `rigMs`, after leaving it released at least as long since the last press: two
   * presses back to back (an off right after an on's press) would read as one long press.
   */
  private async press(rigMs: number): Promise<void> {
    const released = this.releasedAt + rigMs - this.clock.now();
    if (released > 0) await this.clock.sleep(released);
    await this.pwrkey!.line.set(true);
    await this.clock.sleep(rigMs);
    await this.pwrkey!.line.set(false);
    this.releasedAt = this.clock.now();
  }
}

/** PWRKEY timings: the rig file's, else the module profile's. */
function pwrkeyTimings(rig: Partial<PwrkeyTimings>, profile: ModuleProfile): PwrkeyTimings {
  const timings = {
    pulseOn: rig.pulseOn ?? profile.pwrkey?.pulseOn,
    pulseOff: rig.pulseOff ?? profile.pwrkey?.pulseOff,
    shutdown: rig.shutdown ?? profile.pwrkey?.shutdown,
  };
  const missing = Object.entries(timings).filter(([, value]) => value === undefined).map(([key]) => `power.pwrkey.${key}`);
  if (missing.length > 0) {
    throw new Error(`module profile "${profile.id}" has no PWRKEY timings: set ${missing.join(', ')} in the rig file (see the module's hardware design guide)`);
  }
  return timings as PwrkeyTimings;
}

export async function createPowerSwitch(config: RigConfig, profile: ModuleProfile, clock: Clock, module: VirtualModule | undefined, log: PowerLog): Promise<PowerSwitch> {
  const power = config.power;
  switch (power.type) {
    case 'virtual':
      if (!module) throw new Error('power.type "virtual" needs the built-in simulator');
      return new VirtualPowerSwitch(module);
    case 'sim-control':
      return new SimControlPowerSwitch(power.socket);
    case 'exec':
      return new ExecPowerSwitch(power, log);
    case 'gpio': {
      const timings = power.pwrkey ? pwrkeyTimings(power.pwrkey, profile) : undefined;
      const relay = await openGpioLine(power.line, power.activeLow);
      try {
        const pwrkey = power.pwrkey && timings ? { line: await openGpioLine(power.pwrkey, power.pwrkey.activeLow), ...timings } : undefined;
        return new GpioPowerSwitch(relay, pwrkey, clock);
      } catch (error) {
        await relay.release();
        throw error;
      }
    }
  }
}
