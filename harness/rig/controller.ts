// The rig controller: power, the AT port, readiness and the module's OTA evidence, on one clock.
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { BindingInterface } from '@serialport/bindings-cpp';
import { AtEngine, AtTimeoutError } from '../at/index.ts';
import { ContextPoller } from '../ota/context-poller.ts';
import { AtContextReader, iccidDigits, identityValue, MODULE_PROFILES, moduleProfile, parseSimStatus, RegistrationReader, type ActiveToolkit, type EvidenceLevel, type ModuleProfile } from '../module/index.ts';
import { OtaObserver } from '../ota/observer.ts';
import type { BlindWindow, ModuleIdentity, PortOutage } from '../record/index.ts';
import { BenchError, onBench } from '../output/errors.ts';
import { controlRequest, VirtualBinding, VirtualModule, type SettingsUpdate } from '../sim/index.ts';
import { csimCommand, parseCsimResponse } from '../stk/index.ts';
import { ScaledClock, type Clock } from '../time/clock.ts';
import { formatRigTime } from '../time/format.ts';
import { observableWait } from '../time/observable-wait.ts';
import { BlindWindows } from './blind-window.ts';
import { lockBench, type BenchLock } from './lock.ts';
import { createPowerSwitch, type PowerSwitch } from './power.ts';
import type { Rig as RigConfig } from './rig-file.ts';
import { isUnstableName, stableAlias } from './serial-path.ts';
import { portLatency, type PortLatency } from './port-latency.ts';
import { SerialLink } from './serial.ts';
import { answerToolkit } from './host-toolkit.ts';
import { SuperSimClient } from '../vendor/client.ts';
import type { VendorApiConfig } from '../vendor/config.ts';
import { DeclaredUpdates, ServerUpdates, UnknownUpdates, VendorUpdates, type UpdateDeclaration, type UpdatePlan, type UpdateSource } from './update-source.ts';

export interface RigOverrides {
  timeScale?: number;
  /** Faults for the built-in simulator, in addition to the rig file's. */
  faults?: string[];
  seed?: number;
  /** The operator's word on a pending update, over the rig file's `updatePending`. */
  updatePending?: UpdateDeclaration;
  /** The SIM vendor's API, where one is configured (results/vendor-settings.ts reads it). */
  vendorApi?: VendorApiConfig;
}

export interface RigEvents {
  power: [on: boolean, rig: number];
  ready: [rig: number];
  note: [text: string, rig: number];
}

const VIRTUAL_PATH = 'virtual';
/** Rig ms between polls of the context list, where a rig asks for polling without saying how often. */
const DEFAULT_POLL_MS = 5_000;
/** Polls get at least this much wall time between them, so a fast rig clock does not flood the port. */
const POLL_WALL_MS = 25;
/** Timeout of each `AT` probe while waiting for a module to be ready, in rig ms. */
const PROBE_MS = 500;
/** Probes get at least this much wall time, so a fast rig clock does not starve a slow port. */
const PROBE_WALL_MS = 5;
/**
 * Wall ms an event may wait in the event loop before the harness stamps it (the port adds its own, see
 * portLatency): on a shared two-core host under load, stamps of the virtual rig have come up to 1.8 ms late.
 */
const EVENT_LATENCY_WALL_MS = 2;
/** Rig ms between registration polls. */
const REGISTRATION_POLL_MS = 1_000;
/** A command's default timeout in rig ms, and the wall time it never goes below on a fast rig clock. */
const AT_TIMEOUT_MS = 5_000;
const AT_TIMEOUT_WALL_MS = 250;
/** Quiet time that ends the recovery after a timeout. */
const AT_QUIET_MS = 500;
/**
 * How long a missing port is retried after power-on when the module's AT port is a UART: it does not
 * come and go with the module's power, so one that is not there will not appear.
 */
const UART_PORT_GRACE_MS = 1_000;
const UART_PORT_GRACE_WALL_MS = 20;

export class RigController extends EventEmitter<RigEvents> {
  readonly observer: OtaObserver;
  readonly profile: ModuleProfile;
  /** The host-side toolkit mode the rig opted into; undefined when the harness only watches. */
  readonly activeToolkit: ActiveToolkit | undefined;
  /** What the module shows of an OTA session as this rig sets it up. */
  readonly evidenceLevel: EvidenceLevel;
  /** Where the harness learns whether an update is pending, and stages one where it can. */
  updates!: UpdateSource;
  /** The ICCID the module reported, digits only; undefined until identity() has read it. */
  iccid: string | undefined;
  private readonly poller: ContextPoller;
  private readonly registration: RegistrationReader;
  /** Polls the context list: the rig asked for it, or the module refused the PDN events. */
  private polling: boolean;
  /** Named points in rig time: power-on (and previous-power-on, the one before it), port-open, first-byte, power-off, ready, force-check, and suite marks. */
  readonly marks = new Map<string, number>();
  /** How far, at most, a mark may be from the moment it stands for (rig ms); absent means exact. */
  readonly markUncertainty = new Map<string, number>();

  /** How long the module's bytes may wait before the process reads them (a relay, an adapter's latency timer). */
  readonly portLatency: PortLatency;

  /**
   * Rig ms within which the harness can time an event at all: a couple of wall-clock milliseconds of
   * event-loop latency and the port's, stretched by the time scale. A bench at scale 1 with no port
   * latency resolves to 2 ms; behind an FTDI adapter at its default timer, to 18 ms.
   */
  get timingResolution(): number {
    return this.clock.scale * (EVENT_LATENCY_WALL_MS + this.portLatency.wallMs);
  }

  /** The timing resolution and what it is made of, as the run log and `hil doctor` say it. */
  get timingResolutionText(): string {
    const { wallMs, source } = this.portLatency;
    return `${this.timingResolution} rig ms, from ${EVENT_LATENCY_WALL_MS} ms of event loop and ${wallMs} ms of port latency in wall time (${source})`;
  }
  private readyMarkerAt: number | undefined;

  readonly at: AtEngine;
  private readonly link: SerialLink;
  private power!: PowerSwitch;
  private lock: BenchLock | undefined;
  private readonly windows = new BlindWindows();
  /** Switched on by powerOn(), with its port open, and not switched off since. */
  private switchedOn = false;
  /** Times the port vanished while in use. */
  readonly portOutages: PortOutage[] = [];
  /** Whether the AT port goes away with the module's power (USB) rather than staying (a UART). */
  readonly reenumerates: boolean;

  private constructor(
    readonly config: RigConfig,
    readonly clock: Clock,
    binding: BindingInterface,
    /** The built-in simulator, on a virtual rig: its ground truth is readable. */
    readonly simulator: VirtualModule | undefined,
  ) {
    super();
    this.profile = moduleProfile(config.module);
    this.activeToolkit = config.toolkit === 'active' ? activeMode(this.profile) : undefined;
    this.evidenceLevel = this.activeToolkit?.level ?? this.profile.evidenceLevel;
    this.at = new AtEngine({
      write: (bytes, stillWanted) => this.link.write(bytes, stillWanted),
      clock,
      urcPrefixes: this.profile.urcPrefixes,
      defaultTimeoutMs: Math.max(AT_TIMEOUT_MS, AT_TIMEOUT_WALL_MS * clock.scale),
      recoveryQuietMs: Math.max(AT_QUIET_MS, PROBE_WALL_MS * clock.scale),
    });
    this.reenumerates = config.serial.reenumerates ?? this.profile.reenumeratesOnUsb;
    // The built-in simulator hands its bytes over in this process: nothing lies between.
    this.portLatency = simulator ? { wallMs: 0, source: 'the built-in simulator, in this process' } : portLatency(config.serial.path, config.serial.latency);
    this.link = new SerialLink(config.serial.path, config.serial.baudRate, binding, clock, config.settle.bootTimeout, {
      data: (bytes) => this.received(bytes),
      log: (text) => this.note(text),
      vanished: (error) => this.portVanished(error),
      returned: () => this.portReturned(),
      lost: (error) => {
        // The next power-on must switch and open the port again, not take the module for running.
        this.switchedOn = false;
        this.note(`${error.message}; every command from now on fails until the next power-on`);
      },
    });
    const contexts = new AtContextReader(this.at);
    this.registration = new RegistrationReader(this.at);
    this.observer = new OtaObserver(this.at, [...this.profile.evidence, ...(this.activeToolkit?.evidence ?? [])], contexts);
    const pollMs = config.pollContexts ?? DEFAULT_POLL_MS;
    this.polling = config.pollContexts !== undefined;
    this.poller = new ContextPoller(contexts, this.observer, clock, Math.max(pollMs, POLL_WALL_MS * clock.scale), config.sim.dataApn);
    if (this.activeToolkit) answerToolkit(this.at, this.activeToolkit, (text) => this.note(text));
    this.at.onUrc((urc) => {
      if (this.profile.readyMarkers.some((marker) => urc.line.startsWith(marker))) this.readyMarkerAt = urc.rig;
    });
  }

  static async open(config: RigConfig, overrides: RigOverrides = {}): Promise<RigController> {
    const clock = new ScaledClock(overrides.timeScale ?? config.timeScale);
    let simulator: VirtualModule | undefined;
    let binding: BindingInterface = SerialPort.binding;
    if (config.serial.path === VIRTUAL_PATH) {
      const seed = overrides.seed ?? config.virtual?.seed;
      simulator = new VirtualModule({
        clock,
        faults: [...(config.virtual?.faults ?? []), ...(overrides.faults ?? [])],
        ...(seed !== undefined ? { seed } : {}),
        profile: moduleProfile(config.module).id, // every module profile has a simulated module
        ...(config.virtual?.dialect ? { dialect: config.virtual.dialect } : {}),
        dataApn: config.sim.dataApn,
        otaApn: config.sim.otaApn,
        forceCheckApdu: config.sim.forceCheckApdu,
        ...(config.virtual?.update ? { update: config.virtual.update } : {}),
      });
      const virtualBinding = new VirtualBinding();
      virtualBinding.attach(VIRTUAL_PATH, simulator);
      binding = virtualBinding;
    }
    const controller = new RigController(config, clock, binding, simulator);
    const vendorApi = overrides.vendorApi;
    controller.updates = updateSource(config, overrides, simulator, () => controller.observer.sessions.length, vendorApi && (() => new VendorUpdates(new SuperSimClient(vendorApi), () => controller.iccid)));
    const found: string[] = [];
    if (!simulator) {
      controller.lock = lockBench(config.serial.path, { name: config.name, file: config.file }, (text) => found.push(text));
      found.push(`timing resolution ${controller.timingResolutionText}`);
      const stable = stableAlias(config.serial.path);
      if (stable || isUnstableName(config.serial.path)) {
        found.push(`serial.path ${config.serial.path} may change when the module re-enumerates; name it by its stable link${stable ? ` ${stable}` : ' in /dev/serial/by-id/'}`);
      }
    }
    try {
      controller.power = await createPowerSwitch(config, controller.profile, clock, simulator, (text) => controller.note(text));
    } catch (error) {
      controller.lock?.release();
      throw error;
    }
    // Said on the next turn of the event loop: the caller listens once open() has returned.
    setImmediate(() => found.forEach((text) => controller.note(text)));
    return controller;
  }

  /** Power-on to port usable to first byte, for every power-on so far. */
  get blindWindows(): readonly BlindWindow[] {
    return this.windows.all;
  }

  /** Whether the module is powered, where the power switch can tell. */
  powerStatus(): Promise<boolean | undefined> {
    return this.power.status();
  }

  get powerDescription(): string {
    return this.power.description;
  }

  note(text: string): void {
    this.emit('note', text, this.clock.now());
  }

  /**
   * Switches on, after the rest of the discharge time if the module was switched off just now. A
   * module switched on already stays as it is: its boot, and the power-on mark, are not repeated.
   */
  async powerOn(): Promise<void> {
    if (this.switchedOn) return;
    const offAt = this.marks.get('power-off');
    if (offAt !== undefined) await this.clock.sleep(offAt + this.config.settle.discharge - this.clock.now());
    if (this.released) throw new Error('the bench is in its safe state: no power-on after it');
    const commandStart = this.clock.now();
    await onBench(() => this.power.on());
    this.readyMarkerAt = undefined;
    const previous = this.marks.get('power-on');
    if (previous !== undefined) this.marks.set('previous-power-on', previous);
    this.windows.poweredOn(this.markSwitch('power-on', commandStart));
    this.emit('power', true, this.clock.now());
    await this.link.open(this.reenumerates ? this.config.settle.bootTimeout : Math.max(UART_PORT_GRACE_MS, UART_PORT_GRACE_WALL_MS * this.clock.scale)).catch((error: Error) => {
      // A USB port that does not come is the module not booting; a UART port is the bench's adapter.
      if (this.reenumerates) throw error;
      throw new BenchError(`${error.message}; ${this.uartAdvice()} (if this module's AT port is on USB, set serial.reenumerates: true in the rig file)`);
    });
    this.windows.portUsable(this.mark('port-open'));
    this.switchedOn = true;
  }

  async powerOff(): Promise<void> {
    this.switchedOn = false;
    await this.link.close();
    this.windows.poweredOff();
    this.poller.stop();
    const commandStart = this.clock.now();
    await onBench(() => this.power.off());
    this.markSwitch('power-off', commandStart);
    this.observer.powerLost();
    this.emit('power', false, this.clock.now());
  }

  /**
   * Marks a power edge. A switch driven by a command (exec, a simulator's control socket) switched
   * somewhere between the command's start and its return: the mark is the middle, ± half of it,
   * unless the rig says when in its run an exec command switches.
   */
  private markSwitch(name: string, commandStart: number): number {
    const returned = this.clock.now();
    const power = this.config.power;
    const edgeAt = power.type === 'exec' ? power.edgeAt : power.type === 'sim-control' ? 'within' : 'end';
    if (edgeAt === 'end') return this.mark(name);
    const at = edgeAt === 'start' ? commandStart : (commandStart + returned) / 2;
    this.marks.set(name, at);
    this.markUncertainty.set(name, edgeAt === 'start' ? 0 : (returned - commandStart) / 2);
    return at;
  }

  /** Off, the rig's discharge time, on. */
  async powerCycle(): Promise<void> {
    await this.powerOff();
    await this.powerOn();
  }

  /** Waits for the ready marker or `AT` answered with OK, turns on the profile's OTA evidence, then waits for the SIM (+CPIN: READY). */
  async waitReady(timeout = this.config.settle.bootTimeout): Promise<number> {
    const timeoutMs = observableWait(this.clock, timeout);
    const deadline = this.clock.now() + timeoutMs;
    await this.waitAnswering(this.marks.get('power-on') ?? 0, deadline, `${Math.round(timeoutMs / 1000)} s after power-on`);
    await this.enableEvidence();
    // A session the SIM began before the host could turn its events on (a check at boot) shows only
    // in the context list: one read after the setup finds it, dated to the middle of the time since power-on.
    await this.poller.pollOnce(this.marks.get('power-on') ?? 0);
    // Identity, AT+CSIM and the SIM's applet all need the SIM itself to be ready, not only the module.
    await this.pollUntil(() => this.simStatus(), deadline, this.probeMs, (last) =>
      `SIM not ready ${Math.round(timeoutMs / 1000)} s after power-on: AT+CPIN? answered ${last}`);
    const readyAt = this.mark('ready');
    if (this.polling) this.poller.start();
    this.emit('ready', readyAt);
    return readyAt;
  }

  private get probeMs(): number {
    return Math.max(PROBE_MS, PROBE_WALL_MS * this.clock.scale);
  }

  /**
   * Until a ready marker came after `since` or `AT` is answered with OK; past `deadline` it throws,
   * saying `when`. It gives up quietly once `wanted` says no.
   */
  private async waitAnswering(since: number, deadline: number, when: string, wanted = () => true): Promise<void> {
    while (wanted() && (this.readyMarkerAt === undefined || this.readyMarkerAt < since)) {
      if (this.clock.now() > deadline) {
        const markers = this.profile.readyMarkers.length > 0 ? `no ${this.profile.readyMarkers.join('/')} and ` : '';
        throw new Error(`module not ready ${when}: ${markers}no answer to AT`);
      }
      // Only a timed-out probe means "not yet"; a closed engine or a dead port ends the wait. A probe
      // stuck in the queue behind other commands times out by the deadline too.
      const answered = await this.at.send('AT', { timeoutMs: this.probeMs, deadlineMs: Math.max(1, deadline - this.clock.now()) }).then(
        (r) => r.ok,
        (error: unknown) => {
          if (error instanceof AtTimeoutError) return false;
          throw error;
        },
      );
      if (answered) return;
    }
  }

  /**
   * Sends the profile's setup commands, which turn on the URCs the OTA observer reads, then those of
   * the host-side toolkit where the rig opted in. A module that refuses PDN events is polled instead.
   */
  private async enableEvidence(): Promise<void> {
    for (const command of [...this.profile.setup, ...(this.activeToolkit?.setup ?? [])]) {
      const response = await this.at.send(command);
      if (response.ok) continue;
      if (command.startsWith('AT+CGEREP') && !this.polling) {
        this.polling = true;
        this.note(`${command} answered ${response.final}: no PDN events, so the context list is polled every ${formatRigTime(this.poller.intervalMs)}`);
      } else {
        this.note(`${command} answered ${response.final}: the evidence it enables will be missing`);
      }
    }
  }

  /** Rig ms by which a session's open or close may be misdated: half the polling interval where contexts are polled. */
  get sessionResolution(): number {
    return this.polling ? this.poller.intervalMs / 2 : 0;
  }

  /** Polls the packet-domain registration until the module is registered for data, at home or roaming. */
  async waitRegistered(timeout = this.config.settle.bootTimeout): Promise<number> {
    const timeoutMs = observableWait(this.clock, timeout);
    const pollMs = Math.max(REGISTRATION_POLL_MS, PROBE_WALL_MS * this.clock.scale);
    const read = async () => {
      const { registered, answers } = await this.registration.read();
      return { done: registered, last: answers.join('; ') };
    };
    await this.pollUntil(read, this.clock.now() + timeoutMs, pollMs, (last) =>
      `module not registered ${Math.round(timeoutMs / 1000)} s after asking: last answer ${last}`);
    return this.mark('registered');
  }

  /** `AT+CPIN?` once: whether the SIM is ready, and the answer. */
  private async simStatus(): Promise<{ done: boolean; last: string }> {
    const response = await this.at.send('AT+CPIN?');
    const status = parseSimStatus(response.lines);
    return { done: status === 'READY', last: response.lines.find((line) => line.startsWith('+CPIN')) ?? response.final };
  }

  /** Reads every `pollMs` until `read` says done; past `deadline` it throws, with the last answer. */
  private async pollUntil(read: () => Promise<{ done: boolean; last: string }>, deadline: number, pollMs: number, failure: (last: string) => string): Promise<void> {
    for (;;) {
      const { done, last } = await read();
      if (done) return;
      if (this.clock.now() + pollMs > deadline) throw new Error(failure(last));
      await this.clock.sleep(pollMs);
    }
  }

  async identity(): Promise<ModuleIdentity> {
    const read = async (command: string): Promise<string | undefined> => {
      const response = await this.at.send(command).catch(() => undefined);
      return response?.ok ? identityValue(response.lines) : undefined;
    };
    const identity = {
      manufacturer: await read('AT+CGMI'),
      model: await read('AT+CGMM'),
      firmware: await read('AT+CGMR'),
      imei: await read('AT+CGSN'),
      iccid: await read(this.profile.iccidCommand),
      imsi: await read('AT+CIMI'),
    };
    this.iccid = iccidDigits(identity.iccid) ?? this.iccid;
    return identity;
  }

  /** Sends the SIM profile's AT+CSIM trigger; returns the card's status word. */
  async forceCheck(): Promise<{ statusWord: string; final: string }> {
    const response = await this.at.send(csimCommand(this.config.sim.forceCheckApdu));
    // The card got the ENVELOPE after the command went out and before its answer came back: the
    // midpoint of that round trip is the best estimate of the trigger, as in a clock-sync exchange.
    this.marks.set('force-check', (response.startedAt + response.endedAt) / 2);
    this.markUncertainty.set('force-check', (response.endedAt - response.startedAt) / 2);
    if (!response.ok) throw new Error(`AT+CSIM trigger at ${(response.startedAt / 1000).toFixed(1)} s answered ${response.final}`);
    const csim = parseCsimResponse(response.lines.find((l) => l.startsWith('+CSIM:')) ?? '');
    return { statusWord: `${csim.sw1.toString(16).padStart(2, '0')}${csim.sw2.toString(16).padStart(2, '0')}`.toUpperCase(), final: response.final };
  }

  mark(name: string): number {
    const now = this.clock.now();
    this.marks.set(name, now);
    return now;
  }

  /** Set by safeState(): a test still running as the run ends switches nothing on again. */
  private released = false;

  /** Leaves the bench as the rig file says (power off unless told otherwise) and releases it. */
  async safeState(): Promise<void> {
    this.released = true;
    this.poller.stop();
    this.at.close();
    this.observer.stop();
    await this.link.close();
    try {
      if (this.config.safeState === 'off') await this.power.off();
      else if (this.config.safeState === 'on') await this.power.on();
      if (this.config.safeState !== 'leave') this.emit('power', this.config.safeState === 'on', this.clock.now());
      await this.power.release();
    } finally {
      this.lock?.release();
    }
  }

  /**
   * The port went away while powered: the module restarted itself (a USB port re-enumerates) or
   * the adapter dropped. Whatever the OTA evidence said was open cannot be followed any more.
   */
  private portVanished(error: Error): void {
    const at = this.mark('port-lost');
    this.portOutages.push({ lostAt: at, returnedAt: undefined });
    this.poller.stop();
    this.observer.powerLost();
    const why = this.reenumerates ? 'the module restarted or re-enumerated on USB' : this.uartAdvice();
    this.note(`serial port ${this.link.path} vanished at ${formatRigTime(at)} (${error.message}): ${why}; waiting up to ${Math.round(this.config.settle.bootTimeout / 1000)} s for it to return`);
  }

  private uartAdvice(): string {
    return `a ${this.profile.id} module's AT port is a UART that stays with or without power, so check the USB-serial adapter and its cable`;
  }

  /** A vanished port is back: a restarted module has forgotten its URC settings, so they are sent again. */
  private portReturned(): void {
    const at = this.mark('port-returned');
    const outage = this.portOutages.at(-1)!;
    outage.returnedAt = at;
    this.note(`serial port ${this.link.path} returned ${formatRigTime(at - outage.lostAt)} after it vanished; turning the module's OTA evidence on again`);
    const deadline = at + this.config.settle.bootTimeout;
    // A power-off (or the end of the run) meanwhile ends this: the next power-on does it all again.
    const stillOn = () => this.switchedOn && this.link.isOpen;
    this.waitAnswering(at, deadline, `${Math.round(this.config.settle.bootTimeout / 1000)} s after its port returned`, stillOn)
      .then(() => (stillOn() ? this.enableEvidence() : undefined))
      .then(() => {
        if (stillOn() && this.polling) this.poller.start();
      })
      .catch((restoreError: Error) => {
        if (stillOn()) this.note(`after the port returned: ${restoreError.message}; OTA evidence may be missing`);
      });
  }

  /** Bytes from the module: the first after a power-on closes that power-on's blind window. */
  private received(bytes: Buffer): void {
    const window = this.windows.byte(this.clock.now());
    if (window) {
      this.marks.set('first-byte', window.powerOnAt + window.firstByteMs!);
      this.note(`blind window: port usable ${formatRigTime(window.portUsableMs!)} and first byte ${formatRigTime(window.firstByteMs!)} after power-on`);
    }
    this.at.feed(bytes);
  }
}

function activeMode(profile: ModuleProfile): ActiveToolkit {
  if (profile.activeToolkit) return profile.activeToolkit;
  const known = Object.values(MODULE_PROFILES).filter((p) => p.activeToolkit).map((p) => p.id);
  throw new Error(`toolkit: active needs a host-side toolkit mode, and module profile "${profile.id}" documents none; profiles that do: ${known.join(', ')}`);
}

/**
 * The operator's declaration where there is one; else the built-in simulator's OTA server (its SIM
 * exists nowhere else); else the SIM vendor's API where it is configured (a `hil sim` bench may serve
 * it); else the OTA server behind a simulator's control socket; else nothing.
 */
function updateSource(
  config: RigConfig, overrides: RigOverrides, simulator: VirtualModule | undefined, sessionsSeen: () => number, vendor: (() => UpdateSource) | undefined,
): UpdateSource {
  const declared = overrides.updatePending ?? config.updatePending;
  if (declared !== undefined) return new DeclaredUpdates(declared, sessionsSeen);
  if (simulator) {
    return new ServerUpdates("the built-in simulator's OTA server", {
      stage: async (update: UpdatePlan) => void simulator.server.stage(simulator.uicc.iccid, update),
      lookup: async () => simulator.server.lookup(simulator.uicc.iccid),
    });
  }
  if (vendor) return vendor();
  const control = config.simulator?.control ?? (config.power.type === 'sim-control' ? config.power.socket : undefined);
  if (control) {
    return new ServerUpdates(`the OTA server of the simulator behind ${control}`, {
      stage: async (update: UpdatePlan) => void (await controlRequest(control, { op: 'stage', ...update })),
      lookup: async () => (await controlRequest(control, { op: 'updates' })) as SettingsUpdate[],
    });
  }
  return new UnknownUpdates();
}
