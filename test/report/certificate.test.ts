// The certification summary: requirements with their text and figures, the overall verdict, the IMSI
// before and after, the nightly history, and evidence hashes that catch any later change.
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatEntry, type TranscriptEntry } from '../../harness/at/index.ts';
import { buildCertificate, overallVerdict } from '../../harness/report/certificate.ts';
import { hashEvidence, verifyEvidence, type Evidence } from '../../harness/report/evidence.ts';
import { recordNight } from '../../harness/report/history.ts';
import { imsiReadings } from '../../harness/report/transcript-file.ts';
import type { TestResult } from '../../harness/record/index.ts';
import { measured, runSummary, testResult } from './fixtures.ts';

const NO_EVIDENCE: Evidence = { algorithm: 'sha256', files: [], digest: '' };
const suiteFile = (id: string) => fileURLToPath(new URL(`../../suites/${id}.yaml`, import.meta.url));

function line(rig: number, dir: TranscriptEntry['dir'], kind: TranscriptEntry['kind'], text: string): string {
  return formatEntry({ mono: 0, wall: Date.UTC(2026, 0, 1), rig, dir, kind, text });
}

describe('certificate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-certificate-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('quotes each requirement, lists its figures against their limits, and names figures a failed suite never measured', async () => {
    const summary = runSummary([
      testResult('boot-delay', { file: suiteFile('boot-delay'), measurements: [measured('boot_delay', 117)] }),
      testResult('power-cycle-reset', { file: suiteFile('power-cycle-reset'), status: 'failed', error: 'the power cycle did not restart the timer' }),
    ]);
    const certificate = await buildCertificate({ summary, evidence: NO_EVIDENCE });
    const [boot, reset] = certificate.requirements;
    expect(boot!.requirement!.text).to.match(/^The SIM's applet pulls its updates\./);
    expect(boot!.figures[0]).to.include({ name: 'boot_delay', value: 117, verdict: 'marginal', description: 'power-on to the first ota.super channel open' });
    expect(boot!.verdict).to.equal('marginal');
    expect(reset!.verdict).to.equal('fail');
    expect(reset!.unmeasured.map((m) => m.name)).to.deep.equal(['reset_delay']);
    expect(certificate.verdict).to.equal('fail');
    expect(certificate.module).to.deep.equal({ manufacturer: 'Quectel', model: 'BG95-M3', firmware: 'BG95M3LAR02A03', imei: '866000000000001' });
    expect(certificate.rig.virtual).to.equal(false);
    expect(certificate.harness.name).to.equal('sim-ota-hil');
  });

  describe("a requirement's verdict, from its tests and figures", () => {
    const cases: [string, Partial<TestResult>[], string][] = [
      ['every test skipped', [{ status: 'skipped' }, { status: 'skipped' }], 'not run'],
      ['a test skipped, one passed', [{ status: 'skipped' }, { status: 'passed' }], 'pass'],
      ['a test failed', [{ status: 'passed' }, { status: 'failed', error: 'no session' }], 'fail'],
      ['a test broken', [{ status: 'broken', error: 'port gone' }], 'fail'],
      ['a figure outside its limits', [{ measurements: [measured('boot_delay', 130)] }], 'fail'],
      ['a figure in the marginal band', [{ measurements: [measured('boot_delay', 62), measured('boot_delay', 90)] }], 'marginal'],
      ['every figure within its limits', [{ measurements: [measured('boot_delay', 90), measured('boot_delay', 100)] }], 'pass'],
    ];
    for (const [what, tests, verdict] of cases) {
      it(`${what}: ${verdict}`, async () => {
        const summary = runSummary(tests.map((fields) => testResult('boot-delay', { file: suiteFile('boot-delay'), ...fields })));
        const [requirement] = (await buildCertificate({ summary, evidence: NO_EVIDENCE })).requirements;
        expect(requirement!.verdict).to.equal(verdict);
      });
    }

    it("judges each requirement on its own figures, and lists each test's error only where it has one", async () => {
      const summary = runSummary([
        testResult('boot-delay', { file: suiteFile('boot-delay'), measurements: [measured('boot_delay', 130)] }),
        testResult('power-cycle-reset', { file: suiteFile('power-cycle-reset'), measurements: [measured('reset_delay', 90), measured('undeclared_figure', 90)] }),
      ]);
      const [boot, reset] = (await buildCertificate({ summary, evidence: NO_EVIDENCE })).requirements;
      expect([boot!.verdict, reset!.verdict]).to.deep.equal(['fail', 'pass']);
      expect(reset!.figures.map((f) => [f.name, f.description])).to.deep.equal([
        ['reset_delay', 'second power-on to the first ota.super channel open'],
        ['undeclared_figure', undefined],
      ]);
      expect(reset!.unmeasured, 'every declared figure was measured').to.deep.equal([]);
      expect(reset!.tests).to.deep.equal([{ title: 'power-cycle-reset title', status: 'passed' }]);
    });

    it('names the suite by its file, else by its test, and says where the evidence was limited', async () => {
      const limitation = 'the module shows no proactive commands: BIP seen through PDN events only';
      const summary = runSummary([
        testResult('boot-delay', { file: suiteFile('boot-delay'), limitations: [limitation] }),
        testResult('boot-delay', { file: suiteFile('boot-delay'), limitations: [limitation] }),
        testResult('gone', { file: '/nowhere/gone.yaml' }),
      ]);
      const [boot, gone] = (await buildCertificate({ summary, evidence: NO_EVIDENCE })).requirements;
      expect(boot).to.deep.include({ title: 'First OTA check comes a minute or two after power-up', evidence: 'limited', limitations: [limitation] });
      expect(gone).to.deep.include({ title: 'gone title', evidence: 'complete', limitations: [], unmeasured: [] });
      expect(gone!.requirement).to.equal(undefined);
    });

    it('carries the run, its rig, the SIM before and after, and the nights before', async () => {
      const summary = runSummary([testResult('boot-delay')], { rig: { ...runSummary([]).rig, serial: 'virtual' } });
      const nights = [{ runId: 'a', date: '2025-12-31T02:05:00.000Z', status: 'passed' as const, figures: [] }];
      const certificate = await buildCertificate({ summary, evidence: NO_EVIDENCE, imsiAfter: '310260000000001', recentNights: nights });
      expect(certificate).to.deep.include({
        format: 'sim-ota-hil certificate 2',
        status: 'passed',
        runId: '20260101T020000Z-abcd',
        date: '2026-01-01T02:05:00.000Z',
        startedAt: '2026-01-01T02:00:00.000Z',
        sim: { iccid: '89883070000012345674', imsiBefore: '732123200001234', imsiAfter: '310260000000001' },
        recentNights: nights,
      });
      expect(certificate.rig.virtual).to.equal(true);
      const plain = await buildCertificate({ summary, evidence: NO_EVIDENCE });
      expect(plain.sim).to.deep.equal({ iccid: '89883070000012345674', imsiBefore: '732123200001234' });
      expect(plain).not.to.have.property('recentNights');
    });
  });

  it('is a pass only when every requirement passed; marginal, incomplete or fail otherwise', () => {
    expect(overallVerdict('passed', [{ verdict: 'pass' }, { verdict: 'pass' }])).to.equal('pass');
    expect(overallVerdict('passed', [{ verdict: 'pass' }, { verdict: 'marginal' }])).to.equal('marginal');
    expect(overallVerdict('failed', [{ verdict: 'fail' }, { verdict: 'marginal' }])).to.equal('fail');
    expect(overallVerdict('aborted', [{ verdict: 'pass' }])).to.equal('incomplete');
    expect(overallVerdict('passed', [{ verdict: 'pass' }, { verdict: 'not run' }])).to.equal('incomplete');
    expect(overallVerdict('passed', [])).to.equal('incomplete');
    expect(overallVerdict('incomplete', [{ verdict: 'pass' }])).to.equal('incomplete');
    expect(overallVerdict('incomplete', [{ verdict: 'fail' }])).to.equal('fail');
  });

  it('reads the IMSI the module gave last, after an update switched it', async () => {
    const transcript = [
      line(5_000, 'tx', 'command', 'AT+CIMI'),
      line(5_010, 'rx', 'echo', 'AT+CIMI'),
      line(5_020, 'rx', 'info', '732123200001234'),
      line(5_030, 'rx', 'final', 'OK'),
      line(6_000, 'tx', 'command', 'AT+CGSN'),
      line(6_010, 'rx', 'info', '356938035643809'),
      line(6_020, 'rx', 'final', 'OK'),
      line(9_000, 'tx', 'command', 'AT+CIMI'),
      line(9_020, 'rx', 'info', '310260000000001'),
      line(9_030, 'rx', 'final', 'OK'),
    ];
    await writeFile(join(dir, 'transcript.log'), `${transcript.join('\n')}\n`);
    expect(await imsiReadings(join(dir, 'transcript.log'))).to.deep.equal([
      { imsi: '732123200001234', at: 5_020 },
      { imsi: '310260000000001', at: 9_020 },
    ]);
    expect(await imsiReadings(join(dir, 'missing.log'))).to.deep.equal([]);
  });

  it('keeps one line per run in the history and returns the last nights, oldest first', async () => {
    const night = (runId: string, startedAt: string, value: number) =>
      runSummary([testResult('boot-delay', { measurements: [measured('boot_delay', value)] })], { runId, startedAt });
    const history = join(dir, 'history');
    await recordNight(history, night('b', '2026-01-02T02:00:00.000Z', 82), 2);
    await recordNight(history, night('a', '2026-01-01T02:00:00.000Z', 81), 2);
    expect((await recordNight(history, night('c', '2026-01-03T02:00:00.000Z', 83), 2)).again).to.equal(false);
    const { recent, again } = await recordNight(history, night('c', '2026-01-03T02:00:00.000Z', 84), 2);
    expect(again).to.equal(true);
    expect(recent.map((n) => [n.runId, n.figures[0]!.value])).to.deep.equal([
      ['b', 82],
      ['c', 84],
    ]);
  });

  describe('evidence', () => {
    beforeEach(async () => {
      await mkdir(join(dir, 'allure-results'));
      await mkdir(join(dir, 'timelines'));
      await writeFile(join(dir, 'summary.json'), '{}\n');
      await writeFile(join(dir, 'transcript.log'), 'AT\r\nOK\r\n');
      await writeFile(join(dir, 'allure-results', 'a-result.json'), '{"status":"passed"}');
      await writeFile(join(dir, 'timelines', 'boot-delay.svg'), '<svg/>');
      await writeFile(join(dir, 'certificate.html'), 'not evidence');
      await writeFile(join(dir, 'events.writer'), '1234');
    });

    it('hashes the run records, not the views made from them', async () => {
      const evidence = await hashEvidence(dir);
      expect(evidence.files.map((f) => f.path)).to.deep.equal(['allure-results/a-result.json', 'summary.json', 'timelines/boot-delay.svg', 'transcript.log']);
      expect(evidence.files[1]).to.deep.equal({ path: 'summary.json', sha256: 'ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356', bytes: 3 });
      expect(await verifyEvidence(dir, evidence)).to.deep.equal([]);
    });

    it('names every file changed, removed or added since, and an edited list of hashes', async () => {
      const evidence = await hashEvidence(dir);
      await writeFile(join(dir, 'transcript.log'), 'AT\r\nERROR\r\n');
      await unlink(join(dir, 'timelines', 'boot-delay.svg'));
      await writeFile(join(dir, 'allure-results', 'b-result.json'), '{}');
      const problems = await verifyEvidence(dir, evidence);
      expect(problems).to.have.length(3);
      expect(problems[0]).to.match(/^timelines\/boot-delay\.svg: missing$/);
      expect(problems[1]).to.match(/^transcript\.log: changed/);
      expect(problems[2]).to.equal('allure-results/b-result.json: not in the certificate');

      const edited = { ...evidence, files: evidence.files.map((f) => (f.path === 'transcript.log' ? { ...f, sha256: '0'.repeat(64) } : f)) };
      expect((await verifyEvidence(dir, edited))[0]).to.match(/does not match its digest/);
    });
  });
});
