// Buttons with data-command="<id>" ask the host to run that command (the
// host checks the id against its own list, ./reportMessages.ts). A click
// and the keyboard (Enter/Space on a <button>) both end up here.
import type { CommandMessage } from './reportMessages';

export interface VsCodeApi<M> { postMessage(message: M): void }

export function sendCommandsOnClick<C extends string>(api: VsCodeApi<CommandMessage<C>>): void {
  document.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('button[data-command]') : null;
    const command = b?.getAttribute('data-command');
    // the host refuses anything but its own commands; the cast only names the type
    if (command) api.postMessage({ type: 'command', command: command as C });
  });
}
