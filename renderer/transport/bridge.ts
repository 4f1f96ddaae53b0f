// The one way the renderer reaches the engine: window.parley (Electron preload) when present, else the
// browser-mode WebSocket bridge to the loopback host.
import type { BridgeRefusal, ParleyBridge } from '../../shared/bridge.ts';
import { parseHash } from './hash.ts';
import { WebSocketBridge, bridgeUrl } from './websocket-bridge.ts';

declare global {
  interface Window {
    parley?: ParleyBridge;
  }
}

let bridge: ParleyBridge | null = null;

export function getBridge(): ParleyBridge {
  if (bridge) return bridge;
  if (window.parley) {
    bridge = window.parley;
  } else {
    const { token } = parseHash(location.hash);
    bridge = new WebSocketBridge(bridgeUrl(location), token ?? '');
  }
  return bridge;
}

/**
 * Browser mode: a token for a pop-out window about to be opened for the chat with `peer` on `account` (null
 * under Electron, where the shell opens them). The host tells every window while that window is open.
 */
export function windowToken(account: string, peer: string): Promise<string | null> {
  const b = getBridge();
  return b instanceof WebSocketBridge ? b.windowToken({ account, peer }) : Promise.resolve(null);
}

/** Browser mode: this pop-out closes for good (docked), so the others hear it at once (no-op under Electron). */
export function windowClosing(): Promise<void> {
  const b = getBridge();
  return b instanceof WebSocketBridge ? b.windowClosing() : Promise.resolve();
}

/** Registers a handler for a browser-mode socket that came back after a drop (no-op under Electron). */
export function onBridgeReopen(handler: () => void): () => void {
  const b = getBridge();
  return b instanceof WebSocketBridge ? b.onReopen(handler) : () => {};
}

/** Browser mode: the host refused this page (no token, an unknown one, or one another tab holds). */
export function onBridgeRefused(handler: (refusal: BridgeRefusal) => void): () => void {
  const b = getBridge();
  return b instanceof WebSocketBridge ? b.onRefused(handler) : () => {};
}
