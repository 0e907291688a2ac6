// Round trip over a PTY: `AT` → `OK` from the rig controller to a `hil sim --pty` process and back,
// through the real serialport binding, the PTY relay and the simulator's AT interpreter.
//
// A pseudo-terminal moves bytes at memory speed whatever baud rate the port is set to, so none of
// the measured time is wire time: all of it is added by the harness, the PTY and the simulator. The
// reference is the wire time the same bytes take on a real UART at the rig's baud rate, which a
// bench adds on top.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHil, stop } from '../support/hil-process.ts';
import { figure, progress, runBenchmark } from './figures.ts';
import { openReady, ptyRig } from './rigs.ts';
import { median, percentile, spread } from './stats.ts';

const WARMUP = 300;
const BATCHES = 5;
const PER_BATCH = 400;
const BAUD = 115_200;
/** `AT\r` out; the echo `AT\r` and `\r\nOK\r\n` back (the simulator boots with echo on, as modules do). */
const EXCHANGE_BYTES = 3 + 3 + 6;
const BITS_PER_BYTE = 10; // 8N1

async function measure() {
  const dir = await mkdtemp(join(tmpdir(), 'hil-bench-'));
  const link = join(dir, 'module');
  const socket = join(dir, 'module.ctl');
  const sim = await startHil(['sim', '--pty', link, '--control', socket, '--time-scale', '1', '--power', 'off', '--seed', '1'], /virtual module on/);
  try {
    const rig = await openReady(ptyRig({ link, socket, timeScale: 1 }));
    try {
      const roundTrip = async () => {
        const started = performance.now();
        const response = await rig.at.send('AT');
        if (!response.ok) throw new Error(`AT answered ${response.final}`);
        return performance.now() - started;
      };
      for (let i = 0; i < WARMUP; i++) await roundTrip();
      const batches: number[][] = [];
      for (let b = 0; b < BATCHES; b++) {
        const samples: number[] = [];
        for (let i = 0; i < PER_BATCH; i++) samples.push(await roundTrip());
        batches.push(samples);
        progress(`batch ${b + 1} of ${BATCHES}: median ${median(samples).toFixed(3)} ms`);
      }
      const all = batches.flat();
      const wire = { name: `wire time of the ${EXCHANGE_BYTES} bytes at ${BAUD} baud`, value: (EXCHANGE_BYTES * BITS_PER_BYTE * 1000) / BAUD };
      const note = `${all.length} round trips`;
      return [
        figure({
          name: 'pty-roundtrip.added-median',
          value: median(all),
          unit: 'ms',
          reference: wire,
          target: { on: 'value', op: '<=', limit: 0.5 },
          spread: spread(batches.map(median)),
          note,
        }),
        figure({ name: 'pty-roundtrip.added-p99', value: percentile(all, 99), unit: 'ms', reference: wire, spread: spread(batches.map((s) => percentile(s, 99))), note }),
      ];
    } finally {
      await rig.safeState();
    }
  } finally {
    await stop(sim);
    await rm(dir, { recursive: true, force: true });
  }
}

await runBenchmark(measure);
