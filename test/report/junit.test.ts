// JUnit XML: one testcase per test, failures with their messages, measurements as properties.
import { expect } from 'chai';
import { renderJunit } from '../../harness/report/junit.ts';
import { measured, runSummary, testResult } from './fixtures.ts';

/** The attributes of the first element named `tag` in `xml` whose attributes match `where`. */
function element(xml: string, tag: string, where = ''): Record<string, string> {
  const match = new RegExp(`<${tag}((?:\\s+[\\w.:-]+="[^"]*")*)\\s*/?>`, 'g');
  for (const m of xml.matchAll(match)) {
    if (!m[1]!.includes(where)) continue;
    return Object.fromEntries([...m[1]!.matchAll(/([\w.:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
  }
  throw new Error(`no <${tag}> with ${where} in\n${xml}`);
}

describe('JUnit XML', () => {
  const summary = runSummary([
    testResult('boot-delay', { measurements: [measured('boot_delay', 81.5)] }),
    testResult('power-cycle-reset', { status: 'failed', error: 'an ota.super session opened 6.8 s into a "55 s" window where none was expected & more' }),
    testResult('apn-hygiene', { status: 'broken', error: 'module not ready 60 s after power-on' }),
  ]);
  const xml = renderJunit(summary);

  it('has one testsuite per suite and one testcase per test, timed in seconds', () => {
    expect(element(xml, 'testsuites')).to.include({ tests: '3', failures: '1', errors: '1', skipped: '0' });
    expect([...xml.matchAll(/<testsuite /g)]).to.have.length(3);
    expect([...xml.matchAll(/<testcase /g)]).to.have.length(3);
    // At time scale 1 wall time is rig time.
    expect(element(xml, 'testcase', 'classname="boot-delay"')).to.include({ name: 'boot-delay title', time: '90.000' });
    expect(element(xml, 'property', 'name="rig-time"').value).to.equal('90.000');
  });

  it('times tests in wall seconds on a fast rig, keeping their rig time as a property', () => {
    // 90 s of rig time at time scale 120 is 0.75 s of wall time.
    const fast = renderJunit(runSummary([testResult('boot-delay'), testResult('apn-hygiene')], { rig: { ...summary.rig, timeScale: 120 } }));
    const testcase = fast.match(/<testcase [^>]*classname="boot-delay"[^>]*>.*?<\/testcase>/)![0];
    expect(element(testcase, 'testcase')).to.include({ time: '0.750' });
    expect(element(testcase, 'property', 'name="rig-time"').value).to.equal('90.000');
    expect(element(fast, 'testsuite', 'name="boot-delay"')).to.include({ time: '0.750' });
    expect(element(fast, 'testsuites')).to.include({ time: '1.500' });
  });

  it('gives timestamps in ISO 8601 with their zone', () => {
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    expect(element(xml, 'testsuite', 'name="boot-delay"').timestamp).to.equal('2026-01-01T02:00:00.000Z').and.to.match(iso);
    expect(element(xml, 'testsuites').timestamp).to.equal('2026-01-01T02:00:00.000Z');
    expect(element(xml, 'property', 'name="run.endedAt"').value).to.equal('2026-01-01T02:05:00.000Z');
  });

  it('gives a failed test a failure and a broken one an error, each with its message escaped', () => {
    const failure = element(xml, 'failure');
    expect(failure.message).to.equal('an ota.super session opened 6.8 s into a &quot;55 s&quot; window where none was expected &amp; more');
    expect(element(xml, 'error').message).to.equal('module not ready 60 s after power-on');
    expect(xml).to.not.match(/& more/);
  });

  it('lists each measurement as properties: value, unit, limits and verdict', () => {
    expect(element(xml, 'property', 'name="boot_delay"').value).to.equal('81.5');
    expect(element(xml, 'property', 'name="boot_delay.unit"').value).to.equal('s');
    expect(element(xml, 'property', 'name="boot_delay.limits"').value).to.equal('60–120 s');
    expect(element(xml, 'property', 'name="boot_delay.verdict"').value).to.equal('pass');
    expect(element(xml, 'property', 'name="module.firmware"').value).to.equal('BG95M3LAR02A03');
  });
});
