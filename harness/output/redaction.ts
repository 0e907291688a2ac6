// Values named as secrets (the MQTT password, a PDU's token named in the lab file) are replaced by
// [redacted] in everything a run writes or publishes: the transcript, events, the console, the
// summary and errors. One set per process, since a secret is one whatever part of the harness meets it.

export const REDACTED = '[redacted]';
/** Shorter values would garble the reports (every "1" redacted) and are refused instead. */
export const MIN_SECRET_LENGTH = 4;

export class Redaction {
  private secrets: string[] = [];
  /** The same values as they appear inside a JSON string. */
  private escaped: string[] = [];

  /** Adds values to redact from now on; returns the ones too short to redact. */
  add(values: Iterable<string>): string[] {
    const short: string[] = [];
    for (const value of values) {
      if (value.length < MIN_SECRET_LENGTH) short.push(value);
      else if (!this.secrets.includes(value)) this.secrets.push(value);
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets.sort((a, b) => b.length - a.length);
    this.escaped = this.secrets.map((s) => JSON.stringify(s).slice(1, -1));
    return short;
  }

  text(text: string): string {
    return replaceAll(text, this.secrets);
  }

  /** A JSON text with every secret inside its strings replaced; still valid JSON. */
  json(text: string): string {
    return replaceAll(text, this.escaped);
  }

  /** A copy of a JSON-shaped value with every secret in its strings replaced. */
  value<T>(value: T): T {
    if (this.secrets.length === 0) return value;
    return JSON.parse(this.json(JSON.stringify(value))) as T;
  }
}

function replaceAll(text: string, secrets: string[]): string {
  for (const secret of secrets) if (text.includes(secret)) text = text.replaceAll(secret, REDACTED);
  return text;
}

export const redaction = new Redaction();
