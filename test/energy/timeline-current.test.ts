// The current lane of the timeline picture: the power monitor's trace under the OTA sessions.
import { expect } from 'chai';
import { renderTimeline, type TimelineData } from '../../harness/report/timeline-svg.ts';

const DATA: TimelineData = {
  suiteId: 'forced-check-energy', title: 'T', status: 'passed', start: 0, end: 10_000, otaApn: 'ota.super', steps: [], powerAtStart: true,
  marks: [], at: [], sessions: [{ apn: 'ota.super', openedAt: 4000, closedAt: 6000, state: 'closed' }], windows: [], delays: [],
};

describe('the current lane of the timeline', () => {
  it('draws the mean and the peaks, scaled to the highest peak, and says where it was', () => {
    const svg = renderTimeline({
      ...DATA,
      current: [
        { from: 0, to: 4000, mean: 0.008, peak: 0.008 },
        { from: 4000, to: 4150, mean: 0.22, peak: 0.22 },
        { from: 4150, to: 10_000, mean: 0.06, peak: 0.06 },
      ],
    });
    expect(svg).to.contain('>current</text>');
    expect(svg).to.contain('>0–220 mA</text>');
    expect(svg).to.contain('<title>peak 220 mA at 4 s</title>');
  });

  it('is left out where no monitor sampled', () => {
    expect(renderTimeline(DATA)).not.to.contain('>current</text>');
  });
});
