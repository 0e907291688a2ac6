// The virtual module: power, boot, network registration, PDP contexts, the AT port and the SIM.
// It is driven like a real one: power (and PWRKEY, where modelled) switched from outside, bytes in
// and out of its AT port.
import { EventEmitter } from 'node:events';
import type { PwrkeyTimings } from '../module/index.ts';
import type { SettingsPackage } from '../record/index.ts';
import { buildTerminalProfileApdu, DEFAULT_FORCE_CHECK_APDU, hexToBytes, TERMINAL_PROFILE_WITH_BIP, TERMINAL_PROFILE_WITHOUT_BIP } from '../stk/index.ts';
import type { Clock, Timer } from '../time/clock.ts';
import { OtaApplet, type AppletSettings } from './applet.ts';
import { AtInterpreter } from './at-commands.ts';
import { parseFaults, type FaultName } from './faults.ts';
import { OtaServer } from './ota-server.ts';
import { chooseDialect, DIALECTS, type Dialect, type DialectName } from './dialects.ts';
import { fillCid, simulatedProfile, type SimulatedModuleProfile } from './presentations.ts';
import { seededRandom, type Random } from './random.ts';
import { TerminalToolkit } from './toolkit.ts';
import { ToolkitReporter } from './toolkit-reporter.ts';
import { GroundTruth } from './truth.ts';
import { Uicc } from './uicc.ts';

export interface ModuleTiming {
  bootMs: number;
  simInitMs: number;
  registerMs: number;
  linkSetupMs: number;
  networkRttMs: number;
  /** A PWRKEY power-down: from the press reaching `pulseOff` until the module is off. */
  shutdownMs: number;
  /**
   * How long a proactive command handed to the host with the TE profile (AT+CUSATA=1) waits for
   * AT+CUSATT before the module fails it towards the card. TS 27.007 sets no limit; vendors' Remote-SAT
   * interfaces give up after minutes (Telit #STIA and Cinterion ^SSTA: 10 min). 30 s keeps a lost
   * boot check short; what follows is the same: the card's OPEN CHANNEL failed, no session.
   */
  teResponseMs: number;
}

export interface VirtualModuleOptions {
  clock: Clock;
  seed?: number;
  faults?: readonly string[];
  profile?: string;
  /** The evidence dialect (dialects.ts), one of those the profile offers; default the profile's first. */
  dialect?: string;
  imei?: string;
  iccid?: string;
  imsi?: string;
  /** APN of the module's stored data context (cid 1). */
  dataApn?: string;
  otaApn?: string;
  /** The AT+CSIM APDU (hex) the SIM profile documents as "check now". */
  forceCheckApdu?: string;
  /** An update staged on the OTA server for this SIM. */
  update?: { packages: SettingsPackage[]; blocks?: number; newImsi?: string };
  timing?: Partial<ModuleTiming>;
  applet?: Partial<Omit<AppletSettings, 'forceCheckEnvelope' | 'otaApn'>>;
  /**
   * Models the PWRKEY line with these timings: the supply (`power`) alone leaves the module off until
   * PWRKEY is held for `pulseOn`; a hold of `pulseOff` while it runs shuts it down.
   */
  pwrkey?: PwrkeyTimings;
}

// PDP activation and a TLS round trip to the OTA server take a second or two on a cellular link.
const DEFAULT_TIMING: ModuleTiming = { bootMs: 3_000, simInitMs: 500, registerMs: 4_000, linkSetupMs: 1_500, networkRttMs: 1_200, shutdownMs: 2_000, teResponseMs: 30_000 };
/** Telit #STIA: <timeout> in minutes, default 10. */
const STIA_DEFAULT_TIMEOUT_MIN = 10;
const SLOW_BOOT_MS = 45_000;
const DAY_MS = 24 * 3600 * 1000;
const NOISE_INTERVAL_MS: [number, number] = [1_000, 5_000];

export interface PdpContext {
  cid: number;
  type: string;
  apn: string;
  active: boolean;
  /** Brought up by the module itself for a BIP channel; gone when it closes. */
  dynamic: boolean;
}

/** What the host has set since boot (or ATZ). */
export interface ModuleSettings {
  echo: boolean;
  cmee: number;
  cereg: number;
  cgerep: number;
  cgerepBfr: number;
  /** TS 27.007 +CUSATA mode: above 0 the TE profile is active. */
  cusata: number;
  /** nRF91 %USATEV=1: BIP events. */
  usatEvents: boolean;
  /** Cinterion AT^SCFG="SAT/URC": ^SSTK lines. */
  satUrc: boolean;
  /** Telit AT#STIA <mode> and <timeout> (minutes). */
  stiaMode: number;
  stiaTimeoutMin: number;
}

export type Phase = 'off' | 'booting' | 'ready' | 'shutting-down';
/** 27.007 +CEREG <stat>: 0 not registered, 1 home, 2 searching, 5 roaming. */
export type RegistrationStatus = 0 | 1 | 2 | 5;

export class VirtualModule extends EventEmitter<{ data: [Buffer]; power: [boolean] }> {
  readonly clock: Clock;
  readonly truth: GroundTruth;
  readonly server: OtaServer;
  readonly uicc: Uicc;
  readonly faults: ReadonlySet<FaultName>;
  readonly profile: SimulatedModuleProfile;
  readonly imei: string;
  readonly timing: ModuleTiming;
  readonly contexts = new Map<number, PdpContext>();
  readonly pwrkeyTimings: PwrkeyTimings | undefined;

  phase: Phase = 'off';
  simReady = false;
  registration: RegistrationStatus = 0;
  functionality = 1;
  settings!: ModuleSettings;
  readonly dialectName: DialectName;
  readonly dialect: Dialect;

  private readonly random: Random;
  private readonly applet: OtaApplet;
  private readonly toolkit: TerminalToolkit;
  private readonly at: AtInterpreter;
  private readonly timers = new Set<Timer>();
  /** What reset() goes back to: the SIM's IMSI, the data APN and the update staged when the module was created. */
  private readonly start: { imsi: string; dataApn: string; update: VirtualModuleOptions['update'] };
  private supplied = false;
  private keyPressed = false;
  /** Fires when the current PWRKEY press has been held long enough to act. */
  private keyHold: Timer | undefined;

  constructor(options: VirtualModuleOptions) {
    super();
    this.clock = options.clock;
    this.faults = parseFaults(options.faults ?? []);
    this.profile = simulatedProfile(options.profile ?? 'generic-27007');
    this.dialectName = chooseDialect(this.profile.id, this.profile.dialects, options.dialect);
    this.dialect = DIALECTS[this.dialectName];
    this.random = seededRandom(options.seed ?? Date.now());
    this.truth = new GroundTruth(this.clock);
    this.server = new OtaServer(this.clock);
    this.imei = options.imei ?? '356938035643809';
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.pwrkeyTimings = options.pwrkey;
    const forceCheckApdu = hexToBytes(options.forceCheckApdu ?? DEFAULT_FORCE_CHECK_APDU);
    this.applet = new OtaApplet(
      {
        otaApn: options.otaApn ?? 'ota.super',
        serverAddress: '10.64.0.1',
        serverPort: 4444,
        // OPEN CHANNEL comes 60–115 s after power-up; with PDP activation the channel is open by 120 s.
        firstCheckMinMs: 60_000,
        firstCheckMaxMs: 115_000,
        recheckMs: 7 * DAY_MS,
        forcedCheckDelayMs: 2_000,
        followOnGapMs: 1_500,
        ...options.applet,
        // The applet sees the ENVELOPE's data: the APDU without its 5-byte header.
        forceCheckEnvelope: Buffer.from(forceCheckApdu.subarray(5)).toString('hex'),
      },
      this.clock,
      this.random,
      this.truth,
      this.faults,
    );
    this.uicc = new Uicc(options.iccid ?? '89883070000012345674', options.imsi ?? '732123200001234', this.applet);
    this.applet.attach(this.uicc);
    const reporter = new ToolkitReporter(this);
    this.toolkit = new TerminalToolkit({
      clock: this.clock,
      uicc: this.uicc,
      server: this.server,
      truth: this.truth,
      bipSupported: !this.faults.has('no-bip'),
      serverReachable: !this.faults.has('server-unreachable'),
      linkSetupMs: this.timing.linkSetupMs,
      networkRttMs: this.timing.networkRttMs,
      hasService: () => this.hasService(),
      activateContext: (apn) => this.activateBipContext(apn),
      deactivateContext: (cid) => this.deactivateContext(cid),
      proactiveCommand: (command, decoded) => reporter.proactiveCommand(command, decoded),
      hostSilent: (command, wait) => reporter.hostSilent(command, wait),
      terminalResponseSent: (response) => reporter.terminalResponseSent(response),
      eventSent: (envelope) => reporter.eventSent(envelope),
      proactiveSessionEnded: () => reporter.proactiveSessionEnded(),
      channelChanged: (state) => reporter.channelChanged(state),
      refreshSim: () => this.refreshSim(),
    });
    this.uicc.onProactivePending = () => this.later(0, () => this.toolkit.poll());
    this.at = new AtInterpreter(this, this.toolkit);
    this.resetSettings();
    this.start = { imsi: this.uicc.imsi, dataApn: options.dataApn ?? 'super', update: options.update };
    this.contexts.set(1, { cid: 1, type: 'IP', apn: this.start.dataApn, active: false, dynamic: false });
    if (options.update) this.server.stage(this.uicc.iccid, options.update);
  }

  /**
   * Back to how the module was created, for a simulator that outlives runs: the SIM's IMSI, the data
   * APN, the OTA server's updates (only the one staged at the start, undelivered), no applet check due.
   * The supply stays as it was: a powered module is switched off and starts again from power-on.
   */
  reset(): void {
    const supplied = this.supplied;
    this.power(false);
    this.applet.reset();
    this.uicc.writeImsi(this.start.imsi);
    this.contexts.get(1)!.apn = this.start.dataApn;
    this.server.clear();
    if (this.start.update) this.server.stage(this.uicc.iccid, this.start.update);
    this.truth.record('reset', { imsi: this.start.imsi });
    this.power(supplied);
  }

  get powered(): boolean {
    return this.phase !== 'off';
  }

  /** The supply. Losing it switches the module off at once; gaining it starts it unless PWRKEY is modelled. */
  power(on: boolean): void {
    if (on === this.supplied) return;
    this.supplied = on;
    if (this.pwrkeyTimings) this.truth.record(on ? 'supply-on' : 'supply-off');
    if (on && !this.pwrkeyTimings) this.switchOn();
    if (!on && this.powered) this.switchOff();
    // A hold counts only while the module has supply: a key held (or tied) active starts it once power comes.
    this.holdKey();
  }

  /**
   * The PWRKEY input, with the `pwrkey` option. As in the vendors' timing diagrams, the module starts
   * booting (or shutting down) the moment the hold reaches `pulseOn` (`pulseOff`); shorter presses do nothing.
   */
  pwrkey(pressed: boolean): void {
    const timings = this.pwrkeyTimings;
    if (!timings) throw new Error('this virtual module has no PWRKEY line: create it with the pwrkey option');
    if (pressed === this.keyPressed) return;
    this.keyPressed = pressed;
    this.truth.record(pressed ? 'pwrkey-pressed' : 'pwrkey-released');
    this.holdKey();
  }

  /** (Re)starts timing the PWRKEY hold from now, while the key is pressed and the module has supply. */
  private holdKey(): void {
    this.keyHold?.cancel();
    this.keyHold = undefined;
    const timings = this.pwrkeyTimings;
    if (!timings || !this.keyPressed || !this.supplied) return;
    const starting = this.phase === 'off';
    this.keyHold = this.clock.setTimer(() => {
      this.keyHold = undefined;
      if (starting) this.switchOn();
      else if (this.phase === 'booting' || this.phase === 'ready') this.shutDown();
    }, starting ? timings.pulseOn : timings.pulseOff);
  }

  /** Bytes from the host on the AT port. Ignored unless the module has booted. */
  write(bytes: Uint8Array): void {
    if (this.phase !== 'ready') return;
    this.at.input(bytes);
  }

  /** Bytes from the module to the host. */
  send(text: string | Uint8Array): void {
    if (this.phase === 'off') return;
    this.emit('data', typeof text === 'string' ? Buffer.from(text, 'latin1') : Buffer.from(text));
  }

  /** An unsolicited result code. */
  urc(line: string): void {
    if (this.phase === 'ready') this.send(`\r\n${line}\r\n`);
  }

  /** Runs `action` after `rigMs`, unless power is lost first. */
  later(rigMs: number, action: () => void): void {
    const timer = this.clock.setTimer(() => {
      this.timers.delete(timer);
      action();
    }, rigMs);
    this.timers.add(timer);
  }

  /** The settings a boot (or ATZ) starts from. */
  resetSettings(): void {
    this.settings = {
      echo: this.profile.echoAtBoot,
      cmee: 0,
      cereg: 0,
      cgerep: 0,
      cgerepBfr: 0,
      cusata: 0,
      usatEvents: false,
      satUrc: false,
      stiaMode: 0,
      stiaTimeoutMin: STIA_DEFAULT_TIMEOUT_MIN,
    };
  }

  /** +CEREG's `<stat>`, with `<tac>,<ci>,<AcT>` while registered when +CEREG=2 asks for location. */
  registrationInfo(): string {
    return this.settings.cereg === 2 && this.hasService() ? `${this.registration},"1A2B","01A2B3C4",7` : String(this.registration);
  }

  hasService(): boolean {
    return this.registration === 1 || this.registration === 5;
  }

  setRegistration(status: RegistrationStatus): void {
    if (status === this.registration) return;
    this.registration = status;
    if (this.settings.cereg > 0) this.urc(`+CEREG: ${this.registrationInfo()}`);
  }

  /** +CFUN: 1 full functionality, 0 or 4 radio off (contexts drop, registration lost). */
  setFunctionality(level: number): void {
    this.functionality = level;
    if (level === 1) {
      if (this.simReady && !this.hasService()) this.registerLater();
      return;
    }
    for (const context of this.contexts.values()) if (context.active) this.deactivateContext(context.cid);
    this.setRegistration(0);
  }

  /**
   * The module restarts (AT+CFUN=1,1): the SIM loses power like on a power cycle, and whatever
   * follows the module's power (a USB port) goes and comes back.
   */
  restart(): void {
    this.truth.record('module-restart');
    this.switchOff();
    this.switchOn();
  }

  activateContext(cid: number): void {
    const context = this.contexts.get(cid);
    if (!context || context.active) return;
    context.active = true;
    if (this.reportsPdnEvents(context)) this.urc(fillCid(this.profile.pdnActivated, cid));
  }

  deactivateContext(cid: number): void {
    const context = this.contexts.get(cid);
    if (!context || !context.active) return;
    context.active = false;
    if (context.dynamic) this.contexts.delete(cid);
    if (this.reportsPdnEvents(context)) this.urc(fillCid(this.profile.pdnDeactivated, cid));
    this.toolkit.contextLost(cid);
  }

  /** +CGEV while +CGEREP asks for it; the BIP context of a `no-pdn-events` module is internal and raises none. */
  private reportsPdnEvents(context: PdpContext): boolean {
    return this.settings.cgerep > 0 && (this.dialect.pdnEvents || !context.dynamic);
  }

  private activateBipContext(apn: string): number {
    let cid = 1;
    while (this.contexts.has(cid)) cid++;
    this.contexts.set(cid, { cid, type: 'IP', apn, active: false, dynamic: true });
    this.activateContext(cid);
    return cid;
  }

  private switchOn(): void {
    this.powerOn();
    this.emit('power', true);
  }

  private switchOff(): void {
    this.powerOff();
    this.emit('power', false);
  }

  /** A PWRKEY power-down: the module deactivates its contexts and detaches, then switches itself off. */
  private shutDown(): void {
    this.truth.record('shutdown');
    for (const context of this.contexts.values()) if (context.active) this.deactivateContext(context.cid);
    this.setRegistration(0);
    this.phase = 'shutting-down';
    this.halt();
    this.later(this.timing.shutdownMs, () => this.switchOff());
  }

  private powerOn(): void {
    this.phase = 'booting';
    this.truth.powered(true);
    this.applet.powerOn();
    this.later(this.faults.has('slow-boot') ? SLOW_BOOT_MS : this.timing.bootMs, () => this.booted());
    if (this.faults.has('line-noise')) this.scheduleNoise();
  }

  private powerOff(): void {
    this.halt();
    for (const [cid, context] of this.contexts) {
      if (context.dynamic) this.contexts.delete(cid);
      else context.active = false;
    }
    this.phase = 'off';
    this.simReady = false;
    this.registration = 0;
    this.functionality = 1;
    this.truth.powered(false);
  }

  /** Stops what runs by itself: timers, the toolkit, the SIM (and with it the applet's timer), AT input. */
  private halt(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.toolkit.reset();
    this.uicc.powerOff();
    this.at.reset();
  }

  private booted(): void {
    this.phase = 'ready';
    this.resetSettings();
    for (const line of this.profile.readyUrcs) this.urc(line);
    this.truth.ready();
    this.later(this.timing.simInitMs, () => this.initialiseSim());
  }

  /** The TERMINAL PROFILE (hex) this module gives the SIM: what it can do for the card's toolkit. */
  get terminalProfile(): string {
    return this.faults.has('no-bip') ? TERMINAL_PROFILE_WITHOUT_BIP : TERMINAL_PROFILE_WITH_BIP;
  }

  private initialiseSim(): void {
    const status = this.uicc.transmit(buildTerminalProfileApdu(this.terminalProfile));
    this.simReady = true;
    for (const line of this.profile.simReadyUrcs) this.urc(line);
    if (status.at(-2) === 0x91) this.toolkit.poll();
    this.registerLater();
  }

  private registerLater(): void {
    this.setRegistration(2);
    this.later(this.timing.registerMs, () => {
      if (this.functionality === 1 && this.simReady) this.setRegistration(5);
    });
  }

  /** REFRESH from the card: the module re-reads the SIM (a new IMSI) and registers again. */
  private refreshSim(): void {
    this.truth.record('sim-refresh', { imsi: this.uicc.imsi });
    if (this.faults.has('derives-apn-from-imsi')) this.deriveDataApn();
    this.setRegistration(0);
    this.later(this.timing.simInitMs, () => {
      for (const line of this.profile.simReadyUrcs) this.urc(line);
      this.registerLater();
    });
  }

  /** The misbehaviour of automatic APN selection: the data APN follows the IMSI's MCC and MNC. */
  private deriveDataApn(): void {
    const context = this.contexts.get(1);
    if (!context) return;
    const imsi = this.uicc.imsi;
    // North American MCCs (3xx) use three-digit MNCs, most others two.
    const mncDigits = imsi.startsWith('3') ? 3 : 2;
    context.apn = `mnc${imsi.slice(3, 3 + mncDigits).padStart(3, '0')}.mcc${imsi.slice(0, 3)}.gprs`;
    this.truth.record('data-apn-derived', { apn: context.apn });
  }

  private scheduleNoise(): void {
    this.later(this.random.between(...NOISE_INTERVAL_MS), () => {
      const length = 3 + Math.floor(this.random.next() * 10);
      const noise = Array.from({ length }, () => {
        const byte = Math.floor(this.random.next() * 256);
        // Keep line ends out of the noise itself so it lands between lines, as bursts on a UART do.
        return byte === 0x0d || byte === 0x0a ? 0x00 : byte;
      });
      this.send(Uint8Array.from([...noise, 0x0d, 0x0a]));
      this.scheduleNoise();
    });
  }
}
