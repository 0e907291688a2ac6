// Bad results options end `hil run`, `hil publish` and `hil watch` with exit code 2 and a message
// that says what is wrong, before any bench is touched, and never repeat a secret.
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../harness/cli/main.ts';
import { EVENTS_FILE } from '../../harness/results/event-log.ts';

async function hil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = { stdout: '', stderr: '' };
  const code = await main(args, { stdout: (t) => (output.stdout += `${t}\n`), stderr: (t) => (output.stderr += `${t}\n`) });
  return { code, ...output };
}

describe('results options on the command line', () => {
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-cli-'));
    // Settings from the shell running the tests must not change their outcome.
    for (const name of Object.keys(process.env).filter((n) => n.startsWith('HIL_'))) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  after(async () => {
    Object.assign(process.env, saved);
    await rm(dir, { recursive: true, force: true });
  });

  it('hil run refuses a bad broker URL, credentials in the URL and an unreadable password file', async () => {
    const bad = await hil(['run', '--broker', 'broker.lab:1883']);
    expect(bad).to.include({ code: 2 });
    expect(bad.stderr).to.match(/^hil run: bad broker URL "broker\.lab:1883": expected mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\/ and a host/);

    const inUrl = await hil(['run', '--broker', 'mqtt://bench:hunter2@broker.lab']);
    expect(inUrl.code).to.equal(2);
    expect(inUrl.stderr).to.match(/must not carry credentials/);
    expect(inUrl.stderr + inUrl.stdout).not.to.contain('hunter2');

    process.env.HIL_MQTT_USERNAME = 'bench';
    process.env.HIL_MQTT_PASSWORD_FILE = join(dir, 'missing');
    try {
      const unreadable = await hil(['run', '--broker', 'mqtt://broker.lab']);
      expect(unreadable.code).to.equal(2);
      expect(unreadable.stderr).to.contain(`hil run: cannot read the MQTT password file (HIL_MQTT_PASSWORD_FILE or broker.passwordFile) ${join(dir, 'missing')}: ENOENT`);
    } finally {
      delete process.env.HIL_MQTT_USERNAME;
      delete process.env.HIL_MQTT_PASSWORD_FILE;
    }
  });

  it('hil run refuses contradicting flags, a bench name unfit for a topic and a folder that has a run', async () => {
    expect((await hil(['run', '--broker', 'mqtt://a', '--no-broker'])).stderr).to.contain('hil run: --broker and --no-broker exclude each other');
    expect((await hil(['run', '--bench', 'bench/7'])).stderr).to.contain('hil run: bench name "bench/7" cannot be used in an MQTT topic: it contains /');
    const used = join(dir, 'used');
    await mkdir(used);
    await writeFile(join(used, EVENTS_FILE), '');
    const again = await hil(['run', '--no-broker', '--report-dir', used]);
    expect(again).to.include({ code: 2 });
    expect(again.stderr).to.contain(`hil run: ${used} already holds the events of a run; give another --report-dir`);
  });

  it('hil publish needs one report folder with events, a broker, and no run still writing it', async () => {
    expect((await hil(['publish'])).stderr).to.match(/^hil publish: expected one report folder, got 0/);
    const empty = await mkdtemp(join(dir, 'empty-'));
    expect((await hil(['publish', empty])).stderr).to.match(/^hil publish: no broker: give --broker URL, set HIL_BROKER, or give a lab file with broker.url/);
    const missing = await hil(['publish', empty, '--broker', 'mqtt://127.0.0.1:1']);
    expect(missing).to.include({ code: 2 });
    expect(missing.stderr).to.contain(`hil publish: no ${EVENTS_FILE} in ${empty}`);

    await writeFile(join(empty, EVENTS_FILE), '');
    await writeFile(join(empty, 'events.writer'), `${process.pid}\n`);
    const live = await hil(['publish', empty, '--broker', 'mqtt://127.0.0.1:1']);
    expect(live).to.include({ code: 2 });
    expect(live.stderr).to.contain(`belongs to a run still under way (process ${process.pid})`);
  });

  it('hil watch refuses a bad broker URL and a lab name unfit for a topic', async () => {
    const ftp = await hil(['watch', '--broker', 'ftp://broker.lab']);
    expect(ftp).to.include({ code: 2 });
    expect(ftp.stderr).to.match(/^hil watch: bad broker URL "ftp:\/\/broker\.lab": expected mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\/ and a host/);
    expect((await hil(['watch', '--broker', 'mqtt://a', '--lab', '#'])).stderr).to.match(/^hil watch: lab name "#" cannot be used in an MQTT topic/);
  });
});
