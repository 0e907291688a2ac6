// `hil run`, `hil publish` and `hil watch` as processes against a real Mosquitto: the stream in
// order, a broker restart mid-run, a harness killed mid-run, credentials kept out of the report.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCursors } from '../../harness/results/ack-cursor.ts';
import { EVENTS_FILE } from '../../harness/results/event-log.ts';
import { parseEvent, type RunEvent } from '../../harness/results/events.ts';
import type { BenchStatus } from '../../harness/results/status.ts';
import { PtyBench } from '../rig/pty-bench.ts';
import { HilProcess, lineCount } from './hil.ts';
import { Mosquitto } from './mosquitto.ts';
import { Subscriber } from './subscriber.ts';
import { until } from './wait.ts';

const TLS = new URL('fixtures/tls/', import.meta.url).pathname;
const BENCH = ['--lab', 'lab-1', '--bench', 'bench-7'];
/** boot-delay at this time scale lasts a few seconds: time to act while it runs. */
const SLOW = ['--suite', 'boot-delay', '--seed', '11', '--time-scale', '20'];

async function logged(reportDir: string): Promise<RunEvent[]> {
  const text = await readFile(join(reportDir, EVENTS_FILE), 'utf8');
  return text.split('\n').filter(Boolean).map(parseEvent);
}

function statuses(subscriber: Subscriber): BenchStatus[] {
  return subscriber.received.filter((m) => m.topic === 'hil/lab-1/bench-7/status').map((m) => JSON.parse(m.payload) as BenchStatus);
}

describe('hil results over MQTT', function () {
  this.timeout(90_000);
  let dir: string;
  let broker: Mosquitto;
  let subscriber: Subscriber | undefined;
  const processes: HilProcess[] = [];
  const hil = (args: string[], env?: Record<string, string>) => {
    const process = new HilProcess(args, env);
    processes.push(process);
    return process;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-mqtt-'));
  });
  afterEach(async () => {
    for (const process of processes.splice(0)) await process.kill('SIGKILL');
    await subscriber?.close();
    subscriber = undefined;
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function brokerAndSubscriber(settings?: string[]): Promise<void> {
    broker = await Mosquitto.start(settings);
    subscriber = await Subscriber.connect(broker.url, ['hil/#']);
  }

  it('streams every event of a run in order, with the bench status and a retained summary', async () => {
    await brokerAndSubscriber();
    const reportDir = join(dir, 'run');
    const run = hil(['run', '--suite', 'boot-delay', '--seed', '11', '--broker', broker.url, ...BENCH, '--report-dir', reportDir]);
    expect((await run.finish()).code, run.output).to.equal(0);
    expect(run.stdout).to.contain(`results: publishing to ${broker.url} under hil/lab-1/bench-7; watch with: npx hil watch --broker ${broker.url}`);

    const events = await logged(reportDir);
    const runId = events[0]!.runId;
    await subscriber!.waitFor('the whole run', () => subscriber!.deduplicated(runId).length >= events.length);
    expect(subscriber!.events()).to.deep.equal(events); // in order, each once
    const types = new Set(events.map((e) => e.type));
    for (const type of ['run.started', 'module.identified', 'power', 'suite.started', 'step', 'ota.opened', 'ota.closed', 'measurement', 'suite.ended', 'run.ended']) {
      expect(types, type).to.include(type);
    }
    expect(events.at(-1)).to.deep.include({ type: 'run.ended', data: { status: 'passed', totals: { passed: 1, failed: 0, broken: 0, skipped: 0 }, tests: [{ suiteId: 'boot-delay', status: 'passed' }] } });
    expect(await readCursors(reportDir)).to.deep.equal({ [broker.url]: events.length });

    await subscriber!.waitFor('the idle status', () => statuses(subscriber!).at(-1)?.state === 'idle');
    expect(statuses(subscriber!).map((s) => [s.state, s.suite])).to.deep.include(['running', 'boot-delay']);
    // Someone who subscribes after the run finds the bench idle and the run's summary.
    const late = await Subscriber.connect(broker.url, ['hil/lab-1/bench-7/#'], { clean: true, properties: {} });
    try {
      await late.waitFor('the retained messages', () => late.received.length >= 2);
      const summary = late.received.find((m) => m.topic === `hil/lab-1/bench-7/runs/${runId}/summary`)!;
      expect(summary.retain).to.equal(true);
      expect(parseEvent(summary.payload)).to.deep.equal(events.at(-1));
      expect(JSON.parse(late.received.find((m) => m.topic.endsWith('/status'))!.payload)).to.include({ state: 'idle', runId });
    } finally {
      await late.close();
    }
  });

  it('loses nothing when the broker stops and starts again mid-run; the run goes on regardless', async () => {
    await brokerAndSubscriber();
    const reportDir = join(dir, 'run');
    const run = hil(['run', ...SLOW, '--transcript-events', '--broker', broker.url, ...BENCH, '--report-dir', reportDir]);
    await subscriber!.waitFor('the suite to start', () => subscriber!.events().some((e) => e.type === 'suite.started'));
    await broker.pause();
    const atPause = await lineCount(join(reportDir, EVENTS_FILE));
    await until('events recorded while the broker is away', async () => (await lineCount(join(reportDir, EVENTS_FILE))) >= atPause + 5);
    await broker.resume();
    expect((await run.finish()).code, run.output).to.equal(0);
    expect(run.stderr).to.contain(`lost the connection to ${broker.url}`);

    const events = await logged(reportDir);
    const runId = events[0]!.runId;
    await subscriber!.waitFor('the whole run', () => subscriber!.deduplicated(runId).length >= events.length);
    const bySeq = subscriber!.deduplicated(runId).sort((a, b) => a.seq - b.seq);
    expect(bySeq).to.deep.equal(events);
  });

  it('hil publish sends what a run killed with SIGKILL left unacknowledged', async () => {
    await brokerAndSubscriber();
    const reportDir = join(dir, 'killed');
    const run = hil(['run', ...SLOW, '--transcript-events', '--broker', broker.url, ...BENCH, '--report-dir', reportDir]);
    await subscriber!.waitFor('the suite to start', () => subscriber!.events().some((e) => e.type === 'suite.started'));
    await broker.pause();
    const atPause = await lineCount(join(reportDir, EVENTS_FILE));
    await until('events recorded while the broker is away', async () => (await lineCount(join(reportDir, EVENTS_FILE))) >= atPause + 5);
    await run.kill('SIGKILL');
    await broker.resume();

    const events = await logged(reportDir);
    const runId = events[0]!.runId;
    const before = subscriber!.deduplicated(runId).length;
    expect(before).to.be.lessThan(events.length);
    const publish = hil(['publish', reportDir, '--broker', broker.url]);
    expect((await publish.finish()).code, publish.output).to.equal(0);
    expect(publish.stdout).to.match(new RegExp(`run ${runId} \\(lab-1/bench-7\\): sending \\d+ of ${events.length} events to ${broker.url}`));
    await subscriber!.waitFor('the rest of the run', () => subscriber!.deduplicated(runId).length >= events.length);
    expect(subscriber!.deduplicated(runId).sort((a, b) => a.seq - b.seq)).to.deep.equal(events);
    expect(await readCursors(reportDir)).to.deep.equal({ [broker.url]: events.length });

    const again = hil(['publish', reportDir, '--broker', broker.url]);
    expect((await again.finish()).code).to.equal(0);
    expect(again.stdout).to.contain(`nothing to send: ${broker.url} has acknowledged all ${events.length} events of run ${runId}`);
  });

  it('the next hil run sends what a killed run left; the Last Will marks a killed harness offline', async () => {
    await brokerAndSubscriber();
    const killed = join(dir, 'a-killed');
    const first = hil(['run', ...SLOW, '--broker', broker.url, ...BENCH, '--report-dir', killed]);
    await subscriber!.waitFor('the suite to start', () => subscriber!.events().some((e) => e.type === 'suite.started'));
    await first.kill('SIGKILL');
    await subscriber!.waitFor('the offline status', () => statuses(subscriber!).at(-1)?.state === 'offline');

    const second = hil(['run', ...SLOW, '--broker', broker.url, ...BENCH, '--report-dir', join(dir, 'b-killed')]);
    await subscriber!.waitFor('the second run', () => subscriber!.events().filter((e) => e.type === 'suite.started').length >= 2);
    await broker.pause();
    const lines = await lineCount(join(dir, 'b-killed', EVENTS_FILE));
    await until('events recorded while the broker is away', async () => (await lineCount(join(dir, 'b-killed', EVENTS_FILE))) >= lines + 5);
    await second.kill('SIGKILL');
    await broker.resume();

    const next = hil(['run', '--suite', 'boot-delay', '--broker', broker.url, ...BENCH, '--report-dir', join(dir, 'c-next')]);
    expect((await next.finish()).code, next.output).to.equal(0);
    // The first run may have left a few unacknowledged events too (it was killed mid-stream).
    expect(next.stdout).to.match(new RegExp(`results: sending \\d+ event\\(s\\) of [12] earlier run\\(s\\) that ${broker.url} never acknowledged`));
    for (const killedDir of [killed, join(dir, 'b-killed')]) {
      const left = await logged(killedDir);
      await subscriber!.waitFor(`the rest of ${killedDir}`, () => subscriber!.deduplicated(left[0]!.runId).length >= left.length);
      expect(subscriber!.deduplicated(left[0]!.runId).sort((a, b) => a.seq - b.seq)).to.deep.equal(left);
      expect(await readCursors(killedDir)).to.deep.equal({ [broker.url]: left.length });
    }
  });

  it('finishes a run with the broker away as it would with it there, and keeps every event for hil publish', async () => {
    broker = await Mosquitto.start();
    await broker.pause();
    const reportDir = join(dir, 'away');
    const run = hil(['run', '--suite', 'boot-delay', '--seed', '11', '--broker', broker.url, ...BENCH, '--report-dir', reportDir]);
    expect((await run.finish()).code, run.output).to.equal(0);
    expect(run.stderr).to.match(new RegExp(`results: no connection to ${broker.url} \\(connect ECONNREFUSED [^)]*\\); retrying every 1 s`));
    const events = await logged(reportDir);
    expect(run.stderr).to.contain(`results: ${events.length} event(s) not acknowledged by ${broker.url}; kept in ${join(reportDir, EVENTS_FILE)}: npx hil publish ${reportDir} sends them`);

    await broker.resume();
    subscriber = await Subscriber.connect(broker.url, ['hil/#']);
    const publish = hil(['publish', reportDir], { HIL_BROKER: broker.url });
    expect((await publish.finish()).code, publish.output).to.equal(0);
    await subscriber.waitFor('the run', () => subscriber!.events().length >= events.length);
    expect(subscriber.events()).to.deep.equal(events);
  });

  it('keeps credentials out of every file of the report folder, over TLS with a password and a client certificate', async () => {
    const username = `user-${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, `${password}\n`);
    const brokerPasswords = join(dir, 'mosquitto.passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', brokerPasswords, username, password]);
    broker = await Mosquitto.start([
      'allow_anonymous false',
      `password_file ${brokerPasswords}`,
      `cafile ${TLS}ca.crt`,
      `certfile ${TLS}server.crt`,
      `keyfile ${TLS}server.key`,
      'require_certificate true',
    ]);
    const url = `mqtts://127.0.0.1:${broker.port}`;
    const tls = { ca: await readFile(`${TLS}ca.crt`), cert: await readFile(`${TLS}client.crt`), key: await readFile(`${TLS}client.key`) };
    subscriber = await Subscriber.connect(url, ['hil/#'], { username, password, ...tls });

    const reportDir = join(dir, 'secure');
    const run = hil(['run', '--suite', 'boot-delay', '--seed', '11', '--transcript-events', ...BENCH, '--report-dir', reportDir], {
      HIL_BROKER: url,
      HIL_MQTT_USERNAME: username,
      HIL_MQTT_PASSWORD_FILE: passwordFile,
      HIL_MQTT_CA: `${TLS}ca.crt`,
      HIL_MQTT_CERT: `${TLS}client.crt`,
      HIL_MQTT_KEY: `${TLS}client.key`,
    });
    expect((await run.finish()).code, run.output).to.equal(0);
    const events = await logged(reportDir);
    await subscriber.waitFor('the run over TLS', () => subscriber!.events().length >= events.length);

    const keyBody = tls.key.toString().split('\n').find((line) => line.length > 40)!;
    const secrets = [password, username, keyBody];
    const files = (await readdir(reportDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
    expect(files.map((f) => f.name)).to.include.members([EVENTS_FILE, 'summary.json', 'transcript.log']);
    for (const file of files) {
      const text = await readFile(join(file.parentPath, file.name), 'utf8');
      for (const secret of secrets) expect(text, `${file.name} holds a credential`).not.to.contain(secret);
    }
    for (const secret of secrets) expect(run.output).not.to.contain(secret);
  });

  it('waits the promised 10 s for the last acknowledgements even while the broker is away at the end', async () => {
    await brokerAndSubscriber();
    const reportDir = join(dir, 'brief-outage');
    const run = hil(['run', '--suite', 'boot-delay', '--seed', '11', '--broker', broker.url, ...BENCH, '--report-dir', reportDir]);
    await subscriber!.waitFor('the suite to start', () => subscriber!.events().some((e) => e.type === 'suite.started'));
    await broker.pause();
    // The broker comes back once the run has recorded its end and is waiting for acknowledgements.
    await until('the end of the run', async () => (await logged(reportDir).catch(() => [])).at(-1)?.type === 'run.ended', 30_000, () => run.output);
    await broker.resume();
    expect((await run.finish()).code, run.output).to.equal(0);
    expect(run.stderr).not.to.contain('not acknowledged');
    expect(await readCursors(reportDir)).to.deep.equal({ [broker.url]: (await logged(reportDir)).length });
  });

  it('keeps a power command\'s output out of the events and redacts the secrets the lab file names everywhere', async () => {
    const username = 'bench-7';
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const token = `tok-${randomBytes(8).toString('hex')}`;
    const brokerPasswords = join(dir, 'mosquitto.passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', brokerPasswords, username, password]);
    broker = await Mosquitto.start(['allow_anonymous false', `password_file ${brokerPasswords}`]);
    subscriber = await Subscriber.connect(broker.url, ['hil/#'], { username, password });
    const bench = await PtyBench.create('hil-secrets-');
    try {
      await bench.startSim(['--time-scale', '25']);
      const log = join(bench.dir, 'power.log');
      // A PDU CLI that echoes its credentials, and whose last off (the safe state's) fails quoting the token.
      const on = join(bench.dir, 'on.sh');
      await writeFile(on, `#!/bin/sh\necho "pdu login token=$PDU_TOKEN password=$HIL_MQTT_PASSWORD"\n${bench.ctl('on')} >/dev/null && echo on >> ${log}\n`);
      const off = join(bench.dir, 'off.sh');
      await writeFile(off, `#!/bin/sh\n[ "$(grep -c '^on$' ${log})" -ge 2 ] && { echo "outlet busy for token $PDU_TOKEN" >&2; exit 1; }\n${bench.ctl('off')}\n`);
      await chmod(on, 0o755);
      await chmod(off, 0o755);
      const rig = await bench.rig('secret-pdu', 25, [`power: { type: exec, on: '${on}', off: '${off}', timeout: 20 s }`]);
      const labFile = join(dir, 'lab.yaml');
      await writeFile(labFile, `secrets:\n  env: [PDU_TOKEN]\n`);
      const reportDir = join(dir, 'secret');
      const run = hil(['run', '--rig', rig, '--suite', 'boot-delay', '--seed', '5', '--lab-file', labFile, '--broker', broker.url, ...BENCH, '--report-dir', reportDir], {
        PDU_TOKEN: token, HIL_MQTT_USERNAME: username, HIL_MQTT_PASSWORD: password,
      });
      expect((await run.finish()).code, run.output).to.equal(3);
      const events = await logged(reportDir);
      await subscriber.waitFor('the run and its retained summary', () => subscriber!.received.some((m) => m.topic.endsWith('/summary')));

      const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8')) as { abortReason: string };
      expect(summary.abortReason).to.equal('could not bring the bench to its safe state: power.off (off.sh) exited with code 1: outlet busy for token [redacted]');
      const notes = events.filter((e) => e.type === 'note').map((e) => (e.data as { text: string }).text);
      expect(notes.filter((text) => /^power\.on \(on\.sh\): exit 0 after \d+ ms wall time; output 1 line, sha256 [0-9a-f]{12}$/.test(text)), 'digests of the on commands').to.have.length(2);
      expect(JSON.stringify(events), 'command output in the events').not.to.contain('pdu login');
      const files = (await readdir(reportDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
      expect(files.map((f) => f.name)).to.include.members([EVENTS_FILE, 'summary.json', 'transcript.log', 'junit.xml', 'certificate.json']);
      for (const file of files) {
        const text = await readFile(join(file.parentPath, file.name), 'utf8');
        for (const secret of [token, password]) expect(text, `${file.name} holds a secret`).not.to.contain(secret);
      }
      for (const secret of [token, password]) {
        expect(run.output, 'console').not.to.contain(secret);
        expect(subscriber.received.map((m) => m.payload).join('\n'), 'broker messages').not.to.contain(secret);
      }
    } finally {
      await bench.close();
    }
  });

  it('starts an embedded broker when none is configured, says where to watch, and hil watch shows the run', async () => {
    const reportDir = join(dir, 'embedded');
    const run = hil(['run', '--suite', 'boot-delay', '--seed', '11', '--time-scale', '15', ...BENCH, '--report-dir', reportDir]);
    const [, url] = await run.waitFor(/results: live on (mqtt:\/\/127\.0\.0\.1:\d+) \(embedded broker, for the length of this run\); watch with: npx hil watch/);
    const watch = hil(['watch', '--broker', url!, '--bench', 'bench-7']);
    await watch.waitFor(/\[lab-1\/bench-7\] run \S+ passed: 1 passed, 0 failed/);
    expect(watch.stdout).to.match(/\[lab-1\/bench-7\]     boot_delay = [\d.]+( ± [\d.]+)? s  \[60–120 s\]  (PASS|MARGINAL)/);
    expect((await run.finish()).code, run.output).to.equal(0);
    expect((await watch.kill('SIGTERM')).code).to.equal(0);
    expect(await readCursors(reportDir)).to.deep.equal({}); // an embedded broker's acknowledgements are not kept
  });

  it('ends the results stream and exits when an error stops the run', async () => {
    const rig = join(dir, 'no-port.yaml');
    await writeFile(rig, `name: no-port\nserial: {path: ${join(dir, 'no-such-port')}}\npower: {type: exec, on: "true", off: "true"}\nsettle: {discharge: 0 s, bootTimeout: 1 s}\n`);
    const reportDir = join(dir, 'stopped');
    const run = hil(['run', '--rig', rig, '--suite', 'boot-delay', '--report-dir', reportDir]);
    expect((await run.finish(30_000)).code, run.output).to.equal(4);
    expect(run.stdout).to.match(/results: live on mqtt:\/\/127\.0\.0\.1:\d+ \(embedded broker/);
    const last = (await logged(reportDir)).at(-1)!;
    expect(last.type).to.equal('run.ended');
    expect(last.data).to.deep.include({ status: 'incomplete' });
    expect((last.data as { abortReason: string }).abortReason).to.match(/no-such-port did not open within 1 s/);
  });

  it('writes events.jsonl only with --no-broker', async () => {
    const reportDir = join(dir, 'offline');
    const run = hil(['run', '--suite', 'boot-delay', '--seed', '11', '--no-broker', '--report-dir', reportDir]);
    expect((await run.finish()).code, run.output).to.equal(0);
    expect(run.stdout).to.contain(`results: ${join(reportDir, EVENTS_FILE)} only (no broker)`);
    expect((await logged(reportDir)).at(-1)!.type).to.equal('run.ended');
  });
});
