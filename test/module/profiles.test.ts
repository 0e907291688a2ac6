// Module profiles as data: their patterns read what the modules answer, their checks tell a good
// setting from a bad one, and a PWRKEY line needs timings from the profile or the rig file.
import { expect } from 'chai';
import { parseYamlText } from '../../harness/config/index.ts';
import { MODULE_PROFILES, moduleProfile } from '../../harness/module/profiles.ts';
import { createPowerSwitch } from '../../harness/rig/power.ts';
import { rigSchema } from '../../harness/rig/rig-file.ts';
import { TERMINAL_PROFILE_WITH_BIP } from '../../harness/stk/index.ts';
import { ScaledClock } from '../../harness/time/clock.ts';

const TP = TERMINAL_PROFILE_WITH_BIP;

describe('module profiles', () => {
  const IDS = ['generic-27007', 'quectel-bg95', 'quectel-eg25', 'ublox-sara-r5', 'nordic-nrf9160', 'simcom-sim7080', 'cinterion', 'telit-le910'];

  it(`are ${IDS.join(', ')}`, () => {
    expect(Object.keys(MODULE_PROFILES)).to.deep.equal(IDS);
    expect(() => moduleProfile('sierra')).to.throw(`unknown module profile "sierra"; known: ${IDS.join(', ')}`);
  });

  it('read the terminal profile from each vendor\'s answer', () => {
    const answers: Record<string, string> = {
      'generic-27007': `+CUSATR: 1,"${TP}"`,
      'quectel-bg95': `+CUSATR: 1,"${TP}"`,
      'nordic-nrf9160': `+CUSATR: 1,"${TP}"`,
      'ublox-sara-r5': `+STKPROF: 20,"${TP}"`,
      cinterion: `^SSTA: 1,0,1,"${TP}",0,2`,
    };
    for (const [id, answer] of Object.entries(answers)) {
      expect(new RegExp(moduleProfile(id).terminalProfile.pattern).exec(answer)?.groups?.hex, id).to.equal(TP);
    }
  });

  it('read a proactive command in full or by its type, and the end of the proactive session, from each vendor\'s lines', () => {
    // What the observer takes from a line: the kind and groups of the first rule that matches it.
    const read = (id: string, line: string, active = false) => {
      const profile = moduleProfile(id);
      for (const rule of [...profile.evidence, ...(active ? profile.activeToolkit!.evidence : [])]) {
        const match = new RegExp(rule.pattern).exec(line);
        if (match) return { kind: rule.kind, ...match.groups };
      }
      return undefined;
    };
    const close = 'D009810301410082028121';
    // Passively only the PDN events, and Cinterion's copy of each command; the rest with a host-side toolkit.
    expect(read('generic-27007', `+CUSATP: ${close}`)).to.equal(undefined);
    expect(read('generic-27007', `+CUSATP: ${close}`, true)).to.deep.equal({ kind: 'proactive-command', hex: close });
    expect(read('generic-27007', '+CUSATEND', true)).to.deep.equal({ kind: 'proactive-session-end' });
    expect(read('quectel-bg95', '+CGEV: PDN ACT 2')).to.deep.equal({ kind: 'pdn-up', cid: '2' });
    expect(read('ublox-sara-r5', '+STKPRO: 64')).to.equal(undefined);
    expect(read('ublox-sara-r5', `+STKPROF: 20,"${TP}"`)).to.equal(undefined);
    expect(read('cinterion', `^SSTK: "${close}",11,"00"`)).to.deep.equal({ kind: 'proactive-command', hex: close });
    expect(read('cinterion', '^SSTK: "810301410082028281830100",12,"01"')).to.equal(undefined); // a terminal response
    expect(read('telit-le910', '#STN: 64', true)).to.deep.equal({ kind: 'proactive-command', type: '64' });
  });

  it('tell a module set up for the SIM toolkit from one that is not', () => {
    const check = (id: string, what: RegExp) => new RegExp(moduleProfile(id).checks.find((c) => what.test(c.what))!.expect);
    const qstk = check('quectel-bg95', /QSTK/);
    expect(qstk.test('+QSTK: 1')).to.equal(true);
    expect(qstk.test('+QSTK: 0')).to.equal(false);
    const cfun = check('ublox-sara-r5', /STK mode/);
    // Mode 7: the module handles the toolkit itself; 6 and 9 hand it to the host, 8 stops fetching.
    expect(cfun.test('+CFUN: 1,7')).to.equal(true);
    expect(['+CFUN: 1,6', '+CFUN: 1,9', '+CFUN: 1,8', '+CFUN: 1', '+CFUN: 1,0'].map((line) => cfun.test(line))).to.deep.equal([false, false, false, false, false]);
  });

  it('compile every evidence pattern, their host-side toolkit modes\' too', () => {
    for (const profile of Object.values(MODULE_PROFILES)) {
      const rules = [...profile.evidence, ...(profile.activeToolkit?.evidence ?? [])];
      for (const rule of rules) expect(() => new RegExp(rule.pattern), `${profile.id} ${rule.pattern}`).not.to.throw();
      if (profile.activeToolkit) expect(() => new RegExp(profile.activeToolkit!.answer.pattern)).not.to.throw();
    }
  });

  it('set modules up passively: no setup command hands the SIM toolkit to the host', () => {
    // TS 27.007 +CUSATA=1/2 (TE profile), Telit #STIA, Cinterion ^SSTA=1 (Explicit Response), u-blox +CFUN=6/9.
    const handsOver = /^AT(?:\+CUSATA=[12]|#STIA=[1-9]|\^SSTA=1|\+CFUN=[69])\b/;
    for (const profile of Object.values(MODULE_PROFILES)) {
      for (const command of profile.setup) expect(command, `${profile.id} setup`).not.to.match(handsOver);
      for (const command of profile.activeToolkit?.setup ?? []) expect(command, `${profile.id} active toolkit`).to.match(handsOver);
    }
  });

  it('give PWRKEY timings, or the rig file must', async () => {
    const rig = { ...parseYamlText('name: g\nserial: {path: /dev/ttyAMA0}\npower: {type: gpio, line: {line: 17}, pwrkey: {line: 27, pulseOn: 1 s}}\n', 'rig.yaml', rigSchema), file: 'rig.yaml' };
    const error = await createPowerSwitch(rig, moduleProfile('generic-27007'), new ScaledClock(), undefined, () => {}).catch((e: Error) => e);
    expect((error as Error).message).to.equal(
      'module profile "generic-27007" has no PWRKEY timings: set power.pwrkey.pulseOff, power.pwrkey.shutdown in the rig file (see the module\'s hardware design guide)',
    );
    expect(moduleProfile('quectel-bg95').pwrkey).to.deep.equal({ pulseOn: 500, pulseOff: 650, shutdown: 30_000 });
  });

  it('know a Super SIM by its ICCID prefixes, which a rig may set', () => {
    const parse = (sim: string) => parseYamlText(`name: g\nserial: {path: virtual}\npower: {type: virtual}\n${sim}`, 'rig.yaml', rigSchema).sim.iccidPrefixes;
    expect(parse('')).to.deep.equal(['8988307', '8988323', '8910392']);
    expect(parse('sim: {iccidPrefixes: ["8944"]}\n')).to.deep.equal(['8944']);
    expect(() => parse('sim: {iccidPrefixes: ["89x"]}\n')).to.throw(/rig\.yaml:4:\d+: sim\.iccidPrefixes\[0\]: expected the first digits of an ICCID/);
  });
});
