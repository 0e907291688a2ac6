// Headless Chromium (the Debian package) driven by playwright-core, to look at a report the way a
// person would, while recording every request the pages make: shared by the tests and the README's pictures.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  /** Every URL any page asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no ${CHROMIUM}: install the Debian package (apt-get install chromium)`);
  const profile = await mkdtemp(join(tmpdir(), 'hil-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    return {
      context,
      requests,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/** A request that leaves the machine: anything but files, in-page data and the loopback interface. */
export function offMachine(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (['file:', 'data:', 'blob:', 'about:'].includes(protocol)) return false;
  return !['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}
