// The timeline picture of one test: its steps, the module's power, ready and forced-check marks, AT
// traffic density and OTA sessions on one rig-time axis, with the windows the suite expects sessions in
// (green) or forbids them (red) shaded behind, and the measured delays drawn from their anchors.
// A session inside a forbidden window is outlined in red: that is what a failed suite looks like.
import type { TestStatus, Verdict } from '../record/index.ts';
import { formatDuration } from '../time/duration.ts';
import { escapeXml, num } from './markup.ts';

export interface TimelineWindow {
  kind: 'expected' | 'forbidden';
  apn: string;
  from: number;
  to: number;
  /** End of the grace time after an expected window, when the suite gives one. */
  graceTo?: number;
  label: string;
}

export interface TimelineDelay {
  label: string;
  from: number;
  to: number;
  verdict: Verdict;
}

/** Everything in rig milliseconds. */
export interface TimelineData {
  suiteId: string;
  title: string;
  status: TestStatus;
  error?: string;
  start: number;
  end: number;
  otaApn: string;
  steps: { title: string; status: TestStatus; startedAt: number; endedAt: number }[];
  /** Whether the module was powered when the test started; undefined if the rig never switched it. */
  powerAtStart: boolean | undefined;
  /** Marks the steps set: power-on, power-off, ready, force-check, registered, the suite's own. */
  marks: { name: string; at: number }[];
  at: { at: number; dir: 'tx' | 'rx' }[];
  sessions: { apn: string | undefined; openedAt: number; closedAt?: number; state: 'open' | 'closed' | 'refused' }[];
  windows: TimelineWindow[];
  delays: TimelineDelay[];
  /** The power monitor's current, where one sampled: mean and peak amperes per stretch of rig time. */
  current?: { from: number; to: number; mean: number; peak: number }[];
}

const WIDTH = 1200;
const PAD = 20;
const PLOT_X0 = 150;
const PLOT_X1 = WIDTH - PAD - 10;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const COLOURS = {
  text: '#263238',
  muted: '#607d8b',
  rule: '#eceff1',
  grid: '#f3f5f6',
  passed: '#2e7d32',
  marginal: '#b26a00',
  failed: '#c62828',
  broken: '#e65100',
  skipped: '#78909c',
  stepA: '#cfd8dc',
  stepB: '#b0bec5',
  powerLine: '#f9a825',
  powerFill: '#fff3c4',
  tx: '#1e88e5',
  rx: '#00897b',
  otaApn: '#ef6c00',
  otherApn: '#5c6bc0',
  unknownApn: '#9e9e9e',
  expected: '#43a047',
  forbidden: '#e53935',
  current: '#6d4c41',
  currentFill: '#d7ccc8',
} as const;
const MARK_STYLE: Record<string, { label: string; colour: string }> = {
  ready: { label: 'ready', colour: '#43a047' },
  'force-check': { label: 'AT+CSIM', colour: '#8e24aa' },
  registered: { label: 'registered', colour: '#1e88e5' },
};
/** Marks drawn elsewhere: power edges on the power lane, last-close as the end of a session bar. */
const MARKS_NOT_SHOWN = new Set(['power-on', 'power-off', 'last-close']);
const TICK_STEPS_MS = [100, 200, 500, 1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43200e3, 86400e3, 172800e3];

/** Rough width of a line of text: enough to keep labels from running into each other. */
function textWidth(text: string, size: number): number {
  return text.length * size * 0.56;
}

function verdictColour(v: Verdict | TestStatus): string {
  if (v === 'pass' || v === 'passed') return COLOURS.passed;
  if (v === 'marginal') return COLOURS.marginal;
  if (v === 'fail' || v === 'failed') return COLOURS.failed;
  return v === 'broken' ? COLOURS.broken : COLOURS.skipped;
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${num(x)}" y="${num(y)}" ${attrs}>${escapeXml(content)}</text>`;
}

function title(content: string): string {
  return `<title>${escapeXml(content)}</title>`;
}

/** Words wrapped to lines of at most `width` characters, at most `lines` of them. */
function wrap(content: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of content.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  if (out.length > lines) {
    out.length = lines;
    out[lines - 1] = `${out[lines - 1]!.slice(0, width - 1)}…`;
  }
  return out;
}

/** A label's x, moved left so that it ends inside the plot. */
function within(x: number, width: number): number {
  return Math.max(PLOT_X0, Math.min(x, PLOT_X1 - width));
}

/**
 * Places labels left to right in a few rows so they do not overlap, each kept inside the plot;
 * returns each label's x and row (-1 when no row had room).
 */
function placeLabels(items: { x: number; width: number }[], rows: number): { x: number; row: number }[] {
  const rowEnds = Array.from({ length: rows }, () => -Infinity);
  return items.map(({ x, width }) => {
    const at = within(x, width);
    const row = rowEnds.findIndex((end) => at >= end + 4);
    if (row >= 0) rowEnds[row] = at + width;
    return { x: at, row };
  });
}

class Canvas {
  /** Drawn first, under the lanes: grid lines and shaded windows. */
  readonly back: string[] = [];
  readonly parts: string[] = [];
  y = 0;
  /** The axis runs to the end of the test or of the last expected window, whichever is later, so a window is never cut short. */
  readonly end: number;

  constructor(private readonly data: TimelineData) {
    this.end = Math.max(data.end, ...data.windows.map((w) => w.to));
  }

  x(t: number): number {
    const span = Math.max(1, this.end - this.data.start);
    return PLOT_X0 + ((Math.min(Math.max(t, this.data.start), this.end) - this.data.start) / span) * (PLOT_X1 - PLOT_X0);
  }

  /** Seconds since the test started, for tooltips. */
  at(t: number): string {
    return formatDuration(t - this.data.start);
  }

  add(...svg: string[]): void {
    this.parts.push(...svg);
  }

  laneLabel(label: string, height: number, note?: string): void {
    this.add(text(PAD, this.y + height / 2 + (note ? -1 : 4), label, `font-size="12" fill="${COLOURS.text}"`));
    if (note) this.add(text(PAD, this.y + height / 2 + 12, note, `font-size="9.5" fill="${COLOURS.muted}"`));
    this.add(`<line x1="${PAD}" x2="${PLOT_X1}" y1="${num(this.y + height)}" y2="${num(this.y + height)}" stroke="${COLOURS.rule}"/>`);
  }
}

function header(c: Canvas, d: TimelineData): void {
  const badge = d.status.toUpperCase();
  const badgeWidth = textWidth(badge, 12) * 1.25 + 20; // bold capitals run wider
  c.add(
    `<rect x="${num(WIDTH - PAD - badgeWidth)}" y="14" width="${num(badgeWidth)}" height="22" rx="11" fill="${verdictColour(d.status)}"/>`,
    text(WIDTH - PAD - badgeWidth / 2, 29.5, badge, `font-size="12" font-weight="700" fill="#fff" text-anchor="middle" letter-spacing="0.5"`),
  );
  const room = (WIDTH - 2 * PAD - badgeWidth - 20) / (15 * 0.56);
  const heading = `${d.suiteId} — ${d.title}`;
  c.add(text(PAD, 31, heading.length > room ? `${heading.slice(0, room - 1)}…` : heading, `font-size="15" font-weight="600" fill="${COLOURS.text}"`));
  const span = `rig time ${formatDuration(d.start)} → ${formatDuration(d.end)} (${formatDuration(d.end - d.start)}); the axis counts from the start of the test`;
  c.add(text(PAD, 51, span, `font-size="11" fill="${COLOURS.muted}"`));
  c.y = 60;
  if (d.error) {
    for (const line of wrap(d.error, 175, 3)) {
      c.y += 16;
      c.add(text(PAD, c.y, line, `font-size="11.5" fill="${verdictColour(d.status)}"`));
    }
    c.y += 4;
  }
  c.y += 12;
}

/** The shaded windows, behind every lane and the label row above them. */
function windows(c: Canvas, d: TimelineData, top: number, bottom: number): void {
  for (const w of d.windows) {
    const colour = w.kind === 'expected' ? COLOURS.expected : COLOURS.forbidden;
    const x0 = c.x(w.from);
    const x1 = Math.max(c.x(w.to), x0 + 1);
    const tip = title(`${w.label}: ${c.at(w.from)} to ${c.at(w.to)}${w.graceTo !== undefined && w.graceTo > w.to ? `, grace to ${c.at(w.graceTo)}` : ''}`);
    c.back.push(`<rect x="${num(x0)}" y="${num(top)}" width="${num(x1 - x0)}" height="${num(bottom - top)}" fill="${colour}" fill-opacity="0.11">${tip}</rect>`);
    if (w.graceTo !== undefined && w.graceTo > w.to) {
      c.back.push(`<rect x="${num(x1)}" y="${num(top)}" width="${num(c.x(w.graceTo) - x1)}" height="${num(bottom - top)}" fill="url(#grace)">${tip}</rect>`);
    }
    for (const edge of [x0, x1]) {
      c.back.push(`<line x1="${num(edge)}" x2="${num(edge)}" y1="${num(top)}" y2="${num(bottom)}" stroke="${colour}" stroke-width="1" stroke-dasharray="4 3" stroke-opacity="0.7"/>`);
    }
  }
}

const WINDOW_LABEL_ROWS = 2;
const WINDOW_LABEL_HEIGHT = WINDOW_LABEL_ROWS * 14 + 4;

function windowLabels(c: Canvas, d: TimelineData): void {
  const rows = WINDOW_LABEL_ROWS;
  const items = d.windows.map((w) => ({ x: c.x(w.from) + 3, width: textWidth(w.label, 10.5) }));
  const placed = placeLabels(items, rows);
  d.windows.forEach((w, i) => {
    const { x, row } = placed[i]!;
    if (row < 0) return;
    const colour = w.kind === 'expected' ? COLOURS.passed : COLOURS.failed;
    c.add(text(x, c.y + 12 + row * 14, w.label, `font-size="10.5" fill="${colour}"`));
  });
  c.y += WINDOW_LABEL_HEIGHT;
}

function steps(c: Canvas, d: TimelineData): void {
  const h = 26;
  c.laneLabel('steps', h);
  d.steps.forEach((s, i) => {
    const x0 = c.x(s.startedAt);
    const w = Math.max(c.x(s.endedAt) - x0, 1.5);
    const fill = s.status === 'passed' ? (i % 2 ? COLOURS.stepB : COLOURS.stepA) : verdictColour(s.status);
    const tip = title(`${i + 1}. ${s.title} — ${formatDuration(s.endedAt - s.startedAt)} (${s.status})`);
    c.add(`<rect x="${num(x0)}" y="${num(c.y + 5)}" width="${num(w)}" height="${h - 10}" rx="2" fill="${fill}">${tip}</rect>`);
    if (w >= textWidth(String(i + 1), 10) + 4) {
      c.add(text(x0 + w / 2, c.y + h / 2 + 3.5, String(i + 1), `font-size="10" text-anchor="middle" fill="${s.status === 'passed' ? COLOURS.text : '#fff'}"`));
    }
  });
  c.y += h;
}

function power(c: Canvas, d: TimelineData): void {
  const h = 30;
  c.laneLabel('power', h);
  const high = c.y + 7;
  const low = c.y + h - 6;
  let on = d.powerAtStart ?? false;
  let x = c.x(d.start);
  const edges = d.marks.filter((m) => m.name === 'power-on' || m.name === 'power-off');
  let path = `M${num(x)},${num(on ? high : low)}`;
  const fills: string[] = [];
  for (const edge of [...edges, { name: 'end', at: d.end }]) {
    const ex = c.x(edge.at);
    if (on) fills.push(`<rect x="${num(x)}" y="${num(high)}" width="${num(ex - x)}" height="${num(low - high)}" fill="${COLOURS.powerFill}"/>`);
    path += ` H${num(ex)}`;
    if (edge.name === 'end') break;
    on = edge.name === 'power-on';
    path += ` V${num(on ? high : low)}`;
    x = ex;
  }
  c.add(...fills, `<path d="${path}" fill="none" stroke="${COLOURS.powerLine}" stroke-width="2"/>`);
  c.y += h;
}

function marks(c: Canvas, d: TimelineData): void {
  const rows = 3;
  const h = rows * 10 + 16;
  c.laneLabel('module', h);
  const shown = d.marks.filter((m) => !MARKS_NOT_SHOWN.has(m.name));
  const styles = shown.map((m) => MARK_STYLE[m.name] ?? { label: m.name, colour: COLOURS.muted });
  const placed = placeLabels(shown.map((m, i) => ({ x: c.x(m.at) + 6, width: textWidth(styles[i]!.label, 10) })), rows);
  shown.forEach((m, i) => {
    const x = c.x(m.at);
    const y = c.y + h - 9;
    const { label, colour } = styles[i]!;
    c.add(`<path d="M${num(x)},${num(y - 5)} l5,5 l-5,5 l-5,-5 z" fill="${colour}">${title(`${label} at ${c.at(m.at)}`)}</path>`);
    const { x: lx, row } = placed[i]!;
    if (row >= 0) c.add(text(lx, c.y + 10 + row * 10, label, `font-size="10" fill="${colour}"`));
  });
  c.y += h;
}

function atTraffic(c: Canvas, d: TimelineData): void {
  const h = 44;
  c.laneLabel('AT traffic', h, '▲ sent ▼ received');
  const binPx = 3;
  const bins = Math.max(1, Math.floor((PLOT_X1 - PLOT_X0) / binPx));
  const counts = { tx: new Array<number>(bins).fill(0), rx: new Array<number>(bins).fill(0) };
  for (const e of d.at) {
    const bin = Math.min(bins - 1, Math.floor((c.x(e.at) - PLOT_X0) / binPx));
    counts[e.dir][bin]!++;
  }
  const most = Math.max(1, ...counts.tx, ...counts.rx);
  const mid = c.y + h / 2;
  const half = h / 2 - 3;
  // Square-root scale: a lone URC stays visible next to a burst of polling.
  const height = (n: number) => (n === 0 ? 0 : Math.max(1.5, Math.sqrt(n / most) * half));
  const bars = (dir: 'tx' | 'rx') =>
    counts[dir]
      .map((n, i) => (n === 0 ? '' : `M${num(PLOT_X0 + i * binPx)},${num(mid)} v${num((dir === 'tx' ? -1 : 1) * height(n))} h${binPx - 0.6} V${num(mid)} z`))
      .join('');
  c.add(`<path d="${bars('tx')}" fill="${COLOURS.tx}"/>`, `<path d="${bars('rx')}" fill="${COLOURS.rx}"/>`);
  c.add(`<line x1="${PLOT_X0}" x2="${PLOT_X1}" y1="${num(mid)}" y2="${num(mid)}" stroke="${COLOURS.rule}"/>`);
  c.y += h;
}

function sessionColour(apn: string | undefined, otaApn: string): string {
  if (apn === undefined) return COLOURS.unknownApn;
  return apn === otaApn ? COLOURS.otaApn : COLOURS.otherApn;
}

/** Sessions closer than this on the picture are labelled together. */
const SESSION_GROUP_PX = 40;

function sessions(c: Canvas, d: TimelineData): void {
  const h = 46;
  c.laneLabel('OTA sessions', h);
  const barY = c.y + 22;
  const barH = 16;
  const forbidden = (s: TimelineData['sessions'][number]) =>
    d.windows.some((w) => w.kind === 'forbidden' && w.apn === s.apn && s.openedAt >= w.from && s.openedAt <= w.to);
  // Sessions on one APN close together share a label: "ota.super ×3".
  const labels: { x: number; apn: string; count: number; colour: string; lastEnd: number }[] = [];
  for (const s of d.sessions) {
    const x0 = c.x(s.openedAt);
    const x1 = Math.max(c.x(s.closedAt ?? d.end), x0 + 2);
    const colour = sessionColour(s.apn, d.otaApn);
    const apn = s.apn ?? 'APN unknown';
    const tip = title(
      `${apn}: ${s.state === 'refused' ? 'refused' : 'opened'} at ${c.at(s.openedAt)}${s.closedAt !== undefined ? `, closed at ${c.at(s.closedAt)} (${formatDuration(s.closedAt - s.openedAt)})` : s.state === 'open' ? ', still open' : ''}`,
    );
    const unwanted = forbidden(s);
    const stroke = unwanted ? ` stroke="${COLOURS.failed}" stroke-width="2.5"` : '';
    if (s.state === 'refused') {
      c.add(`<path d="M${num(x0 - 5)},${num(barY + 3)} l10,10 m0,-10 l-10,10" stroke="${COLOURS.failed}" stroke-width="2.5">${tip}</path>`);
    } else {
      c.add(`<rect x="${num(x0)}" y="${num(barY)}" width="${num(x1 - x0)}" height="${barH}" rx="2" fill="${colour}"${stroke}>${tip}</rect>`);
    }
    const last = labels.at(-1);
    const label = `${apn}${s.state === 'refused' ? ' refused' : ''}${unwanted ? ' — not expected here' : ''}`;
    if (last && last.apn === label && x0 - last.lastEnd < SESSION_GROUP_PX) {
      last.count++;
      last.lastEnd = x1;
    } else labels.push({ x: x0, apn: label, count: 1, colour: unwanted || s.state === 'refused' ? COLOURS.failed : colour, lastEnd: x1 });
  }
  const placed = placeLabels(labels.map((l) => ({ x: l.x, width: textWidth(`${l.apn} ×${l.count}`, 10.5) })), 1);
  labels.forEach((l, i) => {
    const { x, row } = placed[i]!;
    if (row === 0) c.add(text(x, barY - 5, l.count > 1 ? `${l.apn} ×${l.count}` : l.apn, `font-size="10.5" font-weight="600" fill="${l.colour}"`));
  });
  if (d.sessions.length === 0) c.add(text(PLOT_X0 + 4, barY + 12, 'no OTA session seen', `font-size="10.5" fill="${COLOURS.muted}" font-style="italic"`));
  c.y += h;
}

/** The monitor's current under the sessions: the mean filled, the peaks as a line, on a linear scale to the highest peak. */
function current(c: Canvas, d: TimelineData): void {
  const columns = d.current;
  if (!columns || columns.length === 0) return;
  const h = 60;
  const top = Math.max(...columns.map((col) => col.peak), 1e-9);
  const milliamps = (amperes: number) => `${Number((amperes * 1000).toPrecision(3))} mA`;
  c.laneLabel('current', h, `0–${milliamps(top)}`);
  const base = c.y + h - 3;
  const y = (amperes: number) => base - (amperes / top) * (h - 10);
  const area = columns.map((col) => `M${num(c.x(col.from))},${num(base)} V${num(y(col.mean))} H${num(Math.max(c.x(col.to), c.x(col.from) + 0.5))} V${num(base)} z`).join('');
  const peaks = columns.map((col, i) => `${i === 0 ? 'M' : 'L'}${num(c.x(col.from))},${num(y(col.peak))} H${num(c.x(col.to))}`).join(' ');
  const highest = columns.reduce((a, b) => (b.peak > a.peak ? b : a));
  c.add(
    `<path d="${area}" fill="${COLOURS.currentFill}"/>`,
    `<path d="${peaks}" fill="none" stroke="${COLOURS.current}" stroke-width="1">${title(`peak ${milliamps(highest.peak)} at ${c.at(highest.from)}`)}</path>`,
  );
  c.y += h;
}

/** Each measured delay as a dimension line from its anchor to the event it timed. */
function delays(c: Canvas, d: TimelineData): void {
  if (d.delays.length === 0) return;
  const rowH = 22;
  const h = d.delays.length * rowH + 6;
  c.laneLabel('measured', h);
  d.delays.forEach((m, i) => {
    const y = c.y + 16 + i * rowH;
    const x0 = c.x(m.from);
    const x1 = c.x(m.to);
    const colour = verdictColour(m.verdict);
    const label = `${m.label} — ${m.verdict}`;
    c.add(
      `<g stroke="${colour}" stroke-width="1.4"><line x1="${num(x0)}" x2="${num(x1)}" y1="${num(y)}" y2="${num(y)}"/><line x1="${num(x0)}" x2="${num(x0)}" y1="${num(y - 5)}" y2="${num(y + 5)}"/><line x1="${num(x1)}" x2="${num(x1)}" y1="${num(y - 5)}" y2="${num(y + 5)}"/></g>`,
      `<path d="M${num(x1)},${num(y)} l-7,-3.5 v7 z" fill="${colour}"/>`,
    );
    // The label sits above the line, inside it if it fits, else right of its end (left if no room there).
    const width = textWidth(label, 10.5);
    const lx = x1 - x0 >= width + 8 ? (x0 + x1) / 2 - width / 2 : x1 + width + 8 <= PLOT_X1 ? x1 + 8 : within(x0 - width - 8, width);
    c.add(text(lx, y - 4, label, `font-size="10.5" fill="${colour}"`));
  });
  c.y += h;
}

function axis(c: Canvas, d: TimelineData, gridTop: number): void {
  const span = Math.max(1, c.end - d.start);
  const step = TICK_STEPS_MS.find((s) => span / s <= 12) ?? TICK_STEPS_MS.at(-1)!;
  for (let t = 0; t <= span + 1e-6; t += step) {
    const x = c.x(d.start + t);
    c.back.push(`<line x1="${num(x)}" x2="${num(x)}" y1="${num(gridTop)}" y2="${num(c.y)}" stroke="${COLOURS.grid}"/>`);
    c.add(`<line x1="${num(x)}" x2="${num(x)}" y1="${num(c.y)}" y2="${num(c.y + 5)}" stroke="${COLOURS.muted}"/>`);
    c.add(text(x, c.y + 17, t === 0 ? '0' : formatDuration(t), `font-size="10.5" fill="${COLOURS.muted}" text-anchor="middle"`));
  }
  c.add(`<line x1="${PLOT_X0}" x2="${PLOT_X1}" y1="${num(c.y)}" y2="${num(c.y)}" stroke="${COLOURS.muted}"/>`);
  if (c.end > d.end) {
    const x = c.x(d.end);
    c.add(`<line x1="${num(x)}" x2="${num(x)}" y1="${num(gridTop)}" y2="${num(c.y)}" stroke="${COLOURS.muted}" stroke-width="1.2" stroke-dasharray="2 2"/>`);
    c.add(text(x, c.y + 31, 'test ended', `font-size="10" fill="${COLOURS.muted}" text-anchor="middle"`));
    c.y += 12;
  }
  c.y += 30;
}

function legend(c: Canvas, d: TimelineData): void {
  const items: { swatch: string; label: string }[] = [
    { swatch: `fill="${COLOURS.expected}" fill-opacity="0.25"`, label: 'session expected' },
    { swatch: `fill="${COLOURS.forbidden}" fill-opacity="0.2"`, label: 'no session expected' },
    { swatch: `fill="${COLOURS.otaApn}"`, label: `${d.otaApn} session` },
    { swatch: `fill="${COLOURS.otherApn}"`, label: 'other APN' },
    { swatch: `fill="${COLOURS.powerFill}" stroke="${COLOURS.powerLine}"`, label: 'powered' },
  ];
  let x = PLOT_X0;
  for (const item of items) {
    c.add(`<rect x="${num(x)}" y="${num(c.y)}" width="12" height="12" rx="2" ${item.swatch}/>`, text(x + 17, c.y + 10, item.label, `font-size="10.5" fill="${COLOURS.muted}"`));
    x += 17 + textWidth(item.label, 10.5) + 22;
  }
  c.y += 26;
}

/** The steps as the suite declares them, numbered as on the steps lane, with their rig-time durations. */
function stepList(c: Canvas, d: TimelineData): void {
  const columns = 2;
  const rows = Math.ceil(d.steps.length / columns);
  const columnWidth = (WIDTH - 2 * PAD) / columns;
  const room = Math.floor((columnWidth - 110) / (11 * 0.56));
  d.steps.forEach((s, i) => {
    const x = PAD + Math.floor(i / rows) * columnWidth;
    const y = c.y + (i % rows) * 17 + 11;
    const mark = s.status === 'passed' ? '✓' : s.status === 'skipped' ? '–' : '✗';
    const name = s.title.length > room ? `${s.title.slice(0, room - 1)}…` : s.title;
    c.add(
      text(x, y, `${i + 1}.`, `font-size="11" fill="${COLOURS.muted}"`),
      text(x + 22, y, mark, `font-size="11" fill="${verdictColour(s.status)}"`),
      text(x + 36, y, name, `font-size="11" fill="${COLOURS.text}"`),
      text(x + columnWidth - 16, y, formatDuration(s.endedAt - s.startedAt), `font-size="11" fill="${COLOURS.muted}" text-anchor="end"`),
    );
  });
  c.y += rows * 17 + 8;
}

export function renderTimeline(data: TimelineData): string {
  const c = new Canvas(data);
  header(c, data);
  windowLabels(c, data);
  const lanesTop = c.y;
  steps(c, data);
  power(c, data);
  marks(c, data);
  atTraffic(c, data);
  sessions(c, data);
  current(c, data);
  delays(c, data);
  const lanesBottom = c.y;
  axis(c, data, lanesTop);
  windows(c, data, lanesTop - WINDOW_LABEL_HEIGHT, lanesBottom);
  legend(c, data);
  stepList(c, data);
  const height = Math.ceil(c.y + PAD / 2);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${escapeXml(FONT)}">`,
    `<title>${escapeXml(`${data.suiteId}: ${data.status}`)}</title>`,
    `<defs><pattern id="grace" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${COLOURS.expected}" fill-opacity="0.05"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLOURS.expected}" stroke-opacity="0.22" stroke-width="2"/></pattern></defs>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...c.back,
    ...c.parts,
    '</svg>',
    '',
  ].join('\n');
}
