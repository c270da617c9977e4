// Messages from the prerequisites report's webview (its buttons, see
// ./prerequisites.ts): one kind, running one
// of a fixed set of commands. Checked by shape like the Ignition editor's
// (webview-ui/src/messageValidation.ts); anything else is refused with the reason.

import { type Checked, describeType } from './messageValidation';

/** The commands the report's buttons may run; nothing else is accepted from the webview. */
export const REPORT_COMMANDS = ['coreos.checkPrerequisites', 'coreos.pullImage'] as const;
export type ReportCommand = (typeof REPORT_COMMANDS)[number];

export interface ReportToHost {
  readonly type: 'command';
  readonly command: ReportCommand;
}

export function checkReportToHost(m: unknown): Checked<ReportToHost> {
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
  if (!(REPORT_COMMANDS as readonly unknown[]).includes(fields.command)) {
    return { ok: false, reason: `command: ${(JSON.stringify(fields.command) ?? String(fields.command)).slice(0, 60)} is not one the report runs` };
  }
  return { ok: true, message: fields as unknown as ReportToHost };
}
