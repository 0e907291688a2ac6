// The SIM's OTA applet: checks the vendor's OTA server over a BIP channel on APN ota.super.
// A check comes a minute or two after power-up, then about weekly while powered; the forced-check
// envelope brings it forward. An update staged in N blocks takes N back-to-back sessions.
import {
  bytesToHex, closeChannel, CommandType, decodeStk, encodeProactive, Event, openChannel, receiveData, ResultCode, sendData, setUpEventList,
} from '../stk/index.ts';
import type { Clock, Timer } from '../time/clock.ts';
import type { FaultName } from './faults.ts';
import type { UpdateRequest, UpdateResponse } from './ota-server.ts';
import type { Random } from './random.ts';
import type { CheckTrigger, GroundTruth, TruthSession } from './truth.ts';
import type { ToolkitApplet, Uicc } from './uicc.ts';

export interface AppletSettings {
  otaApn: string;
  /** OTA server address and port as the applet's OPEN CHANNEL names them. */
  serverAddress: string;
  serverPort: number;
  /** First check after power-up, drawn uniformly from this range (rig ms). */
  firstCheckMinMs: number;
  firstCheckMaxMs: number;
  recheckMs: number;
  forcedCheckDelayMs: number;
  followOnGapMs: number;
  /** The ENVELOPE data (hex) the applet treats as "check now". */
  forceCheckEnvelope: string;
}

const EARLY_CHECK_MS = 10_000;
/** Largest RECEIVE DATA the applet asks for: a terminal response must fit one APDU. */
const RECEIVE_CHUNK = 200;
const RESULT_SUCCESS = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07];
const REFRESH_NAA_INIT_FULL_FILE_CHANGE = 0x00;

interface Session {
  truth: TruthSession;
  trigger: CheckTrigger;
  block: number;
  channelId: number;
  received: Uint8Array[];
}

export class OtaApplet implements ToolkitApplet {
  private uicc!: Uicc;
  private timer: Timer | undefined;
  private deadline: number | undefined;
  private deadlineTrigger: CheckTrigger = 'boot';
  private started = false;
  private session: Session | undefined;
  /** Types of the proactive commands issued and not yet answered, oldest first. */
  private readonly awaiting: number[] = [];
  private commandNumber = 0;

  constructor(
    private readonly settings: AppletSettings,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly truth: GroundTruth,
    private readonly faults: ReadonlySet<FaultName>,
  ) {}

  attach(uicc: Uicc): void {
    this.uicc = uicc;
  }

  /** The card got power: the check timer starts (or, with a fault, resumes). */
  powerOn(): void {
    if (this.faults.has('never-checks')) return;
    if (this.faults.has('timer-survives-power-cycle') && this.deadline !== undefined) {
      this.arm(this.deadlineTrigger, Math.max(0, this.deadline - this.clock.now()));
      return;
    }
    const delay = this.faults.has('early-check')
      ? EARLY_CHECK_MS
      : this.random.between(this.settings.firstCheckMinMs, this.settings.firstCheckMaxMs);
    this.arm('boot', delay);
  }

  start(_terminalProfile: Uint8Array): void {
    this.started = true;
    this.issue(setUpEventList({ number: this.nextNumber(), events: [Event.DATA_AVAILABLE, Event.CHANNEL_STATUS] }), CommandType.SET_UP_EVENT_LIST);
    if (this.deadline !== undefined && this.deadline <= this.clock.now() && !this.timer) this.beginCheck(this.deadlineTrigger);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (!this.faults.has('timer-survives-power-cycle')) this.deadline = undefined;
    // With the fault, a check the power cut short is still due: the surviving timer fires again at boot.
    else if (this.session && this.deadline === undefined) {
      this.deadline = this.clock.now();
      this.deadlineTrigger = this.session.trigger;
    }
    if (this.session) this.truth.sessionEnded(this.session.truth, 'interrupted');
    this.session = undefined;
    this.awaiting.length = 0;
    this.started = false;
  }

  /** Back to the applet as installed: no check due (even with a timer that survives power cycles), numbering from the start. */
  reset(): void {
    this.stop();
    this.deadline = undefined;
    this.commandNumber = 0;
  }

  envelope(data: Uint8Array): void {
    if (bytesToHex(data) === this.settings.forceCheckEnvelope.toUpperCase()) {
      this.truth.record('force-check-envelope');
      const ignored = this.faults.has('never-checks') || this.faults.has('trigger-ignored');
      if (!ignored && !this.session) this.arm('forced', this.settings.forcedCheckDelayMs);
      return;
    }
    const event = decodeStk(data);
    if (event.kind !== 'envelope' || !this.session) return;
    const codes = (event.eventList ?? []).map((e) => e.code);
    if (codes.includes(Event.DATA_AVAILABLE) && !this.awaiting.includes(CommandType.RECEIVE_DATA)) {
      this.requestData(event.channelDataLength ?? RECEIVE_CHUNK);
    } else if (codes.includes(Event.CHANNEL_STATUS) && event.channelStatus && !event.channelStatus.linkUp) {
      this.finishSession('interrupted');
    }
  }

  terminalResponse(data: Uint8Array): void {
    const response = decodeStk(data);
    if (response.kind !== 'terminal-response' || response.type !== this.awaiting[0]) return;
    this.awaiting.shift();
    const ok = RESULT_SUCCESS.includes(response.result.general);
    const session = this.session;
    switch (response.type) {
      case CommandType.OPEN_CHANNEL:
        if (!session) return;
        if (!ok) {
          const unreachable = response.result.general === ResultCode.BIP_ERROR && response.result.additional?.startsWith('07') === true;
          this.truth.record('open-channel-failed', { result: response.result });
          this.finishSession(unreachable ? 'unreachable' : 'refused');
          return;
        }
        session.channelId = response.channelStatus?.channelId ?? 1;
        this.sendRequest(session);
        return;
      case CommandType.SEND_DATA:
        if (session && !ok) this.close(session);
        return;
      case CommandType.RECEIVE_DATA:
        if (!session) return;
        if (response.channelData) session.received.push(Buffer.from(response.channelData, 'hex'));
        if (ok && (response.channelDataLength ?? 0) > 0) this.requestData(response.channelDataLength!);
        else this.close(session);
        return;
      case CommandType.CLOSE_CHANNEL:
        if (session) this.sessionClosed(session);
        return;
    }
  }

  private arm(trigger: CheckTrigger, delayMs: number): void {
    this.timer?.cancel();
    this.deadline = this.clock.now() + delayMs;
    this.deadlineTrigger = trigger;
    this.truth.checkScheduled(trigger, delayMs);
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      if (this.started) this.beginCheck(trigger);
    }, delayMs);
  }

  private beginCheck(trigger: CheckTrigger, block = 1): void {
    if (this.session) return;
    this.deadline = undefined;
    const truth = this.truth.sessionRequested(this.settings.otaApn, trigger, block);
    this.session = { truth, trigger, block, channelId: 1, received: [] };
    this.issue(
      openChannel({
        number: this.nextNumber(),
        apn: this.settings.otaApn,
        bufferSize: 1400,
        transport: { protocol: 'tcp', port: this.settings.serverPort },
        address: this.settings.serverAddress,
      }),
      CommandType.OPEN_CHANNEL,
    );
  }

  private sendRequest(session: Session): void {
    const request: UpdateRequest = { iccid: this.uicc.iccid, block: session.block };
    const data = Buffer.from(JSON.stringify(request), 'utf8');
    this.issue(sendData({ number: this.nextNumber(), channelId: session.channelId, data, immediate: true }), CommandType.SEND_DATA);
  }

  private requestData(available: number): void {
    const session = this.session!;
    const length = Math.min(available, RECEIVE_CHUNK);
    this.issue(receiveData({ number: this.nextNumber(), channelId: session.channelId, length }), CommandType.RECEIVE_DATA);
  }

  private close(session: Session): void {
    this.issue(closeChannel({ number: this.nextNumber(), channelId: session.channelId }), CommandType.CLOSE_CHANNEL);
  }

  private sessionClosed(session: Session): void {
    const response = parseResponse(session.received);
    this.finishSession(response ? 'completed' : 'interrupted', response);
  }

  private finishSession(outcome: 'completed' | 'refused' | 'unreachable' | 'interrupted', response?: UpdateResponse): void {
    const session = this.session!;
    this.session = undefined;
    this.truth.sessionEnded(session.truth, outcome);
    const block = response?.block ?? 0;
    const blocks = response?.blocks ?? 0;
    if (response?.sid && block < blocks) {
      if (this.faults.has('lost-follow-on')) {
        this.truth.record('follow-on-lost', { block: block + 1, blocks });
      } else {
        this.scheduleFollowOn(block + 1);
        return;
      }
    } else if (response?.sid && block === blocks) {
      this.install(response);
    }
    if (!this.faults.has('no-weekly-recheck')) this.arm('recheck', this.settings.recheckMs);
  }

  private scheduleFollowOn(block: number): void {
    this.timer?.cancel();
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      if (this.started) this.beginCheck('follow-on', block);
    }, this.settings.followOnGapMs);
  }

  private install(response: UpdateResponse): void {
    const imsiBefore = this.uicc.imsi;
    this.truth.record('update-installed', { sid: response.sid, packages: response.packages, imsiBefore, imsiAfter: response.newImsi ?? imsiBefore });
    if (response.newImsi && response.newImsi !== imsiBefore) {
      this.uicc.writeImsi(response.newImsi);
      this.issue(
        encodeProactive({ number: this.nextNumber(), type: CommandType.REFRESH, qualifier: REFRESH_NAA_INIT_FULL_FILE_CHANGE }),
        CommandType.REFRESH,
      );
    }
  }

  private issue(command: Uint8Array, type: number): void {
    this.awaiting.push(type);
    this.uicc.issue(command);
  }

  private nextNumber(): number {
    this.commandNumber = (this.commandNumber % 0xfe) + 1;
    return this.commandNumber;
  }
}

function parseResponse(chunks: Uint8Array[]): UpdateResponse | undefined {
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as UpdateResponse;
  } catch {
    return undefined;
  }
}
