// Webview front end entry. The Ignition config editor grows here; for now it
// only loads the VS Code-styled elements and tells the host it is ready.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { HostToWebview, WebviewToHost } from './messages';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  document.body.dataset.theme = event.data.theme;
});
vscode.postMessage({ type: 'ready' });
