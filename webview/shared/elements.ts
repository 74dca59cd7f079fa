// Only the vscode-elements this app uses, so the bundle carries nothing else.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';

// A <style> Lit might add (where constructable stylesheets are missing) carries the page's script nonce.
const nonce = document.currentScript instanceof HTMLScriptElement ? document.currentScript.nonce : undefined;
if (nonce) (window as unknown as { litNonce?: string }).litNonce = nonce;

export interface SelectElement extends HTMLElement {
  value: string;
}

export interface CheckboxElement extends HTMLElement {
  checked: boolean;
}
