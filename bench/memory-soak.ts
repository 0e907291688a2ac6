// Memory: RSS before and after a 100 000-command soak against the virtual module, through the rig
// controller as a suite drives it (serialport stream, in-process binding, AT engine, OTA observer).
// A second soak of the same length tells growth that levels off (buffers that fill to their limit,
// such as the AT transcript) from growth that goes on (a leak).
//
// Back-to-back commands over the in-process binding complete within promise callbacks, so the
// simulator's timers (its OTA checks) wait until the soak pauses: this measures the command path.
import { getHeapSpaceStatistics } from 'node:v8';
import type { RigController } from '../harness/rig/controller.ts';
import { figure, progress, runBenchmark } from './figures.ts';
import { openReady, virtualRig } from './rigs.ts';

const SOAK = 100_000;
const WARMUP = 1_000;
/** What a host asks a module again and again: status polls, identity, the SIM and the contexts. */
const COMMANDS = ['AT', 'AT+CEREG?', 'AT+CPIN?', 'AT+CGDCONT?', 'AT+COPS?', 'ATI', 'AT+CIMI', 'AT+CCID', 'AT+CRSM=176,28423,0,0,9'];
const MB = 1024 * 1024;
const SETTLE_SAMPLES = 5;
const SETTLE_GAP_MS = 400;

async function soak(rig: RigController, count: number, label: string): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const command = COMMANDS[i % COMMANDS.length]!;
    const response = await rig.at.send(command);
    if (!response.ok) throw new Error(`${command} answered ${response.final}`);
    if ((i + 1) % 25_000 === 0) progress(`${label}: ${i + 1} commands, ${Math.round((i + 1) / ((performance.now() - started) / 1000))} commands/s`);
  }
}

interface Usage {
  rss: number;
  heap: number;
  /**
   * Resident pages of V8's young generation. Its semi-spaces grow (to 16 MiB each by default) while
   * objects keep surviving collections, as transcript entries do, and are not given back afterwards:
   * the part of RSS growth that is the garbage collector sizing itself, not memory held.
   */
  young: number;
}

/**
 * RSS and live heap in MiB once settled: after a full collection RSS still holds memory that V8 and
 * the allocator hand back over the next few hundred milliseconds, so take the least of several
 * samples a while apart (needs --expose-gc, which `npm run bench` passes).
 */
async function settled(): Promise<Usage> {
  if (!globalThis.gc) throw new Error('memory-soak needs node --expose-gc');
  const samples: Usage[] = [];
  for (let i = 0; i < SETTLE_SAMPLES; i++) {
    globalThis.gc();
    const usage = process.memoryUsage();
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.physical_space_size ?? 0;
    samples.push({ rss: usage.rss / MB, heap: usage.heapUsed / MB, young: young / MB });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_GAP_MS));
  }
  const least = (key: keyof Usage) => Math.min(...samples.map((s) => s[key]));
  return { rss: least('rss'), heap: least('heap'), young: least('young') };
}

/** Growth over one soak: RSS (the figure with the target) and the live heap behind it. */
function growth(name: string, from: Usage, to: Usage, reference: Usage, what: string, target: boolean) {
  return [
    figure({
      name: `memory.rss-growth${name}`,
      value: to.rss - from.rss,
      unit: 'MiB',
      reference: { name: 'RSS before the soak', value: reference.rss },
      ...(target && { target: { on: 'value', op: '<', limit: 10 } as const }),
      note: `RSS ${from.rss.toFixed(1)} → ${to.rss.toFixed(1)} MiB over ${what}`,
    }),
    figure({
      name: `memory.young-growth${name}`,
      value: to.young - from.young,
      unit: 'MiB',
      reference: { name: 'RSS growth', value: to.rss - from.rss },
      note: `V8 young generation resident ${from.young.toFixed(1)} → ${to.young.toFixed(1)} MiB`,
    }),
    figure({
      name: `memory.heap-growth${name}`,
      value: to.heap - from.heap,
      unit: 'MiB',
      reference: { name: 'live heap before the soak', value: reference.heap },
      note: `heap ${from.heap.toFixed(1)} → ${to.heap.toFixed(1)} MiB`,
    }),
  ];
}

async function measure() {
  const rig = await openReady(await virtualRig());
  try {
    await soak(rig, WARMUP, 'warm-up');
    const before = await settled();
    await soak(rig, SOAK, 'soak');
    const after = await settled();
    await soak(rig, SOAK, 'second soak');
    const afterSecond = await settled();
    const count = SOAK.toLocaleString('en-US');
    return [
      ...growth('', before, after, before, `${count} commands`, true),
      ...growth('-second-soak', after, afterSecond, before, `the next ${count}`, false),
    ];
  } finally {
    await rig.safeState();
  }
}

await runBenchmark(measure);
