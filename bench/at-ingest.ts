// AT ingest throughput: bytes per second through the AT engine (framing, classification, URC
// routing, transcript) on a realistic capture, against the line rate of a 921600-baud UART and
// against a parser-readline + regular expressions baseline, interleaved in the same run.
//
// The engine is measured through both of its command APIs, send() (a promise per command, what the
// harness's own steps await) and submit() (callbacks, for readers that send commands by the
// thousand), and in two states: fresh, and with its transcript at its entry limit (where any run
// settles after 100 000 entries, about 1 MB of AT traffic), since recording costs differ.
//
// Each contender runs in a process of its own, as a reader of a port does, and the runner asks them
// for passes in turn: what one keeps on its heap (an engine's transcript of 100 000 entries, the
// baseline's streams) never changes when and how the garbage collector runs for another, while the
// machine's speed, drifting over a run, still reaches all of them alike.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AtEngine } from '../harness/at/index.ts';
import { ScaledClock } from '../harness/time/clock.ts';
import { chunked, recordCapture, repeatCapture, type Capture } from './capture.ts';
import { figure, progress, runBenchmark } from './figures.ts';
import { ReadlineBaseline } from './readline-baseline.ts';
import { median, spread } from './stats.ts';

/** Small enough that a fresh engine's transcript stays under its limit for the whole pass. */
const CAPTURE_BYTES = 1_000_000;
/** Above what a fresh pass records, so that it never drops entries (the engine's default limit is 20 000). */
const TRANSCRIPT_LIMIT = 100_000;
const RECORDED_CYCLES = 20;
/** Passes before the measured ones: V8 needs about five to optimise the engine's hot paths. */
const WARMUPS = 6;
const RUNS = 9;
/**
 * Segments fed between two turns of the event loop. A port's reads come in callbacks of their own,
 * and after each Node runs the promise reactions and ticks that are due. A pass that fed a megabyte
 * in one synchronous stretch would keep every settled command's promise and answer alive to its end,
 * which no reader of a port does; one turn per 256 segments (about 7 KB) costs well under 1 % of a pass.
 */
const SEGMENTS_PER_TURN = 256;
/** 8N1 framing: a start bit, 8 data bits and a stop bit carry each byte. */
const UART_BYTES_PER_S = 921_600 / 10;
const MB = 1e6;
/** The argument that makes this script serve one contender's passes instead of running the benchmark. */
const CONTENDER_ARG = '--contender';
const PASSES_ARG = '--passes';

interface Segment {
  command?: string;
  chunks: Uint8Array[];
}

interface Workload {
  segments: Segment[];
  bytes: number;
  commands: number;
  chunks: number;
}

interface Pass {
  ms: number;
  answered: number;
  /** The engine or baseline that ran the pass: kept until the contender's next pass has run. */
  instance: object;
}

function workload(capture: Capture): Workload {
  const segments = capture.segments.map((s, i) => ({ ...(s.command !== undefined && { command: s.command }), chunks: chunked(s.bytes, i + 1) }));
  return { segments, bytes: capture.bytes, commands: capture.commands, chunks: segments.reduce((n, s) => n + s.chunks.length, 0) };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Feeds the workload as a port would: each command goes out before its answer comes in, and the
 * event loop takes a turn every SEGMENTS_PER_TURN segments. Resolves with the wall ms it took. Each
 * contender runs in a process of its own, so the two callbacks are the same on every call.
 */
async function feedAsAPort(work: Workload, write: (command: string) => void, feed: (chunk: Uint8Array) => void): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < work.segments.length; i++) {
    const segment = work.segments[i]!;
    if (segment.command !== undefined) write(segment.command);
    for (const chunk of segment.chunks) feed(chunk);
    if (i % SEGMENTS_PER_TURN === SEGMENTS_PER_TURN - 1) await nextTurn();
  }
  await nextTurn();
  return performance.now() - started;
}

type CommandApi = 'send' | 'submit';

async function engineIngest(work: Workload, api: CommandApi, prefill: boolean): Promise<Pass> {
  const engine = new AtEngine({ write: () => {}, clock: new ScaledClock(1), transcriptLimit: TRANSCRIPT_LIMIT });
  engine.onUrc(() => {});
  if (prefill) {
    // The state any run reaches after its first 100 000 entries.
    for (let i = 0; i < TRANSCRIPT_LIMIT; i++) engine.transcript.record({ mono: 0, wall: 0, rig: 0, dir: 'rx', kind: 'info', text: '+CEREG: 2,5' });
    // In that state the entries have long been tenured: collect now, or the pass pays for moving
    // 100 000 new objects to the old generation, which no steady run does.
    globalThis.gc?.();
  }
  let answered = 0;
  const onResponse = () => answered++;
  const onError = () => {};
  const write = api === 'send'
    ? (command: string) => void engine.send(command).then(onResponse)
    : (command: string) => engine.submit(command, onResponse, onError);
  const ms = await feedAsAPort(work, write, (chunk) => engine.feed(chunk));
  if (!prefill && engine.transcript.size >= TRANSCRIPT_LIMIT) throw new Error('the capture filled a fresh transcript: make it smaller');
  engine.close();
  return { ms, answered, instance: engine };
}

async function baselineIngest(work: Workload): Promise<Pass> {
  let answered = 0;
  const baseline = new ReadlineBaseline(() => {}, () => answered++);
  const ms = await feedAsAPort(work, (command) => baseline.send(command), (chunk) => baseline.feed(chunk));
  return { ms, answered, instance: baseline };
}

const CONTENDERS = {
  engine: (w: Workload) => engineIngest(w, 'send', false),
  'engine through submit()': (w: Workload) => engineIngest(w, 'submit', false),
  'engine at transcript limit': (w: Workload) => engineIngest(w, 'send', true),
  baseline: baselineIngest,
} as const;
type ContenderName = keyof typeof CONTENDERS;

/** What a contender process says: first what it will feed, then each pass's time. */
type ContenderMessage = { ready: { bytes: number; commands: number; chunks: number } } | { pass: { ms: number; answered: number } } | { error: string };

/**
 * The body of a contender process: records the capture (the same on every run, see capture.ts),
 * then runs a pass whenever asked. It keeps its previous pass's engine or baseline alive: a process
 * reading a port always has a reader, and one that let every reader die between passes would lose,
 * at each collection, the object shapes V8's optimised code is compiled against, and would measure
 * re-optimisation, not reading.
 */
async function serveContender(name: ContenderName): Promise<void> {
  const work = workload(repeatCapture(recordCapture(RECORDED_CYCLES), CAPTURE_BYTES));
  const reply = (message: ContenderMessage) => process.send!(message);
  const kept: { previous?: object } = {};
  // Once the runner disconnects (done, or gone) nothing keeps this process alive.
  process.on('message', () => {
    globalThis.gc?.();
    CONTENDERS[name](work).then(
      (pass) => {
        kept.previous = pass.instance;
        reply({ pass: { ms: pass.ms, answered: pass.answered } });
      },
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
  reply({ ready: { bytes: work.bytes, commands: work.commands, chunks: work.chunks } });
}

/** Who waits for a contender's next message. */
interface Waiting {
  resolve: (message: ContenderMessage) => void;
  reject: (error: Error) => void;
}

/** A contender process and a way to ask it for one message at a time. */
class Contender {
  readonly rates: number[] = [];
  private readonly child: ChildProcess;
  private waiting: Waiting | undefined;

  constructor(readonly name: ContenderName) {
    this.child = fork(fileURLToPath(import.meta.url), [CONTENDER_ARG, name], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: ContenderMessage) => this.settle((w) => w.resolve(message)));
    this.child.on('exit', (code, signal) => this.settle((w) => w.reject(new Error(`${name}: its process ended (${signal ?? `code ${code}`})`))));
  }

  next(ask = false): Promise<ContenderMessage> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      if (ask) this.child.send('pass');
    });
  }

  async pass(): Promise<{ ms: number; answered: number }> {
    const message = await this.next(true);
    if ('error' in message) throw new Error(`${this.name}: ${message.error}`);
    if (!('pass' in message)) throw new Error(`${this.name}: expected a pass, got ${JSON.stringify(message)}`);
    return message.pass;
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
    this.child.kill();
  }

  private settle(how: (waiting: Waiting) => void): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) how(waiting);
  }
}

async function measure() {
  const contenders = (Object.keys(CONTENDERS) as ContenderName[]).map((name) => new Contender(name));
  try {
    const ready = await Promise.all(contenders.map((c) => c.next()));
    const work = ready.map((m, i) => {
      if (!('ready' in m)) throw new Error(`${contenders[i]!.name}: expected its workload, got ${JSON.stringify(m)}`);
      return m.ready;
    });
    const first = work[0]!;
    if (work.some((w) => w.bytes !== first.bytes || w.commands !== first.commands || w.chunks !== first.chunks)) {
      throw new Error(`the contenders recorded different captures: ${JSON.stringify(work)}`);
    }
    progress(`capture: ${(first.bytes / MB).toFixed(2)} MB, ${first.commands} commands, ${first.chunks} chunks of 1–256 bytes; a process per contender`);

    for (let run = -WARMUPS; run < RUNS; run++) {
      // Rotate who goes first, so that none always runs right after the same other.
      for (let i = 0; i < contenders.length; i++) {
        const c = contenders[(i + run + WARMUPS) % contenders.length]!;
        const pass = await c.pass();
        // A pass that lost commands measured something other than the real path.
        if (pass.answered !== first.commands) throw new Error(`${c.name}: ${pass.answered} of ${first.commands} commands answered`);
        if (run >= 0) c.rates.push(first.bytes / (pass.ms / 1000) / MB);
      }
      progress(run < 0 ? `warm-up ${run + WARMUPS + 1} of ${WARMUPS}` : `run ${run + 1} of ${RUNS}`);
    }
  } finally {
    for (const c of contenders) c.stop();
  }

  const [fresh, callbacks, atLimit, baseline] = contenders.map((c) => ({ value: median(c.rates), spread: spread(c.rates) }));
  const uart = { name: '921600-baud UART line rate', value: UART_BYTES_PER_S / MB };
  const target = { on: 'ratio', op: '>=', limit: 1000 } as const;
  return [
    figure({ name: 'at-ingest.engine', unit: 'MB/s', reference: uart, target, ...fresh!, note: 'send(): a promise per command' }),
    figure({ name: 'at-ingest.engine-submit', unit: 'MB/s', reference: uart, target, ...callbacks!, note: 'submit(): callbacks per command' }),
    figure({
      name: 'at-ingest.engine-transcript-full',
      unit: 'MB/s',
      reference: uart,
      target,
      ...atLimit!,
      note: `transcript at its ${TRANSCRIPT_LIMIT.toLocaleString('en-US')}-entry limit`,
    }),
    figure({ name: 'at-ingest.baseline', unit: 'MB/s', reference: uart, ...baseline! }),
    ...([['engine', fresh!], ['engine-submit', callbacks!]] as const).map(([name, engine]) =>
      figure({ name: `at-ingest.${name}-vs-baseline`, unit: 'MB/s', value: engine.value, reference: { name: 'parser-readline + regex baseline', value: baseline!.value }, target: { on: 'ratio', op: '>=', limit: 2 } }),
    ),
  ];
}

/**
 * `--passes NAME N`: N passes of one contender in this process, then exit, for counting instructions
 * under a tool such as callgrind, where the load of the host does not show: the difference between
 * two runs with different N, divided by the difference in N, is one pass.
 */
async function runPasses(name: ContenderName, passes: number): Promise<void> {
  const work = workload(repeatCapture(recordCapture(RECORDED_CYCLES), CAPTURE_BYTES));
  for (let i = 0; i < passes; i++) {
    const pass = await CONTENDERS[name](work);
    if (pass.answered !== work.commands) throw new Error(`${name}: ${pass.answered} of ${work.commands} commands answered`);
  }
}

function contenderName(name: string | undefined): ContenderName {
  if (name !== undefined && name in CONTENDERS) return name as ContenderName;
  throw new Error(`unknown contender ${JSON.stringify(name)}; known: ${Object.keys(CONTENDERS).join(', ')}`);
}

const [mode, name, count] = process.argv.slice(2);
if (mode === undefined) await runBenchmark(measure);
else if (mode === CONTENDER_ARG) await serveContender(contenderName(name));
else if (mode === PASSES_ARG && Number.isInteger(Number(count)) && Number(count) >= 0) await runPasses(contenderName(name), Number(count));
else throw new Error(`usage: at-ingest.ts [${PASSES_ARG} CONTENDER COUNT]; contenders: ${Object.keys(CONTENDERS).join(', ')}`);
