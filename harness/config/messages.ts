// Wording shared by every config file: what was expected, what was got, and a "did you mean" hint.
import type { z } from 'zod';

/** A value as a config author would describe it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** `expected <what>, got <value>`; a value of `undefined` can only mean a key the file leaves out. */
export function expectedGot(expected: string, value: unknown): string {
  if (value === undefined) return `required key is missing (expected ${expected})`;
  const got = describeValue(value);
  // YAML reads 80123456 or 2 as a number; the author almost always meant text.
  const quoteHint = expected === 'text' && (typeof value === 'number' || typeof value === 'boolean')
    ? `; put it in quotes to make it text`
    : '';
  return `expected ${expected}, got ${got}${quoteHint}`;
}

/** A zod error option that words a failed check as `expected <what>, got <value>`. */
export function expecting(what: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => expectedGot(what, issue.input) };
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** `; did you mean "x"?` when one of `known` is a likely misspelling of `word`, else ''. */
export function didYouMean(word: string, known: readonly string[]): string {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  return best && best.distance <= tolerance ? `; did you mean ${JSON.stringify(best.name)}?` : '';
}

const typeNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
};

function oneOf(values: readonly unknown[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length === 1 ? quoted[0]! : `one of ${quoted.join(', ')}`;
}

function bound(issue: { origin: string; inclusive?: boolean }, limit: unknown, direction: 'at least' | 'at most'): string {
  switch (issue.origin) {
    case 'string':
      return limit === 1 && direction === 'at least' ? 'non-empty text' : `text of ${direction} ${limit} characters`;
    case 'array':
      return `a list of ${direction} ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
    default: {
      const op = direction === 'at least' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return `a number ${op} ${limit}`;
    }
  }
}

/** Words zod's built-in issues for config authors. Schemas with their own wording take precedence. */
export function describeIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return expectedGot(typeNames[issue.expected] ?? issue.expected, issue.input);
    case 'invalid_value':
      return (
        expectedGot(oneOf(issue.values), issue.input) +
        (typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String)) : '')
      );
    case 'invalid_union':
      // Only discriminated unions are used in config schemas: the issue sits on the discriminator key
      // and carries the known options, while its input is the whole map.
      if ('options' in issue && Array.isArray(issue.options) && typeof issue.discriminator === 'string') {
        const options = issue.options.map(String);
        const found = (issue.input as Record<string, unknown>)[issue.discriminator];
        return expectedGot(oneOf(options), found) + (typeof found === 'string' ? didYouMean(found, options) : '');
      }
      return expectedGot('one of the allowed forms', issue.input);
    case 'too_small':
      return expectedGot(bound(issue, issue.minimum, 'at least'), issue.input);
    case 'too_big':
      return expectedGot(bound(issue, issue.maximum, 'at most'), issue.input);
    case 'invalid_format':
      return expectedGot(issue.pattern ? `text matching ${issue.pattern}` : `a valid ${issue.format}`, issue.input);
    default:
      return expectedGot('a valid value', issue.input);
  }
}
