// `hil doctor`'s examination of a bench, with the module powered: does the port come up, with no
// other process on it, does the module answer, is the SIM a Super SIM and ready, can the module run
// the SIM's OTA session (BIP in its terminal profile, the evidence its profile turns on, the data
// APN). Each check says what to fix.
import { AtTimeoutError, type AtResponse } from '../at/index.ts';
import { iccidDigits, MODULE_PROFILES, parseContextApns, parseSimStatus } from '../module/index.ts';
import { terminalProfileBip } from '../stk/index.ts';
import { formatRigTime } from '../time/format.ts';
import { packagesText } from '../vendor/records.ts';
import type { RigController } from './controller.ts';
import { describeHolders, portHolders, type PortHolder } from './port-holders.ts';
import type { PortLatency } from './port-latency.ts';
import { VIRTUAL } from './rig-file.ts';
import { VendorUpdates } from './update-source.ts';

export type Verdict = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  name: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

/** Rig ms between AT+CPIN? polls while the SIM initialises. */
const SIM_POLL_MS = 1_000;

/** What the harness loses when the module refuses one of its profile's setup commands. */
const EVIDENCE: Record<string, string> = {
  '+CGEREP': '+CGEV PDN events, by which the harness sees OTA sessions open and close',
  '+CUSATA': '+CUSATP proactive commands of the host-side toolkit, which the harness then answers',
  '%USATEV': '%USATEV BIP events, by which the harness sees OTA sessions open and close',
  '+CEREG': 'registration reports',
  '+CMEE': 'numbered +CME ERROR codes',
};

const seconds = (ms: number | undefined) => (ms === undefined ? '?' : formatRigTime(ms));


/** Runs every check in order and hands each to `report`; stops where later checks cannot run. */
export async function examineBench(rig: RigController, report: (check: DoctorCheck) => void): Promise<void> {
  const send = (command: string) => rig.at.send(command).catch((error: unknown) => {
    if (error instanceof AtTimeoutError) return undefined;
    throw error;
  });
  const path = rig.config.serial.path;
  // The virtual rig's port is in this process; a real one may have a terminal program left on it.
  const holders = async () => (path === VIRTUAL ? [] : portHolders(path));

  try {
    await rig.powerOn();
  } catch (error) {
    const held = await holders();
    report({ name: 'power on, serial port opens', verdict: 'fail', detail: (error as Error).message, ...(held.length ? { fix: quitHolders(path, held) } : {}) });
    return;
  }
  const powered = await rig.powerStatus();
  report({
    name: 'power on',
    verdict: powered === false ? 'fail' : 'ok',
    detail: `${rig.powerDescription}${powered === undefined ? '' : `; the switch reports the module ${powered ? 'powered' : 'unpowered'}`}`,
  });
  report({ name: 'serial port opens', verdict: 'ok', detail: `${path}, usable ${seconds(rig.blindWindows.at(-1)?.portUsableMs)} after power-on` });
  report(timingResolutionCheck(rig.portLatency, rig.timingResolutionText));
  const held = await holders();
  if (path !== VIRTUAL) {
    const name = 'serial port held by no other process';
    report(held.length ? { name, verdict: 'fail', detail: describeHolders(path, held), fix: quitHolders(path, held) } : { name, verdict: 'ok', detail: `${path} is open in this process only` });
  }

  try {
    await rig.waitReady();
  } catch (error) {
    report({
      name: 'module answers AT',
      verdict: 'fail',
      detail: (error as Error).message,
      fix: held.length
        ? quitHolders(path, held)
        : `check that ${path} is the module's AT port (USB modules offer several) and that serial.baudRate matches the module's`,
    });
    return;
  }
  const identity = await rig.identity();
  const firstByte = rig.blindWindows.at(-1)?.firstByteMs;
  report({
    name: 'module answers AT',
    verdict: 'ok',
    detail: `${[identity.manufacturer, identity.model, identity.firmware].filter(Boolean).join(' ') || 'unnamed module'}; first byte ${seconds(firstByte)} after power-on`,
  });
  report(profileFit(rig, identity.manufacturer));
  for (const command of rig.profile.setup) report(setupCheck(command, await send(command), rig.profile.id));
  report(await simReady(rig, send));
  report(iccidCheck(identity.iccid, rig.profile.iccidCommand, rig.config.sim.iccidPrefixes));
  if (rig.updates instanceof VendorUpdates) report(await pendingUpdatesCheck(rig.updates));
  report(terminalProfileCheck(rig, await send(rig.profile.terminalProfile.command)));
  for (const check of rig.profile.checks) {
    const response = await send(check.command);
    const ok = response?.ok === true && response.lines.some((line) => new RegExp(check.expect).test(line));
    const answer = response ? [...response.lines, response.final].join(' | ') : 'no answer';
    report({ name: check.what, verdict: ok ? 'ok' : 'fail', detail: `${check.command}: ${answer}`, ...(ok ? {} : { fix: check.fix }) });
  }
  report(apnCheck(rig.config.sim.dataApn, await send('AT+CGDCONT?')));
  report(await registrationCheck(rig));
}

/** An FTDI adapter's latency timer above this holds reads back for nothing: 1 ms is its least (AN232B-04). */
const LEAST_LATENCY_TIMER_MS = 1;

/**
 * How finely the rig dates what the module says, which widens every session's ±, and, behind a USB
 * serial adapter whose latency timer holds short reads back (16 ms by default), how to lower it.
 */
export function timingResolutionCheck(latency: PortLatency, resolution: string): DoctorCheck {
  const name = 'timing resolution';
  if (latency.timer === undefined || latency.wallMs <= LEAST_LATENCY_TIMER_MS) return { name, verdict: 'ok', detail: resolution };
  return {
    name,
    verdict: 'warn',
    detail: `${resolution}: the adapter holds a short read back up to ${latency.wallMs} ms`,
    fix: `lower its latency timer to ${LEAST_LATENCY_TIMER_MS} ms: as root, echo ${LEAST_LATENCY_TIMER_MS} > ${latency.timer}; a udev rule (SUBSYSTEM=="usb-serial", DRIVER=="ftdi_sio", ATTR{latency_timer}="${LEAST_LATENCY_TIMER_MS}") keeps it across replugs`,
  };
}

/** The fix for a port another process has open. */
function quitHolders(path: string, held: readonly PortHolder[]): string {
  return `${describeHolders(path, held)}: quit it (a terminal program on the port reads the module's answers before the harness does)`;
}

function profileFit(rig: RigController, manufacturer: string | undefined): DoctorCheck {
  const name = 'module profile';
  const fits = (id: string) => MODULE_PROFILES[id]!.manufacturers.some((m) => manufacturer?.toLowerCase().includes(m.toLowerCase()));
  const better = Object.keys(MODULE_PROFILES).find((id) => id !== rig.profile.id && fits(id));
  if (better && !fits(rig.profile.id)) {
    return { name, verdict: 'warn', detail: `"${rig.profile.id}" is in use, but the module says it is made by ${manufacturer}`, fix: `set "module: ${better}" in the rig file` };
  }
  return { name, verdict: 'ok', detail: `${rig.profile.id}: ${rig.profile.description}` };
}

function setupCheck(command: string, response: AtResponse | undefined, profileId: string): DoctorCheck {
  const what = Object.entries(EVIDENCE).find(([name]) => command.toUpperCase().startsWith(`AT${name}`))?.[1];
  const name = `${command} supported`;
  if (response?.ok) return { name, verdict: 'ok', detail: what ? `gives ${what}` : 'accepted' };
  return {
    name,
    verdict: 'fail',
    detail: `${command} answered ${response?.final ?? 'nothing'}${what ? `: no ${what}` : ''}`,
    fix: `pick the module profile that fits the module (${Object.keys(MODULE_PROFILES).join(', ')}; now "${profileId}") or update its firmware`,
  };
}

async function simReady(rig: RigController, send: (command: string) => Promise<AtResponse | undefined>): Promise<DoctorCheck> {
  const name = 'SIM ready';
  const deadline = rig.clock.now() + rig.config.settle.bootTimeout;
  let answer = 'no answer';
  for (;;) {
    const response = await send('AT+CPIN?');
    const line = response?.lines.find((l) => l.startsWith('+CPIN'));
    if (parseSimStatus(response?.lines ?? []) === 'READY') return { name, verdict: 'ok', detail: line! };
    answer = line ?? response?.final ?? answer;
    // A SIM that asks for a PIN will not get ready by waiting.
    if (line !== undefined || rig.clock.now() + SIM_POLL_MS > deadline) break;
    await rig.clock.sleep(SIM_POLL_MS);
  }
  const fix = /PIN|PUK/.test(answer)
    ? 'remove the SIM\'s PIN lock (AT+CLCK="SC",0,"<PIN>"): a device in the field cannot enter it'
    : 'check that the SIM is inserted and makes contact';
  return { name, verdict: 'fail', detail: `AT+CPIN? answered ${answer}`, fix };
}

/** The ICCID is one of the SIM profile's cards (sim.iccidPrefixes). */
function iccidCheck(iccid: string | undefined, command: string, prefixes: readonly string[]): DoctorCheck {
  const name = 'Super SIM';
  const digits = iccidDigits(iccid);
  if (!digits) return { name, verdict: 'fail', detail: `${command} gave no ICCID`, fix: 'check the module profile\'s ICCID command and the SIM' };
  if (prefixes.some((prefix) => digits.startsWith(prefix))) return { name, verdict: 'ok', detail: `ICCID ${digits}` };
  return {
    name,
    verdict: 'warn',
    detail: `ICCID ${digits} does not start with ${prefixes.join(', ')}`,
    fix: 'the suites expect the Super SIM applet\'s OTA checks: use a Super SIM, or a SIM whose applet behaves alike',
  };
}

/** What the SIM vendor's API says is waiting for this SIM: a suite judges an update's delivery only where one is. */
async function pendingUpdatesCheck(source: VendorUpdates): Promise<DoctorCheck> {
  const name = 'pending settings updates';
  try {
    const pending = (await source.updates()).filter((u) => u.status === 'scheduled' || u.status === 'in-progress');
    const list = pending.map((u) => `${u.status} ${packagesText(u.packages)} (${u.sid})`).join('; ');
    return { name, verdict: 'ok', detail: pending.length ? `${pending.length} waiting: ${list}` : `none waiting (${source.name})` };
  } catch (error) {
    return { name, verdict: 'fail', detail: (error as Error).message, fix: 'the run would not know whether an update is pending: fix the API settings or declare it (--update-pending, --no-update-pending)' };
  }
}

function terminalProfileCheck(rig: RigController, response: AtResponse | undefined): DoctorCheck {
  const name = 'TERMINAL PROFILE has BIP';
  const { command, pattern } = rig.profile.terminalProfile;
  const hex = response?.ok ? response.lines.map((line) => new RegExp(pattern).exec(line)?.groups?.hex).find(Boolean) : undefined;
  if (!hex) {
    return {
      name,
      verdict: 'skip',
      detail: `not readable: ${command} answered ${response ? [...response.lines, response.final].join(' | ') : 'nothing'}`,
      fix: 'check in the module\'s documentation that its SIM toolkit supports BIP (OPEN CHANNEL over a packet bearer)',
    };
  }
  const bip = terminalProfileBip(hex);
  if (bip.supportsOtaSession) return { name, verdict: 'ok', detail: `${command}: ${hex}` };
  return {
    name,
    verdict: 'fail',
    detail: `${command}: ${hex} lacks ${bip.missing.join(', ')}`,
    fix: 'the module cannot open the SIM\'s OTA channel: enable BIP in its SIM toolkit settings or update its firmware',
  };
}

function apnCheck(dataApn: string, response: AtResponse | undefined): DoctorCheck {
  const name = `APN ${dataApn} configured`;
  const contexts = [...parseContextApns(response?.lines ?? [])].map(([cid, apn]) => ({ cid, apn }));
  const found = contexts.find((c) => c.apn.toLowerCase() === dataApn.toLowerCase());
  if (found) return { name, verdict: 'ok', detail: `context ${found.cid}` };
  const list = contexts.map((c) => `${c.cid} "${c.apn}"`).join(', ') || 'none';
  return { name, verdict: 'fail', detail: `no PDP context has APN "${dataApn}" (contexts: ${list})`, fix: `AT+CGDCONT=1,"IP","${dataApn}"` };
}

async function registrationCheck(rig: RigController): Promise<DoctorCheck> {
  const name = 'network registration';
  try {
    await rig.waitRegistered();
    return { name, verdict: 'ok', detail: 'registered for data (AT+CEREG? or, on 2G/3G, AT+CGREG?)' };
  } catch (error) {
    return { name, verdict: 'warn', detail: (error as Error).message, fix: 'OTA checks need the network: check the antenna, the coverage and the SIM\'s plan' };
  }
}
