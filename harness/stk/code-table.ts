// A table of byte codes with names, written once; code constants and name look-ups derive from it.
import { byteHex } from './hex.ts';

type CodeEntries = Record<string, readonly [code: number, name: string]>;

export function codeTable<const T extends CodeEntries>(entries: T) {
  const byCode = new Map<number, string>();
  const byName = new Map<string, number>();
  const codes = {} as Record<string, number>;
  for (const [key, [code, name]] of Object.entries(entries)) {
    byCode.set(code, name);
    byName.set(name, code);
    codes[key] = code;
  }
  return {
    codes: codes as { readonly [K in keyof T]: T[K][0] },
    nameOf: (code: number): string => byCode.get(code) ?? `unknown (0x${byteHex(code)})`,
    codeOf: (name: T[keyof T][1]): number | undefined => byName.get(name),
  };
}
