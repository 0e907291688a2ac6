// Text from outside (a broker, a module) made safe to print on a terminal: escape sequences and
// control characters removed, so that no message can move the cursor, retitle the window or hide
// what was printed before it.

// ESC followed by a CSI (ESC [ … final byte), an OSC, DCS, SOS, PM or APC string (up to BEL or
// ESC \), or any single character; the 8-bit CSI (U+009B) likewise.
const ESCAPE_SEQUENCE = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[\s\S]?/g;
// Line breaks and tabs become a space (a printed line stays one line); other C0 controls, DEL and
// C1 controls go.
const BREAK = /[\t\n\v\f\r]+/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(BREAK, ' ').replace(CONTROL, '');
}
