// Power switches: how a rig turns its module on and off. A suite asks for power, not for a relay.
import { exec } from 'node:child_process';
import type { Clock } from '../time/clock.ts';
import { controlRequest } from '../sim/index.ts';
import type { VirtualModule } from '../sim/index.ts';
import { openGpioLine, type GpioLine } from './gpio.ts';
import type { Rig as RigConfig } from './rig-file.ts';

export interface PowerSwitch {
  /** A short description for logs and reports, e.g. "gpio 529 (active-low)". */
  readonly description: string;
  on(): Promise<void>;
  off(): Promise<void>;
  /** Release the hardware (GPIO lines); does not change the power state. */
  release(): Promise<void>;
}

/** Output of an external power command, for the transcript. */
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
}

/**
 * Shell commands for on and off (uhubctl, ykushcmd, a PDU's CLI); a non-zero exit is a failure.
 * The timeout is wall-clock time: the command runs in real time whatever the rig's time scale.
 */
class ExecPowerSwitch implements PowerSwitch {
  readonly description: string;
  constructor(private readonly commands: { on: string; off: string; timeout: number }, private readonly log: PowerLog) {
    this.description = `exec "${commands.on}" / "${commands.off}"`;
  }
  on(): Promise<void> {
    return this.run(this.commands.on);
  }
  off(): Promise<void> {
    return this.run(this.commands.off);
  }
  async release(): Promise<void> {}

  private run(command: string): Promise<void> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      exec(command, { timeout: this.commands.timeout }, (error, stdout, stderr) => {
        for (const line of `${stdout}${stderr}`.split('\n')) if (line.trim()) this.log(`${command}: ${line}`);
        // The power edge is stamped when the command returns: time it took bounds that stamp's error.
        this.log(`${command}: returned after ${Math.round(performance.now() - started)} ms wall time`);
        if (!error) return resolve();
        const why = error.killed ? `timed out after ${this.commands.timeout} ms` : `exited with code ${error.code}`;
        reject(new Error(`power command "${command}" ${why}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
      });
    });
  }
}

/** A relay on a GPIO line, optionally with a PWRKEY line pulsed to boot and shut down the module. */
class GpioPowerSwitch implements PowerSwitch {
  readonly description: string;
  constructor(
    private readonly relay: GpioLine,
    private readonly pwrkey: { line: GpioLine; pulseOn: number; pulseOff: number } | undefined,
    private readonly clock: Clock,
  ) {
    this.description = `gpio ${relay.description}${pwrkey ? `, PWRKEY ${pwrkey.line.description}` : ''}`;
  }
  async on(): Promise<void> {
    await this.relay.set(true);
    if (this.pwrkey) await this.pulse(this.pwrkey.pulseOn);
  }
  async off(): Promise<void> {
    if (this.pwrkey) await this.pulse(this.pwrkey.pulseOff);
    await this.relay.set(false);
  }
  async release(): Promise<void> {
    this.relay.release();
    this.pwrkey?.line.release();
  }
  private async pulse(rigMs: number): Promise<void> {
    await this.pwrkey!.line.set(true);
    await this.clock.sleep(rigMs);
    await this.pwrkey!.line.set(false);
  }
}

export async function createPowerSwitch(config: RigConfig, clock: Clock, module: VirtualModule | undefined, log: PowerLog): Promise<PowerSwitch> {
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
      const relay = await openGpioLine(power.line, power.activeLow);
      const pwrkey = power.pwrkey
        ? { line: await openGpioLine(power.pwrkey, power.pwrkey.activeLow), pulseOn: power.pwrkey.pulseOn, pulseOff: power.pwrkey.pulseOff }
        : undefined;
      return new GpioPowerSwitch(relay, pwrkey, clock);
    }
  }
}
