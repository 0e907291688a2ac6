// Where every command writes (stdout, stderr), so commands can be run and checked in-process; on a
// terminal also one live line, redrawn in place, and whether colour may be used.
import { UsageError } from './errors.ts';

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Shows `text` as the one live line, redrawn in place; the next line printed replaces it. Present
   * only where stdout is a terminal: elsewhere a live line has no place, and callers print lines.
   */
  live?(text: string): void;
  /** Whether stdout may carry colour (escape codes): never unless this says so. */
  readonly colour?: boolean;
}

/** Back to the start of the line, and the line cleared. */
const CLEAR_LINE = '\r\x1b[K';

/** Becomes true when the reader of a stream has gone (`hil run | head`); nothing more is written to it. */
function writerTo(stream: NodeJS.WriteStream): (text: string) => void {
  let readerGone = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // A closed pager must not end a night's run: its results also go to files and the broker.
    if (error.code !== 'EPIPE') throw error;
    readerGone = true;
  });
  return (text) => {
    if (!readerGone) stream.write(text);
  };
}

function processStreams(): CliOutput {
  const stdout = writerTo(process.stdout);
  const stderr = writerTo(process.stderr);
  const terminal = Boolean(process.stdout.isTTY);
  let liveShown = false;
  // Both streams usually share the terminal: a line on either takes the live line's place.
  const clearLive = () => {
    if (!liveShown) return;
    liveShown = false;
    stdout(CLEAR_LINE);
  };
  return {
    stdout: (text) => (clearLive(), stdout(`${text}\n`)),
    stderr: (text) => (clearLive(), stderr(`${text}\n`)),
    ...(terminal && {
      live: (text: string) => {
        liveShown = true;
        // A line wider than the terminal wraps, and the clear would then leave its first rows behind.
        const width = Math.max((process.stdout.columns ?? 80) - 1, 1);
        stdout(`${CLEAR_LINE}${[...text].slice(0, width).join('')}`);
      },
    }),
    // NO_COLOR (https://no-color.org): any non-empty value turns colour off.
    colour: terminal && !process.env.NO_COLOR,
  };
}

export const processOutput: CliOutput = processStreams();

export const COLOUR_CHOICES = ['auto', 'always', 'never'] as const;

export const COLOUR_USAGE = `  --color WHEN        colour on stdout: auto (on a terminal, unless NO_COLOR is set), always or never`;

/**
 * `out` with colour as `--color WHEN` asks: `always`, `never`, or `auto` (the default: as `out`
 * says, which for a terminal honours NO_COLOR).
 */
export function withColour(out: CliOutput, when: string | undefined, command = 'hil run'): CliOutput {
  if (when === undefined || when === 'auto') return out;
  if (when !== 'always' && when !== 'never') {
    throw new UsageError(`${command}: --color takes ${COLOUR_CHOICES.join(', ')}, got "${when}"`);
  }
  const colour = when === 'always';
  return {
    stdout: (text) => out.stdout(text),
    stderr: (text) => out.stderr(text),
    ...(out.live && { live: (text: string) => out.live!(text) }),
    colour,
  };
}
