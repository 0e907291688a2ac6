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

  it('has one testsuite per suite and one testcase per test, timed in rig seconds', () => {
    expect(element(xml, 'testsuites')).to.include({ tests: '3', failures: '1', errors: '1', skipped: '0' });
    expect([...xml.matchAll(/<testsuite /g)]).to.have.length(3);
    expect([...xml.matchAll(/<testcase /g)]).to.have.length(3);
    expect(element(xml, 'testcase', 'classname="boot-delay"')).to.include({ name: 'boot-delay title', time: '90.000' });
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
