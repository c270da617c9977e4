// Typed messages between the extension host and the webview front end.
// Both sides import this file; the host never sends untyped objects.

export type HostToWebview = { readonly type: 'init'; readonly theme: 'light' | 'dark' | 'high-contrast' };
export type WebviewToHost = { readonly type: 'ready' };
