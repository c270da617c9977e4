// Messages from the webviews whose buttons run commands (the prerequisites
// report, ./prerequisites.ts; the build overview, ./overview.ts): one kind,
// running one of a fixed set of commands. Checked by shape like the Ignition
// editor's (./messageValidation.ts); anything else is refused with the reason.

import { COMMANDS } from '../../src/commandIds';
import { type Checked, describeType } from './messageValidation';

/** The commands the report's buttons may run; nothing else is accepted from the webview. */
export const REPORT_COMMANDS = [COMMANDS.checkPrerequisites, COMMANDS.pullImage] as const;
export type ReportCommand = (typeof REPORT_COMMANDS)[number];

export interface CommandMessage<C extends string> {
  readonly type: 'command';
  readonly command: C;
}
export type ReportToHost = CommandMessage<ReportCommand>;

/** `m` as a command message naming one of `allowed`, or why it is not one. */
export function checkCommandMessage<C extends string>(m: unknown, allowed: readonly C[]): Checked<CommandMessage<C>> {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    return { ok: false, reason: 'not an object' };
  }
  const fields = m as Record<string, unknown>;
  if (fields.type !== 'command') {
    return { ok: false, reason: `${describeType(fields.type)}: unknown message type` };
  }
  const extra = Object.keys(fields).filter((k) => k !== 'type' && k !== 'command');
  if (extra.length) {
    return { ok: false, reason: `command: unexpected ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` };
  }
  if (!(allowed as readonly unknown[]).includes(fields.command)) {
    return { ok: false, reason: `command: ${(JSON.stringify(fields.command) ?? String(fields.command)).slice(0, 60)} is not one this page runs` };
  }
  return { ok: true, message: fields as unknown as CommandMessage<C> };
}

export function checkReportToHost(m: unknown): Checked<ReportToHost> {
  return checkCommandMessage(m, REPORT_COMMANDS);
}
