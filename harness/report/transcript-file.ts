// Reads back what a run's transcript.log recorded, for figures the summary does not keep.
import { readFile } from 'node:fs/promises';

/** `2024-05-01T10:00:00.123Z     12.345s rx info    text`, as formatEntry writes it. */
const LINE = /^\S+\s+(\d+(?:\.\d+)?)s (tx|rx|--) (\S+)\s+(.*)$/;

export interface ImsiReading {
  imsi: string;
  /** Rig ms. */
  at: number;
}

/** Every IMSI the module answered to AT+CIMI, in order; [] when the file is missing. */
export async function imsiReadings(transcriptPath: string): Promise<ImsiReading[]> {
  let text: string;
  try {
    text = await readFile(transcriptPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const readings: ImsiReading[] = [];
  let asked = false;
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, rigSeconds, dir, kind, content] = match;
    if (dir === 'tx' && kind === 'command') asked = /^AT\+CIMI$/i.test(content!.trim());
    else if (asked && dir === 'rx' && kind === 'info' && /^\d{6,15}$/.test(content!.trim())) {
      readings.push({ imsi: content!.trim(), at: Number(rigSeconds) * 1000 });
      asked = false;
    } else if (dir === 'rx' && kind === 'final') asked = false;
  }
  return readings;
}
