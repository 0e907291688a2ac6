// What a certificate vouches for: exactly the run's records (pinned here), each caught when one byte
// of it changes with its size kept, and the certificate's own verdicts, which must follow from
// summary.json.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyCertificate, type Certificate } from '../../harness/report/certificate.ts';
import { hashEvidence, verifyEvidence } from '../../harness/report/evidence.ts';
import { writeRunReports } from '../../harness/report/index.ts';
import { measured, runSummary, testResult } from './fixtures.ts';

/** The run's records: what it wrote while it ran, and the JUnit XML made from them. */
const EVIDENCE = [
  'allure-results/a-result.json',
  'allure-results/attachments/b-attachment.txt',
  'events.jsonl',
  'ground-truth.json',
  'junit.xml',
  'summary.json',
  'timelines/boot-delay.svg',
  'transcript.log',
];
/** Also in a report folder, and no evidence: views made from the records, and files that change after the run. */
const NOT_EVIDENCE = ['certificate.json', 'certificate.html', 'report.html', 'events.acked.json', 'events.writer', 'notes.txt'];

const suiteFile = (id: string) => fileURLToPath(new URL(`../../suites/${id}.yaml`, import.meta.url));

describe('evidence', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hil-evidence-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function write(path: string, content: string): Promise<void> {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }

  describe('the files it covers', () => {
    beforeEach(async () => {
      for (const path of [...EVIDENCE, ...NOT_EVIDENCE]) await write(path, `${path} as the run wrote it\n`);
    });

    it('are the run records, and only those', async () => {
      const evidence = await hashEvidence(dir);
      expect(evidence.files.map((f) => f.path)).to.deep.equal(EVIDENCE);
      for (const file of evidence.files) expect(file.bytes, file.path).to.equal((await stat(join(dir, file.path))).size);
    });

    it('are listed as sha256sum lists them, and the digest is the SHA-256 of that listing', async () => {
      const evidence = await hashEvidence(dir);
      const listing = evidence.files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
      await writeFile(join(dir, 'listing'), listing);
      expect(execFileSync('sha256sum', ['-c', 'listing'], { cwd: dir, encoding: 'utf8' })).to.equal(EVIDENCE.map((path) => `${path}: OK\n`).join(''));
      expect(evidence.digest).to.equal(createHash('sha256').update(listing).digest('hex'));
      expect(evidence.algorithm).to.equal('sha256');
    });

    for (const path of EVIDENCE) {
      it(`${path}: one byte flipped, size kept, is caught`, async () => {
        const evidence = await hashEvidence(dir);
        const content = await readFile(join(dir, path));
        const tampered = Buffer.from(content);
        tampered[3] = tampered[3]! ^ 0x01;
        await writeFile(join(dir, path), tampered);
        expect((await stat(join(dir, path))).size).to.equal(content.length);
        const certified = evidence.files.find((f) => f.path === path)!.sha256;
        const now = createHash('sha256').update(tampered).digest('hex');
        expect(await verifyEvidence(dir, evidence)).to.deep.equal([`${path}: changed (sha256 ${now}, certified ${certified})`]);
        await writeFile(join(dir, path), content);
        expect(await verifyEvidence(dir, evidence), 'as it was').to.deep.equal([]);
      });
    }

    it('changing a file that is no evidence changes nothing', async () => {
      const evidence = await hashEvidence(dir);
      for (const path of NOT_EVIDENCE) await write(path, 'changed after the run\n');
      expect(await verifyEvidence(dir, evidence)).to.deep.equal([]);
    });
  });

  describe("the certificate's own claims", () => {
    let certificate: Certificate;
    const certificatePath = () => join(dir, 'certificate.json');

    beforeEach(async () => {
      const summary = runSummary([
        testResult('boot-delay', { file: suiteFile('boot-delay'), measurements: [measured('boot_delay', 117)] }),
        testResult('power-cycle-reset', { file: suiteFile('power-cycle-reset'), status: 'failed', error: 'the power cycle did not restart the timer' }),
      ]);
      await write('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
      await write('transcript.log', '');
      const reports = await writeRunReports({ reportDir: dir, summary, html: false });
      expect(reports.verdict).to.equal('fail');
      certificate = JSON.parse(await readFile(certificatePath(), 'utf8')) as Certificate;
    });

    it('match a report folder as written', async () => {
      expect(await verifyCertificate(dir, certificate)).to.deep.equal([]);
    });

    const edits: [string, (c: Certificate) => void, string][] = [
      ['the overall verdict', (c) => void (c.verdict = 'pass'), 'certificate.json: verdict is "pass", but summary.json gives "fail"'],
      ["a requirement's verdict", (c) => void (c.requirements[1]!.verdict = 'pass'), 'certificate.json: requirements.1.verdict is "pass", but summary.json gives "fail"'],
      ["a figure's verdict", (c) => void (c.requirements[0]!.figures[0]!.verdict = 'pass'), 'certificate.json: requirements.0.figures.0.verdict is "pass", but summary.json gives "marginal"'],
      ["a figure's value", (c) => void (c.requirements[0]!.figures[0]!.value = 90), 'certificate.json: requirements.0.figures.0.value is 90, but summary.json gives 117'],
      ["a test's status", (c) => void (c.requirements[1]!.tests[0]!.status = 'passed'), 'certificate.json: requirements.1.tests.0.status is "passed", but summary.json gives "failed"'],
      ['the list of requirements, one dropped', (c) => void c.requirements.pop(), 'certificate.json: requirements.1 is missing, but summary.json gives {"suiteId":"power-cycle-reset",'],
      ['the module, made text', (c) => void ((c as { module: unknown }).module = 'Quectel'), 'certificate.json: module is "Quectel", but summary.json gives {"manufacturer":"Quectel",'],
      ['the module, made null', (c) => void ((c as { module: unknown }).module = null), 'certificate.json: module is null, but summary.json gives {"manufacturer":"Quectel",'],
      ["a requirement's evidence, made limited", (c) => void (c.requirements[0]!.evidence = 'limited'), 'certificate.json: requirements.0.evidence is "limited", but summary.json gives "complete"'],
      ["the module's IMEI", (c) => void (c.module.imei = '866000000000002'), 'certificate.json: module.imei is "866000000000002", but summary.json gives "866000000000001"'],
    ];
    for (const [what, edit, problem] of edits) {
      it(`edited, ${what} is caught, the evidence files untouched`, async () => {
        edit(certificate);
        await writeFile(certificatePath(), JSON.stringify(certificate, null, 2));
        const problems = await verifyCertificate(dir, JSON.parse(await readFile(certificatePath(), 'utf8')) as Certificate);
        expect(problems).to.have.length(1);
        expect(problems[0]!.startsWith(problem), problems[0]).to.equal(true);
      });
    }

    it('a summary.json that cannot be read leaves the verdicts unchecked, and says so', async () => {
      await writeFile(join(dir, 'summary.json'), '{"runId": ');
      const problems = await verifyCertificate(dir, certificate);
      expect(problems[0]).to.match(/^summary\.json: changed/);
      expect(problems.at(-1)).to.match(/^summary\.json: .*JSON.*: the certificate's verdicts cannot be checked$/);
    });
  });
});
