// `hil updates` against `hil sim --vendor-api` on loopback, as an operator runs it on a real bench.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HilProcess } from '../results/hil.ts';
import { CREDENTIALS, ICCID } from './api-server.ts';

const KEY_ENV = { TWILIO_API_KEY: CREDENTIALS.username, TWILIO_API_SECRET: CREDENTIALS.password };

describe('hil updates', function () {
  this.timeout(60_000);
  let dir: string;
  let sim: HilProcess;
  let api: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-updates-'));
    sim = new HilProcess(['sim', '--pty', join(dir, 'module'), '--iccid', ICCID, '--update-blocks', '2', '--vendor-api', '0'], KEY_ENV);
    [, api] = await sim.waitFor(/vendor API on (http:\/\/127\.0\.0\.1:\d+)/);
  });
  after(async () => {
    await sim.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('prints each update with its status and packages and exits 0', async () => {
    const run = new HilProcess(['updates', '--iccid', ICCID], { ...KEY_ENV, HIL_SUPERSIM_API: api! });
    expect((await run.finish()).code, run.output).to.equal(0);
    expect(run.stdout).to.match(new RegExp(`^SIM ${ICCID}: 1 settings update at ${api!}, newest first\\n  scheduled   operator-settings 2 \\(OB0{31}1; created \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)\\n$`));
  });

  it('--json prints the API records', async () => {
    const run = new HilProcess(['updates', '--iccid', ICCID, '--json'], { ...KEY_ENV, HIL_SUPERSIM_API: api! });
    expect((await run.finish()).code, run.output).to.equal(0);
    const records = JSON.parse(run.stdout) as { status: string; packages: { name: string; version: string }[] }[];
    expect(records.map((r) => [r.status, r.packages.map((p) => `${p.name} ${p.version}`)])).to.deep.equal([['scheduled', ['operator-settings 2']]]);
  });

  it('a wrong secret exits 3 (the infrastructure) naming the credentials, not their value', async () => {
    const wrong = 'wrong-secret-a83b77';
    const run = new HilProcess(['updates', '--iccid', ICCID], { ...KEY_ENV, TWILIO_API_SECRET: wrong, HIL_SUPERSIM_API: api! });
    expect((await run.finish()).code).to.equal(3);
    expect(run.stderr).to.match(/^hil updates: http:\/\/127\.0\.0\.1:\d+\/v1\/Sims answered 401 Unauthorized \(Authenticate\): check TWILIO_API_KEY and TWILIO_API_SECRET\n$/);
    expect(run.output).not.to.contain(wrong);
  });

  it('without credentials says which to set', async () => {
    const run = new HilProcess(['updates', '--iccid', ICCID], { HIL_SUPERSIM_API: api! });
    expect((await run.finish()).code).to.equal(2);
    expect(run.stderr).to.contain("hil updates: the SIM vendor's API is not configured: set TWILIO_API_KEY and TWILIO_API_SECRET");
  });
});
