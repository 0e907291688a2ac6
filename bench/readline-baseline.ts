// The baseline the AT engine is compared with: what a host commonly writes with node-serialport's
// parsers, @serialport/parser-readline splitting on CRLF plus regular expressions to tell echo,
// final result codes, URCs and information lines apart. It keeps no transcript and checks nothing
// (no noise detection, no line length cap, no timeouts); it is the floor, not a competitor.
import { ReadlineParser } from 'serialport';
import { DEFAULT_URC_PREFIXES, responsePrefix } from '../harness/at/index.ts';

const FINAL = /^(?:OK|ERROR|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|ABORTED|CONNECT(?: .*)?|\+CM[ES] ERROR: ?.+)$/;
const URC = new RegExp(`^(?:${DEFAULT_URC_PREFIXES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`);

interface Pending {
  command: string;
  prefix: string | undefined;
  lines: string[];
}

export interface BaselineResponse {
  command: string;
  lines: string[];
  final: string;
}

export class ReadlineBaseline {
  private readonly parser = new ReadlineParser({ delimiter: '\r\n' });
  private readonly pending: Pending[] = [];

  constructor(
    private readonly onUrc: (line: string) => void,
    private readonly onResponse: (response: BaselineResponse) => void,
  ) {
    // Once flowing, the parser emits each line synchronously inside write().
    this.parser.on('data', (line: string) => this.line(line));
  }

  send(command: string): void {
    this.pending.push({ command, prefix: responsePrefix(command), lines: [] });
  }

  feed(chunk: Uint8Array): void {
    this.parser.write(chunk);
  }

  private line(raw: string): void {
    const text = raw.trim(); // `\r\r\n` leaves a CR behind
    if (text === '') return;
    const current = this.pending[0];
    if (!current) return this.onUrc(text);
    if (text === current.command) return; // echo
    if (FINAL.test(text)) {
      this.pending.shift();
      return this.onResponse({ command: current.command, lines: current.lines, final: text });
    }
    if (current.prefix && text.startsWith(current.prefix)) current.lines.push(text);
    else if (URC.test(text)) this.onUrc(text);
    else current.lines.push(text);
  }
}
