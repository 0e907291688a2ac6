// The host-side toolkit a rig opts into with `toolkit: active`: the module hands the host each
// proactive command and carries it out only once the host answers, so the harness answers every one
// at once, accepting it. Without this, a module in such a mode never opens the OTA channel.
import type { AtEngine } from '../at/index.ts';
import type { ActiveToolkit } from '../module/index.ts';
import { acceptingTerminalResponse, bytesToHex, decodeStk } from '../stk/index.ts';

/** Answers each line the mode hands over; returns what stops it. */
export function answerToolkit(at: AtEngine, mode: ActiveToolkit, note: (text: string) => void): () => void {
  const pattern = new RegExp(mode.answer.pattern);
  return at.onUrc((urc) => {
    const groups = pattern.exec(urc.line)?.groups;
    if (!groups) return;
    let reply: string;
    try {
      reply = fill(mode.answer.reply, groups);
    } catch (error) {
      note(`host toolkit: cannot answer "${urc.line}": ${(error as Error).message}`);
      return;
    }
    at.send(reply).then(
      (response) => {
        if (!response.ok) note(`host toolkit: ${reply} answered ${response.final}`);
      },
      (error: Error) => note(`host toolkit: ${reply} failed: ${error.message}`),
    );
  });
}

function fill(template: string, groups: Record<string, string>): string {
  let text = template.replaceAll('{type}', groups.type ?? '');
  if (text.includes('{accept}')) {
    const command = decodeStk(groups.hex ?? '');
    if (command.kind !== 'proactive') throw new Error('not a proactive command');
    text = text.replaceAll('{accept}', bytesToHex(acceptingTerminalResponse(command)));
  }
  return text;
}
