// `hil dashboard`: the live dashboard of a lab (benches, runs under way, the last matrix), served on
// loopback or written as static files; the page itself talks to the broker over MQTT over WebSockets.
import { copyFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dashboardFiles } from '../dashboard/page.ts';
import { serveDashboard } from '../dashboard/server.ts';
import { BenchError, UsageError } from '../output/errors.ts';
import type { CliOutput } from '../output/streams.ts';
import { writeWhole } from '../report/write-failure.ts';
import { asUsage, BROKER_OPTIONS, brokerTarget, brokerUsage, resultsSettings } from '../results/run-options.ts';
import { topicName } from '../results/settings.ts';
import { flagValue } from './flags.ts';

export const DASHBOARD_USAGE = `usage: hil dashboard --ws-url URL [options]

Serves the live dashboard of a lab on 127.0.0.1 until interrupted (Ctrl-C), or writes it as static
files (--out): benches (idle, busy, unhealthy, offline) from their agents' presence and status, runs
under way with their suite, step and figures as the events come, and the last matrix. The page
connects to the broker itself, over MQTT over WebSockets, and loads nothing from anywhere else.
  --ws-url URL        the broker's WebSocket listener as the browser reaches it (ws:// or wss://;
                      default --broker where that is ws:// or wss://)
${brokerUsage('the page uses it only where it is ws:// or wss://')}
  --lab NAME          only this lab (default: every lab)
  --port N            port on 127.0.0.1 to serve on (default: one the system picks, printed)
  --matrix DIR        a folder hil matrix --out writes: its matrix.html is shown, read again on each reload
  --out DIR           write index.html, dashboard.js, mqtt.min.js (and matrix.html) to DIR instead

The page sends no credentials: give the dashboard a WebSocket listener it may read without them.`;

function wsUrl(text: string): string {
  const url = new URL(text);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`expected a ws:// or wss:// URL, got "${text}"`);
  if (url.username || url.password) throw new Error('the URL must not carry credentials (user:password@)');
  return text;
}

function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`takes a port number 0 to 65535, got "${text}"`);
  return value;
}

export async function dashboardCommand(args: string[], out: CliOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...BROKER_OPTIONS, 'ws-url': { type: 'string' }, lab: { type: 'string' }, port: { type: 'string' }, matrix: { type: 'string' }, out: { type: 'string' } },
  });
  const settings = await resultsSettings('hil dashboard', { broker: values.broker, labFile: values['lab-file'] });
  const broker = await brokerTarget('hil dashboard', settings);
  const given = values['ws-url'] ?? (broker && /^wss?:/.test(broker.url) ? broker.url : undefined);
  if (given === undefined) {
    throw new UsageError(`hil dashboard: the page needs the broker's WebSocket listener: give --ws-url ws://HOST:PORT${broker ? ` (${broker.url} is not one)` : ''}`);
  }
  const lab = await asUsage('hil dashboard', async () => (values.lab === undefined ? undefined : topicName('lab name', values.lab)));
  const matrixDir = values.matrix === undefined ? undefined : resolve(values.matrix);
  const files = await dashboardFiles({
    wsUrl: flagValue('hil dashboard', '--ws-url', given, wsUrl)!,
    prefix: settings.topicPrefix,
    ...(lab ? { lab } : {}),
    matrix: matrixDir !== undefined,
  });
  if (values.out !== undefined) {
    const dir = resolve(values.out);
    await mkdir(dir, { recursive: true });
    for (const file of files) await writeWhole(join(dir, file.name), file.content.toString());
    if (matrixDir) {
      await copyFile(join(matrixDir, 'matrix.html'), join(dir, 'matrix.html')).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`hil dashboard: --matrix ${matrixDir}: cannot read matrix.html (${error.code ?? error.message}): hil matrix --out ${matrixDir} writes it`);
      });
    }
    out.stdout(`dashboard: ${join(dir, 'index.html')}`);
    return 0;
  }
  const server = await serveDashboard(files, flagValue('hil dashboard', '--port', values.port, port) ?? 0, matrixDir).catch((error: NodeJS.ErrnoException) => {
    throw new BenchError(`hil dashboard: cannot listen on 127.0.0.1:${values.port ?? 0} (${error.code ?? error.message})`);
  });
  out.stdout(`dashboard: ${server.url} (the page connects to ${given}); Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
