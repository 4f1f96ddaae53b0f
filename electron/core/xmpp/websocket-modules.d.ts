// The parts of @xmpp/xml's Parser that the WebSocket transport's framed parser overrides
// (websocket-transport.ts).
// Merged into the declarations in xmpp-modules.d.ts.

declare module '@xmpp/xml' {
  interface Parser {
    emit(event: string, ...args: unknown[]): boolean;
    /** The element being built; null between top-level elements. */
    cursor: Element | null;
    onStartElement(name: string, attrs: Record<string, string>): void;
    onEndElement(name: string): void;
    onText(text: string): void;
  }
}
