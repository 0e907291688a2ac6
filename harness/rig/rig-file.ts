// Rig files: what a bench is made of (serial port, power switch, module, SIM) as data.
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { didYouMean, expectedGot, expecting, loadYamlFile, onlyWhenValid } from '../config/index.ts';
import { MODULE_PROFILES, PROFILE_ALIASES } from '../module/index.ts';
import { DIALECT_NAMES, type DialectName } from '../sim/dialects.ts';
import { FAULTS, type FaultName } from '../sim/faults.ts';
import { simulatedProfile } from '../sim/presentations.ts';
import { controlSocketOf, simPtyPath } from '../sim/pty-path.ts';
import { monitorSchema } from '../energy/index.ts';
import { DEFAULT_FORCE_CHECK_APDU } from '../stk/index.ts';
import { durationUpTo } from '../time/duration.ts';
import { timeScaleSchema } from '../time/scale.ts';

/** `serial.path` and `power.type` value selecting the in-process simulator. */
export const VIRTUAL = 'virtual';
/** Time scale of a virtual rig that does not set one: a 2-minute boot delay takes about a second. */
export const VIRTUAL_TIME_SCALE = 120;

/** A GPIO line, by chip label and offset (`pinctrl-rp1` line 17) or by its global number (529). */
export type GpioLineRef = { chip?: string; line: number } | { number: number };

const lineRefFields = {
  chip: z.string().min(1).optional(),
  line: z.int().nonnegative().optional(),
  number: z.int().nonnegative().optional(),
};

function checkLineRef(ref: { chip?: string; line?: number; number?: number }, ctx: z.RefinementCtx): void {
  if (ref.line === undefined && ref.number === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected "line" (with an optional "chip") or "number", got neither' });
  } else if (ref.line !== undefined && ref.number !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['number'], message: 'expected "line" or "number", got both' });
  } else if (ref.number !== undefined && ref.chip !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['chip'], message: 'expected no chip with "number" (a global GPIO number), got a chip' });
  }
}

// checkLineRef guarantees the GpioLineRef shape that the casts below state.
const gpioLineSchema = z
  .strictObject(lineRefFields)
  .superRefine(checkLineRef, onlyWhenValid)
  .transform((ref) => ref as GpioLineRef);

/** Longest a power switch or PWRKEY step may take; data sheets speak of seconds. */
const switchDuration = durationUpTo('10 min');

/** Press lengths and the shutdown wait default to the module profile's (harness/module/profiles.ts). */
const pwrkeySchema = z
  .strictObject({
    ...lineRefFields,
    activeLow: z.boolean().default(true),
    pulseOn: switchDuration.optional(),
    pulseOff: switchDuration.optional(),
    shutdown: switchDuration.optional(),
  })
  .superRefine(checkLineRef, onlyWhenValid)
  .transform((key) => key as GpioLineRef & { activeLow: boolean; pulseOn?: number; pulseOff?: number; shutdown?: number });

const shellCommand = z.string().min(1);

const powerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal(VIRTUAL) }),
  z.strictObject({
    type: z.literal('gpio'),
    line: gpioLineSchema,
    activeLow: z.boolean().default(true),
    pwrkey: pwrkeySchema.optional(),
  }),
  z.strictObject({
    type: z.literal('exec'),
    on: shellCommand,
    off: shellCommand,
    status: shellCommand.optional(),
    /** Wall-clock time, unlike every other duration: an external command runs in real time. */
    timeout: switchDuration.prefault('10 s'),
    /**
     * When in its run the command switches: `within` (not known: the edge is dated to the middle of
     * the run, ± half of it), `end` (it switches as its last act, as `hil sim ctl` does) or `start`.
     */
    edgeAt: z.enum(['within', 'start', 'end']).default('within'),
  }),
  z.strictObject({ type: z.literal('sim-control'), socket: z.string().min(1) }),
]);

const virtualSchema = z.strictObject({
  seed: z.int().optional(),
  /** What the simulated module shows of its OTA sessions; one its module profile offers (harness/sim/dialects.ts). */
  dialect: z.enum(DIALECT_NAMES as [DialectName, ...DialectName[]]).optional(),
  faults: z.array(z.enum(Object.keys(FAULTS) as [FaultName, ...FaultName[]])).default([]),
  update: z
    .strictObject({
      blocks: z.int().positive().default(1),
      packages: z.array(z.strictObject({ name: z.string().min(1), version: z.string().min(1) })).min(1),
      newImsi: z.string().regex(/^\d{6,15}$/, expecting('an IMSI of 6 to 15 digits')).optional(),
    })
    .optional(),
});

/** A simulator dialect the rig's module profile does not offer is an error at virtual.dialect. */
function checkDialect(rig: { module: string; virtual?: { dialect?: DialectName } }, ctx: z.RefinementCtx): void {
  const dialect = rig.virtual?.dialect;
  if (!dialect) return;
  const offered = simulatedProfile(rig.module).dialects;
  if (!offered.includes(dialect)) {
    ctx.addIssue({ code: 'custom', path: ['virtual', 'dialect'], message: expectedGot(`a dialect module "${rig.module}" offers (${offered.join(', ')})`, dialect) });
  }
}

const moduleIds = Object.keys(MODULE_PROFILES);
const moduleSchema = z.string().refine((id) => moduleIds.includes(id) || Object.hasOwn(PROFILE_ALIASES, id), {
  error: (issue) =>
    expectedGot(`a module profile (${moduleIds.join(', ')})`, issue.input) +
    (typeof issue.input === 'string' ? didYouMean(issue.input, [...moduleIds, ...Object.keys(PROFILE_ALIASES)]) : ''),
});

export const rigSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    /** What a lab's job selectors match this bench by (`hil submit --where tag=...`), beyond its module. */
    tags: z.array(z.string().min(1)).optional(),
    timeScale: timeScaleSchema.optional(),
    /**
     * The module behind serial.path is a `hil sim --pty` process: its control socket lets the rig stage
     * OTA updates and read ground truth, and rig time may run faster than wall time.
     */
    simulator: z.strictObject({ control: z.string().min(1).optional() }).optional(),
    serial: z.strictObject({
      /** With a `simulator:` block, defaults to the simulator's PTY (sim/pty-path.ts); its control socket then sits beside it. */
      path: z.string().min(1).optional(),
      baudRate: z.int().positive().default(115200),
      /** The AT port goes away with the module's power (USB) or stays (a UART); defaults to the module profile's. */
      reenumerates: z.boolean().optional(),
      /**
       * Wall-clock time, unlike every other duration: how long bytes may wait between the module and
       * the harness process (a relay, an adapter's buffer), added to every ± the rig states. Defaults
       * to an FTDI adapter's latency timer where the port has one (rig/port-latency.ts), else 0.
       */
      latency: durationUpTo('1 s').optional(),
    }),
    power: powerSchema,
    safeState: z.enum(['off', 'on', 'leave']).default('off'),
    module: moduleSchema.default('generic-27007'),
    /**
     * `passive` (the default): the harness watches and never changes how the module and SIM handle the
     * toolkit. `active`: the module hands the host each proactive command (AT+CUSATA=1 on a TS 27.007
     * module) and the harness answers every one; the certificate says so.
     */
    toolkit: z.enum(['passive', 'active']).default('passive'),
    /** Poll the context list this often for OTA sessions, where the module shows no PDN events for them. */
    pollContexts: durationUpTo('10 min').optional(),
    /**
     * The operator's word on whether an OTA update is staged for this SIM: false (none), or its
     * blocks and the IMSI it switches to. Without it a bench that cannot see the OTA server does not know.
     */
    updatePending: z
      .union([
        z.literal(false),
        z.strictObject({ blocks: z.int().min(1).max(100).default(1), newImsi: z.string().regex(/^\d{6,15}$/, expecting('an IMSI of 6 to 15 digits')).optional() }),
      ])
      .optional(),
    sim: z
      .strictObject({
        profile: z.string().min(1).default('super-sim'),
        forceCheckApdu: z
          .string()
          .regex(/^(?:[0-9A-Fa-f]{2})+$/, expecting('hex digits, an even number of them'))
          .transform((hex) => hex.toUpperCase())
          .default(DEFAULT_FORCE_CHECK_APDU),
        dataApn: z.string().min(1).default('super'),
        otaApn: z.string().min(1).default('ota.super'),
        /** ICCID prefixes of this SIM vendor's cards: Super SIM 8988307 and 8988323, and 8910392 for newer cards. */
        iccidPrefixes: z.array(z.string().regex(/^\d{2,19}$/, expecting('the first digits of an ICCID'))).min(1).default(['8988307', '8988323', '8910392']),
      })
      .prefault({}),
    settle: z
      .strictObject({
        /** Wait after power-off before power-on. */
        discharge: durationUpTo('10 min').prefault('2 s'),
        bootTimeout: durationUpTo('1 h').prefault('60 s'),
      })
      .prefault({}),
    /** Options of the built-in simulator. */
    virtual: virtualSchema.optional(),
    /** The power monitor on the module's supply (harness/energy/config.ts). */
    monitor: monitorSchema.optional(),
  })
  .superRefine((rig, ctx) => {
    if (rig.serial.path === undefined && !rig.simulator) {
      ctx.addIssue({ code: 'custom', path: ['serial', 'path'], message: 'expected the module\'s AT port (it defaults to `hil sim`\'s PTY only with a "simulator:" block), got nothing' });
    }
    const virtualSerial = rig.serial.path === VIRTUAL;
    if (virtualSerial && rig.power.type !== VIRTUAL) {
      ctx.addIssue({
        code: 'custom',
        path: ['power', 'type'],
        message: expectedGot('"virtual" because serial.path is "virtual" (the built-in simulator)', rig.power.type),
      });
    }
    if (!virtualSerial && rig.power.type === VIRTUAL) {
      ctx.addIssue({
        code: 'custom',
        path: ['serial', 'path'],
        message: expectedGot('"virtual" because power.type is "virtual" (it only switches the built-in simulator)', rig.serial.path),
      });
    }
    if (!virtualSerial && rig.virtual) {
      ctx.addIssue({
        code: 'custom',
        path: ['virtual'],
        message: `expected no simulator options, since they only apply when serial.path is "virtual"; serial.path is ${JSON.stringify(rig.serial.path)}`,
      });
    }
    checkDialect(rig, ctx);
    // A module behind a device path keeps real time unless it is a simulator (`hil sim --pty`), which
    // the rig knows from the switch being its control socket or from a `simulator:` block.
    if (rig.power.type !== VIRTUAL && rig.power.type !== 'sim-control' && rig.timeScale !== undefined && rig.timeScale !== 1 && !rig.simulator) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeScale'],
        message: expectedGot(`1 because power.type "${rig.power.type}" switches a real module (add "simulator: {control: <socket>}" if it switches \`hil sim\`)`, rig.timeScale),
      });
    }
  }, onlyWhenValid)
  .transform(({ simulator, ...rig }) => {
    const path = rig.serial.path ?? simPtyPath();
    return {
      ...rig,
      serial: { ...rig.serial, path },
      ...(simulator ? { simulator: { control: simulator.control ?? controlSocketOf(path) } } : {}),
      timeScale: rig.timeScale ?? (path === VIRTUAL ? VIRTUAL_TIME_SCALE : 1),
    };
  });

/** A loaded rig; durations are milliseconds of rig time, file paths are absolute. */
export type Rig = z.output<typeof rigSchema> & {
  /** The rig file, as given to loadRigFile. */
  file: string;
};
export type PowerConfig = Rig['power'];
export type VirtualOptions = NonNullable<Rig['virtual']>;

/** Loads and validates a rig file; relative paths in it are taken from the rig file's folder. */
export async function loadRigFile(path: string): Promise<Rig> {
  const rig = await loadYamlFile(path, rigSchema);
  const fromRigFolder = (p: string) => resolve(dirname(path), p);
  return {
    ...rig,
    file: path,
    serial: rig.serial.path === VIRTUAL ? rig.serial : { ...rig.serial, path: fromRigFolder(rig.serial.path) },
    power: rig.power.type === 'sim-control' ? { ...rig.power, socket: fromRigFolder(rig.power.socket) } : rig.power,
    ...(rig.simulator ? { simulator: { control: fromRigFolder(rig.simulator.control) } } : {}),
    ...(rig.monitor?.driver === 'ppk2' ? { monitor: { ...rig.monitor, path: fromRigFolder(rig.monitor.path) } } : {}),
  };
}
