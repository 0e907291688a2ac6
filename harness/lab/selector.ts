// Job selectors: which benches may run a job (`--where module=quectel-bg95 --where tag=night`), and
// what a bench offers them. BullMQ workers cannot filter jobs by content, so each distinct selector
// has its own queue; a bench works the queues of the selectors it matches (lab/agent.ts).
import { createHash } from 'node:crypto';

export const SELECTOR_KEYS = ['module', 'maker', 'model', 'firmware', 'bench', 'tag'] as const;
type Key = (typeof SELECTOR_KEYS)[number];

/** Every field given must match; `tags` must all be on the bench. */
export interface Selector {
  module?: string;
  maker?: string;
  model?: string;
  firmware?: string;
  bench?: string;
  tags: string[];
}

/** What a bench offers: its name, the module as read from it, the rig file's tags. */
export interface Capabilities {
  bench: string;
  module: { profile: string; maker?: string | undefined; model?: string | undefined; firmware?: string | undefined };
  tags: string[];
}

/** Reads `key=value` clauses; throws naming the clause that is not one. */
export function parseSelector(clauses: string[]): Selector {
  const selector: Selector = { tags: [] };
  for (const clause of clauses) {
    const match = /^([a-z]+)=(.+)$/.exec(clause);
    const key = match?.[1] as Key | undefined;
    if (!match || !key || !SELECTOR_KEYS.includes(key)) {
      throw new Error(`expected KEY=VALUE with KEY one of ${SELECTOR_KEYS.join(', ')}, got "${clause}"`);
    }
    const value = match[2]!;
    if (key === 'tag') {
      if (!selector.tags.includes(value)) selector.tags.push(value);
    } else if (selector[key] !== undefined && selector[key] !== value) {
      throw new Error(`${key} given twice ("${selector[key]}" and "${value}"): a bench has one`);
    } else {
      selector[key] = value;
    }
  }
  selector.tags.sort();
  return selector;
}

/** The selector as one canonical line, e.g. `module=quectel-bg95 tag=night`; `any` for no constraint. */
export function describeSelector(selector: Selector): string {
  const parts = SELECTOR_KEYS.flatMap((key) => (key === 'tag' ? selector.tags.map((t) => `tag=${t}`) : selector[key] !== undefined ? [`${key}=${selector[key]}`] : []));
  return parts.length ? parts.join(' ') : 'any';
}

/** The selector's queue: the same for every job with the same constraints. */
export function selectorQueue(lab: string, selector: Selector): string {
  const hash = createHash('sha256').update(describeSelector(selector)).digest('hex').slice(0, 16);
  return `${lab}.${hash}`;
}

const same = (want: string | undefined, have: string | undefined) => want === undefined || (have !== undefined && want.toLowerCase() === have.toLowerCase());

export function matches(selector: Selector, bench: Capabilities): boolean {
  const { module } = bench;
  return same(selector.bench, bench.bench) && same(selector.module, module.profile) && same(selector.maker, module.maker) && same(selector.model, module.model)
    && same(selector.firmware, module.firmware) && selector.tags.every((tag) => bench.tags.includes(tag));
}
