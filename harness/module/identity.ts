// The module's identity answers (TS 27.007 §5: +CGMI, +CGMM, +CGMR, +CGSN, +CIMI; the ICCID through
// each maker's own command): some answer with the bare value, some prefix it with the command's
// name (`+CGMR: `, `+QCCID: `, `^ICCID: `, SIMCom's `Revision:`), some quote it.

/** The value of the first non-empty line of an identity answer, without a name prefix or quotes. */
export function identityValue(lines: readonly string[]): string | undefined {
  const line = lines.find((l) => l.trim() !== '');
  return line?.replace(/^([+%^#$][A-Z]+|Revision):\s*/i, '').replace(/^"|"$/g, '').trim();
}

/**
 * The ICCID's digits (ITU-T E.118: up to 19 digits and a check digit): some modules pad it with F or
 * quote it, and the SIM vendor's API knows the digits only.
 */
export function iccidDigits(value: string | undefined): string | undefined {
  const digits = value?.replace(/\D/g, '');
  return digits || undefined;
}
