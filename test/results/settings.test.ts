// Broker and lab settings: precedence of flags, environment and lab file, and clear errors for a bad
// broker URL, credentials in the URL or an unreadable credentials file, without echoing a secret.
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBroker } from '../../harness/results/broker.ts';
import { secretValues } from '../../harness/results/secrets.ts';
import { loadResultsSettings, type BrokerSettings } from '../../harness/results/settings.ts';
import { parseTopic, runTopics, statusTopic, watchFilters } from '../../harness/results/topics.ts';

const TLS = new URL('fixtures/tls/', import.meta.url).pathname;

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('results settings', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-settings-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('defaults to prefix hil, lab default, the bench unnamed and no broker', async () => {
    expect(await loadResultsSettings({}, {})).to.deep.equal({ topicPrefix: 'hil', lab: 'default', bench: undefined, broker: undefined, secrets: { env: [], files: [] } });
  });

  it('takes flags over the environment over the lab file, with lab file paths relative to the file', async () => {
    const labFile = join(dir, 'lab.yaml');
    await writeFile(labFile, 'lab: file-lab\nbench: file-bench\ntopicPrefix: acme/hil\nbroker:\n  url: mqtts://file:8883\n  username: bench\n  passwordFile: secrets/pw\n  ca: ca.pem\n');
    const fromFile = await loadResultsSettings({ labFile }, {});
    expect(fromFile).to.deep.equal({
      topicPrefix: 'acme/hil',
      lab: 'file-lab',
      bench: 'file-bench',
      broker: { url: 'mqtts://file:8883', username: 'bench', passwordFile: join(dir, 'secrets/pw'), ca: join(dir, 'ca.pem') },
      secrets: { env: [], files: [] },
    });
    const env = { HIL_LAB_FILE: labFile, HIL_BROKER: 'mqtt://env:1883', HIL_LAB: 'env-lab', HIL_MQTT_PASSWORD: 'from-env' };
    const fromEnv = await loadResultsSettings({}, env);
    expect(fromEnv.lab).to.equal('env-lab');
    // A password from the environment replaces the lab file's password file.
    expect(fromEnv.broker).to.deep.equal({ url: 'mqtt://env:1883', username: 'bench', password: 'from-env', ca: join(dir, 'ca.pem') });
    const fromFlags = await loadResultsSettings({ broker: 'mqtt://flag:1883', lab: 'flag-lab', bench: 'flag-bench' }, env);
    expect(fromFlags).to.include({ lab: 'flag-lab', bench: 'flag-bench' });
    expect(fromFlags.broker!.url).to.equal('mqtt://flag:1883');
  });

  it('knows the values to redact: the secrets the lab file names and the MQTT password', async () => {
    const labFile = join(dir, 'secrets-lab.yaml');
    await writeFile(join(dir, 'pdu-token'), 'tok-from-file\n');
    await writeFile(join(dir, 'mqtt-pw'), 'pw-from-file\n');
    await writeFile(labFile, 'broker:\n  url: mqtt://lab:1883\n  username: bench\n  passwordFile: mqtt-pw\nsecrets:\n  env: [PDU_TOKEN, UNSET_TOKEN]\n  files: [pdu-token]\n');
    const settings = await loadResultsSettings({ labFile }, {});
    expect(settings.secrets).to.deep.equal({ env: ['PDU_TOKEN', 'UNSET_TOKEN'], files: [join(dir, 'pdu-token')] });
    expect(await secretValues(settings, { PDU_TOKEN: 'tok-from-env' })).to.deep.equal(['tok-from-env', 'tok-from-file', 'pw-from-file']);
    const password = await loadResultsSettings({ labFile }, { HIL_MQTT_PASSWORD: 'pw-from-env' });
    expect(await secretValues(password, {})).to.deep.equal(['tok-from-file', 'pw-from-env']);
    await rm(join(dir, 'pdu-token'));
    expect(await failure(secretValues(settings, {}))).to.equal(`cannot read the secret file (secrets.files in the lab file) ${join(dir, 'pdu-token')}: ENOENT`);
  });

  it('reports a lab file mistake with its file and line', async () => {
    const labFile = join(dir, 'bad-lab.yaml');
    await writeFile(labFile, 'lab: x\nbroker:\n  url: mqtt://a\n  pasword: secret\n');
    expect(await failure(loadResultsSettings({ labFile }, {}))).to.equal(`${labFile}:4:3: broker.pasword: unknown key`);
  });

  it('refuses names that would break the topic layout', async () => {
    expect(await failure(loadResultsSettings({ bench: 'bench/7' }, {}))).to.equal('bench name "bench/7" cannot be used in an MQTT topic: it contains /');
    expect(await failure(loadResultsSettings({ lab: 'lab+' }, {}))).to.match(/lab name "lab\+" cannot be used in an MQTT topic: it contains \+, #/);
    expect(await failure(loadResultsSettings({}, { HIL_TOPIC_PREFIX: 'acme//hil' }))).to.match(/empty level/);
  });
});

describe('broker', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-broker-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const resolve = (settings: BrokerSettings) => resolveBroker(settings);

  it('names a broker by scheme, host and port, the default port filled in', async () => {
    expect((await resolve({ url: 'mqtt://broker.lab' })).url).to.equal('mqtt://broker.lab:1883');
    expect((await resolve({ url: 'mqtts://broker.lab' })).url).to.equal('mqtts://broker.lab:8883');
    expect((await resolve({ url: 'wss://broker.lab/mqtt' })).url).to.equal('wss://broker.lab:443/mqtt');
    expect((await resolve({ url: 'ws://127.0.0.1:9001/mqtt' })).url).to.equal('ws://127.0.0.1:9001/mqtt');
  });

  it('says what a broker URL should look like', async () => {
    for (const url of ['broker.lab:1883', 'http://broker.lab', 'not a url', 'mqtt://']) {
      expect(await failure(resolve({ url }))).to.match(/^bad broker URL ".*": expected mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\/ and a host/);
    }
  });

  it('refuses credentials in the URL without repeating them', async () => {
    const message = await failure(resolve({ url: 'mqtt://bench:hunter2@broker.lab' }));
    expect(message).to.match(/must not carry credentials.*HIL_MQTT_USERNAME/);
    expect(message).not.to.contain('hunter2');
  });

  it('reads the password and TLS files, and names a file it cannot read', async () => {
    const passwordFile = join(dir, 'password');
    await writeFile(passwordFile, 'hunter2\n');
    const target = await resolve({ url: 'mqtts://127.0.0.1', username: 'bench', passwordFile, ca: `${TLS}ca.crt`, cert: `${TLS}client.crt`, key: `${TLS}client.key` });
    expect(target.options.password).to.equal('hunter2');
    expect(String(target.options.ca)).to.contain('BEGIN CERTIFICATE');
    expect(JSON.stringify(target.url)).not.to.contain('hunter2');

    const missing = join(dir, 'nope');
    expect(await failure(resolve({ url: 'mqtt://a', username: 'u', passwordFile: missing }))).to.equal(
      `cannot read the MQTT password file (HIL_MQTT_PASSWORD_FILE or broker.passwordFile) ${missing}: ENOENT`,
    );
    expect(await failure(resolve({ url: 'mqtts://a', cert: `${TLS}client.crt`, key: missing }))).to.match(/^cannot read the client key .*: ENOENT$/);
  });

  it('refuses settings that cannot work together', async () => {
    expect(await failure(resolve({ url: 'mqtt://a', password: 'x' }))).to.match(/password needs a username/);
    expect(await failure(resolve({ url: 'mqtt://a', ca: `${TLS}ca.crt` }))).to.match(/needs a TLS broker URL \(mqtts:\/\/ or wss:\/\/\), got mqtt:\/\/a:1883/);
    expect(await failure(resolve({ url: 'mqtts://a', cert: `${TLS}client.crt` }))).to.match(/client certificate needs both files/);
  });
});

describe('topics', () => {
  const scope = { prefix: 'acme/hil', lab: 'lab-1', bench: 'bench-7' };

  it('lays out status, events and summary under the bench, and reads them back', () => {
    expect(statusTopic(scope)).to.equal('acme/hil/lab-1/bench-7/status');
    expect(runTopics(scope, 'r1')).to.deep.equal({ events: 'acme/hil/lab-1/bench-7/runs/r1/events', summary: 'acme/hil/lab-1/bench-7/runs/r1/summary' });
    expect(watchFilters('acme/hil', undefined, 'bench-7')).to.deep.equal(['acme/hil/+/bench-7/status', 'acme/hil/+/bench-7/runs/+/events', 'acme/hil/+/bench-7/runs/+/summary']);
    expect(parseTopic('acme/hil', 'acme/hil/lab-1/bench-7/runs/r1/events')).to.deep.equal({ lab: 'lab-1', bench: 'bench-7', kind: 'events', runId: 'r1' });
    expect(parseTopic('acme/hil', 'acme/hil/lab-1/bench-7/status')).to.deep.equal({ lab: 'lab-1', bench: 'bench-7', kind: 'status' });
    expect(parseTopic('acme/hil', 'acme/hil/lab-1/bench-7/runs/r1/other')).to.equal(undefined);
    expect(parseTopic('acme/hil', 'other/lab-1/bench-7/status')).to.equal(undefined);
  });
});
