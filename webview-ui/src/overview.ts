// Script of the Build Overview (./overviewPage.ts): its buttons (next step,
// Open meta.json, Reveal) ask the host to run the command for this build; the
// host accepts only its own list (OVERVIEW_COMMANDS, src/cosa/buildOverview.ts).
// The page is rendered by the host; nothing else happens here.
import { sendCommandsOnClick, type VsCodeApi } from './commandButtons';
import type { CommandMessage } from './reportMessages';

declare function acquireVsCodeApi(): VsCodeApi<CommandMessage<string>>;
sendCommandsOnClick(acquireVsCodeApi());
