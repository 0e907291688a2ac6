import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followPwrkeyFile } from '../../harness/sim/index.ts';
import { runHil } from '../../support/hil-process.ts';
import { READY_MS, SECOND, SimRig, waitFor } from './helpers.ts';

/** Quectel's figures: on after 500 ms, a power-down after 650 ms, the supply may go after 30 s. */
const PWRKEY = { pulseOn: 500, pulseOff: 650, shutdown: 30_000 };

/** Holds PWRKEY for `ms` rig ms. */
function press(rig: SimRig, ms: number): void {
  rig.module.pwrkey(true);
  rig.advance(ms);
  rig.module.pwrkey(false);
}

/** The truth events about power, in order. */
function powerEvents(rig: SimRig): string[] {
  const kinds = ['supply-on', 'supply-off', 'pwrkey-pressed', 'pwrkey-released', 'power-on', 'shutdown', 'power-off'];
  return rig.module.truth.toJSON().events.filter((event) => kinds.includes(event.what)).map((event) => event.what);
}

describe('virtual module: PWRKEY', () => {
  it('stays off, its port silent, with the supply alone', () => {
    const rig = new SimRig({ pwrkey: PWRKEY });
    rig.module.power(true);
    rig.advance(READY_MS);
    rig.module.write(Buffer.from('AT\r'));
    expect(rig.take()).to.equal('');
    expect(rig.module.phase).to.equal('off');
    expect(rig.module.truth.toJSON().powerOns).to.deep.equal([]);
  });

  it('ignores presses shorter than pulseOn, and while running shorter than pulseOff', () => {
    const rig = new SimRig({ pwrkey: PWRKEY });
    rig.module.power(true);
    press(rig, PWRKEY.pulseOn - 1);
    rig.advance(READY_MS);
    expect(rig.module.phase).to.equal('off');
    expect(rig.take()).to.equal('');

    press(rig, PWRKEY.pulseOn);
    rig.advance(READY_MS);
    press(rig, PWRKEY.pulseOff - 1);
    rig.advance(READY_MS);
    expect(rig.module.phase).to.equal('ready');
    expect(rig.at('AT')).to.deep.equal(['AT', 'OK']);
  });

  it('boots the moment a press reaches pulseOn, which ground truth records as the power-on', () => {
    const rig = new SimRig({ pwrkey: PWRKEY });
    const edges: [number, boolean][] = [];
    rig.module.on('power', (on) => edges.push([rig.clock.now(), on]));
    rig.module.power(true);
    rig.advance(100);
    rig.module.pwrkey(true);
    rig.advance(PWRKEY.pulseOn - 1);
    expect(rig.module.phase).to.equal('off');
    rig.advance(1);
    expect(rig.module.phase).to.equal('booting');
    rig.advance(300); // held past the threshold: the harness releases a little late
    rig.module.pwrkey(false);
    rig.advance(READY_MS);

    const bootAt = 100 + PWRKEY.pulseOn;
    const truth = rig.module.truth.toJSON();
    expect(truth.powerOns).to.deep.equal([bootAt]);
    expect(truth.readyAt).to.deep.equal([bootAt + rig.module.timing.bootMs]);
    expect(truth.checksScheduled.map((check) => check.at), "the applet's timer starts at the boot").to.deep.equal([bootAt]);
    expect(rig.heard[0]).to.deep.equal({ at: bootAt + rig.module.timing.bootMs, text: 'RDY' });
    expect(edges).to.deep.equal([[bootAt, true]]);
    expect(powerEvents(rig)).to.deep.equal(['supply-on', 'pwrkey-pressed', 'power-on', 'pwrkey-released']);
  });

  it('shuts down on a press of pulseOff: contexts deactivated, detached, the OTA session cut, then off', () => {
    const rig = new SimRig({ pwrkey: PWRKEY, faults: ['early-check'] });
    rig.module.power(true);
    press(rig, PWRKEY.pulseOn);
    rig.advance(READY_MS);
    rig.at('ATE0');
    rig.at('AT+CGEREP=2,1');
    rig.at('AT+CEREG=1');
    rig.advanceUntil(() => rig.sessions()[0]?.openedAt !== undefined, 30 * SECOND);
    const { cid } = rig.sessions()[0]!;
    const mark = rig.mark();

    rig.module.pwrkey(true);
    rig.advance(PWRKEY.pulseOff);
    const shutdownAt = rig.clock.now();
    rig.module.pwrkey(false);
    expect(rig.heard.slice(mark)).to.deep.equal([
      { at: shutdownAt, text: `+CGEV: ME PDN DEACT ${cid}` },
      { at: shutdownAt, text: '+CEREG: 0' },
    ]);
    expect(rig.sessions()[0]).to.deep.include({ outcome: 'interrupted', closedAt: shutdownAt });
    expect(rig.module.phase).to.equal('shutting-down');
    expect(rig.at('AT'), 'no answers during the power-down').to.deep.equal([]);

    rig.advance(rig.module.timing.shutdownMs - 1);
    expect(rig.module.powered).to.equal(true);
    rig.advance(1);
    expect(rig.module.phase).to.equal('off');
    expect(rig.module.truth.toJSON().powerOffs).to.deep.equal([shutdownAt + rig.module.timing.shutdownMs]);
    rig.advance(3 * 60 * SECOND);
    expect(rig.sessions(), 'no check after the power-down').to.have.length(1);

    // The supply is still on: another press starts it again.
    press(rig, PWRKEY.pulseOn);
    expect(rig.module.phase).to.equal('booting');
    expect(powerEvents(rig)).to.deep.equal([
      ...['supply-on', 'pwrkey-pressed', 'power-on', 'pwrkey-released'],
      ...['pwrkey-pressed', 'shutdown', 'pwrkey-released', 'power-off'],
      ...['pwrkey-pressed', 'power-on', 'pwrkey-released'],
    ]);
  });

  it('goes off at once when the supply goes, and needs a press after it returns', () => {
    const rig = new SimRig({ pwrkey: PWRKEY });
    rig.module.power(true);
    press(rig, PWRKEY.pulseOn);
    rig.advance(READY_MS);
    rig.module.power(false);
    expect(rig.module.phase).to.equal('off');
    expect(rig.module.truth.toJSON().powerOffs).to.deep.equal([rig.clock.now()]);

    rig.module.power(true);
    rig.advance(READY_MS);
    expect(rig.module.phase).to.equal('off');
    expect(powerEvents(rig)).to.deep.equal(['supply-on', 'pwrkey-pressed', 'power-on', 'pwrkey-released', 'supply-off', 'power-off', 'supply-on']);
  });

  it('times a hold from the supply: a key held (or tied) active starts the module pulseOn after power comes', () => {
    const rig = new SimRig({ pwrkey: PWRKEY });
    rig.module.pwrkey(true);
    rig.advance(PWRKEY.pulseOn + 100); // held with no supply: nothing yet
    expect(rig.module.phase).to.equal('off');
    rig.module.power(true);
    const suppliedAt = rig.clock.now();
    rig.advance(PWRKEY.pulseOn - 1);
    expect(rig.module.phase, 'a hold before the supply does not count').to.equal('off');
    rig.advance(1);
    expect(rig.module.phase).to.equal('booting');
    expect(rig.module.truth.toJSON().powerOns).to.deep.equal([suppliedAt + PWRKEY.pulseOn]);
  });

  it('cuts a power-down short when the supply goes', () => {
    const rig = new SimRig({ pwrkey: PWRKEY });
    rig.module.power(true);
    press(rig, PWRKEY.pulseOn);
    rig.advance(READY_MS);
    press(rig, PWRKEY.pulseOff);
    rig.advance(100);
    rig.module.power(false);
    expect(rig.module.phase).to.equal('off');
    rig.advance(rig.module.timing.shutdownMs);
    expect(rig.module.truth.toJSON().powerOffs).to.have.length(1);
  });

  it('follows a GPIO value file as PWRKEY, active-low', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-pwrkey-'));
    const rig = new SimRig({ pwrkey: PWRKEY });
    rig.module.power(true);
    const value = join(dir, 'value');
    writeFileSync(value, '1\n');
    const follower = followPwrkeyFile(rig.module, value, '0');
    const said = (what: string) => rig.module.truth.toJSON().events.some((event) => event.what === what);
    try {
      writeFileSync(value, '0\n');
      await waitFor(() => said('pwrkey-pressed'), 'the press');
      rig.advance(PWRKEY.pulseOn);
      writeFileSync(value, '1\n');
      await waitFor(() => said('pwrkey-released'), 'the release');
      expect(rig.module.phase).to.equal('booting');
    } finally {
      follower.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no PWRKEY input unless it is modelled', () => {
    expect(() => new SimRig().module.pwrkey(true)).to.throw('no PWRKEY line');
  });

  it('hil sim --pwrkey-file refuses a profile without PWRKEY timings, naming both', async () => {
    const run = await runHil(['sim', '--pty', join(tmpdir(), 'unused'), '--profile', 'nordic-nrf9160', '--pwrkey-file', join(tmpdir(), 'unused-value')]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('hil sim: --pwrkey-file needs PWRKEY timings, and module profile "nordic-nrf9160" has none; pick a --profile with them: quectel-bg95');
  });
});
