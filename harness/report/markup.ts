// Escaping for the XML, SVG and HTML the reports write.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe inside an element or a quoted attribute; drops control characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A number with at most `digits` decimals and no trailing zeros, for coordinates and figures. */
export function num(value: number, digits = 1): string {
  return String(Number(value.toFixed(digits)));
}
