// A realistic AT capture: every byte the virtual module says while a host drives it through boot,
// setup, identity reads, registration polls and forced OTA checks of a three-block update (so the
// capture holds long +CUSATP lines for OPEN CHANNEL, SEND DATA, RECEIVE DATA, CLOSE CHANNEL), with
// the line-noise fault adding garbage bursts between lines. Recorded on a manual clock, so it is
// the same on every run and takes no wall time to make.
import { VirtualModule } from '../harness/sim/index.ts';
import { seededRandom } from '../harness/sim/random.ts';
import { csimCommand, DEFAULT_FORCE_CHECK_APDU } from '../harness/stk/index.ts';
import { ManualClock } from '../harness/time/clock.ts';

export interface CaptureSegment {
  /** The command the host wrote just before these bytes; undefined for what the module said unasked. */
  command?: string;
  bytes: Uint8Array;
}

export interface Capture {
  segments: CaptureSegment[];
  bytes: number;
  /** Segments that answer a command. */
  commands: number;
}

const SETUP = ['AT+CMEE=1', 'AT+CGEREP=2,1', 'AT+CUSATA=1', 'AT+CEREG=2'];
const IDENTITY = ['ATI', 'AT+CGMI', 'AT+CGMM', 'AT+CGMR', 'AT+CGSN', 'AT+CCID', 'AT+CIMI', 'AT+CPIN?'];
const POLLS = ['AT+CEREG?', 'AT+COPS?', 'AT+CGDCONT?', 'AT'];
/** Rig time a cycle watches after the forced check: past the boot-time check and all follow-ons. */
const WATCH_MS = 150_000;
const POLL_EVERY_MS = 1_000;

/** Records `cycles` power cycles of the host session above. */
export function recordCapture(cycles: number, seed = 1): Capture {
  const clock = new ManualClock();
  const module = new VirtualModule({ clock, seed, faults: ['line-noise'] });
  const segments: CaptureSegment[] = [];
  let pending: Buffer[] = [];
  module.on('data', (chunk) => pending.push(chunk));
  const take = (): Uint8Array => {
    const bytes = Buffer.concat(pending);
    pending = [];
    return bytes;
  };
  const idle = (rigMs: number) => {
    clock.advance(rigMs);
    const bytes = take();
    if (bytes.length > 0) segments.push({ bytes });
  };
  // The simulator answers a command synchronously: what it says during write() is the answer.
  const command = (text: string) => {
    idle(0);
    module.write(Buffer.from(`${text}\r`, 'latin1'));
    segments.push({ command: text, bytes: take() });
  };

  for (let cycle = 0; cycle < cycles; cycle++) {
    module.power(true);
    idle(5_000);
    for (const text of [...SETUP, ...IDENTITY]) command(text);
    for (let i = 0; i < 10; i++) {
      command('AT+CEREG?');
      idle(POLL_EVERY_MS);
    }
    module.server.stage(module.uicc.iccid, { packages: [{ name: 'operator-settings', version: String(cycle + 2) }], blocks: 3 });
    command(csimCommand(DEFAULT_FORCE_CHECK_APDU));
    for (let t = 0, i = 0; t < WATCH_MS; t += POLL_EVERY_MS, i++) {
      idle(POLL_EVERY_MS);
      command(POLLS[i % POLLS.length]!);
    }
    module.power(false);
  }
  return summarize(segments);
}

/** The capture played back-to-back until it holds at least `minBytes`. */
export function repeatCapture(capture: Capture, minBytes: number): Capture {
  const times = Math.max(1, Math.ceil(minBytes / capture.bytes));
  return summarize(Array.from({ length: times }, () => capture.segments).flat());
}

function summarize(segments: CaptureSegment[]): Capture {
  return {
    segments,
    bytes: segments.reduce((n, s) => n + s.bytes.length, 0),
    commands: segments.filter((s) => s.command !== undefined).length,
  };
}

/**
 * Cuts bytes into the chunks a serial read returns, 1 to 256 bytes, drawn from a seeded sequence so
 * that every run and every contender sees the same chunks.
 */
export function chunked(bytes: Uint8Array, seed: number): Uint8Array[] {
  const random = seededRandom(seed);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random.next() * 256);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}
