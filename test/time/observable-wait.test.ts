import { expect } from 'chai';
import { OBSERVABLE_WAIT_WALL_MS, observableWait } from '../../harness/time/observable-wait.ts';

describe('observable waits', () => {
  it('keep a rig wait that takes at least the floor of wall time as it is', () => {
    expect(observableWait({ scale: 1 }, 600_000)).to.equal(600_000);
    expect(observableWait({ scale: 120 }, 60_000)).to.equal(60_000); // the virtual rig's boot timeout: exactly 500 ms
    expect(observableWait({ scale: 1 }, 10)).to.equal(OBSERVABLE_WAIT_WALL_MS);
  });

  it('lengthen a rig wait that a fast clock would make shorter than the floor', () => {
    // weekly-recheck's scale: the 10-minute close wait was 6 ms of wall time.
    expect(observableWait({ scale: 100_000 }, 600_000) / 100_000).to.equal(OBSERVABLE_WAIT_WALL_MS);
    expect(observableWait({ scale: 1e6 }, 60_000)).to.equal(5e8);
  });
});
