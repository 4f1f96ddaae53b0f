// Just enough types for the parts of @xmpp/client 0.14 (pinned exactly) that Parley assembles itself.
// The library ships no types; these describe only what electron/core/xmpp uses.

declare module '@xmpp/xml' {
  export class Element {
    constructor(name: string, attrs?: Record<string, string | undefined>);
    name: string;
    attrs: Record<string, string | undefined>;
    children: Array<Element | string>;
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getNS(): string | undefined;
    getAttr(name: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getText(): string;
    text(): string;
    append(...nodes: Array<Element | string>): this;
    toString(): string;
  }
  type Child = Element | string | null | undefined | false | Child[];
  export function xml(
    name: string,
    attrs?: Record<string, string | undefined> | null,
    ...children: Child[]
  ): Element;
  export class Parser {
    write(data: string): void;
  }
  export default xml;
}

declare module '@xmpp/events' {
  import type { EventEmitter } from 'node:events';
  export function promise<T = unknown>(
    target: EventEmitter,
    event: string,
    rejectEvent?: string | null,
    timeout?: number,
  ): Promise<T>;
  export { EventEmitter } from 'node:events';
}

declare module '@xmpp/jid' {
  export interface JID {
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    toString(): string;
  }
  export default function jid(value: string): JID;
}

declare module '@xmpp/connection' {
  import type { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';
  import type { JID } from '@xmpp/jid';
  export interface SocketLike extends EventEmitter {
    secure?: boolean;
    connect(options: Record<string, unknown>): void;
    write(data: string, callback?: (error?: Error | null) => void): void;
    end(): void;
    destroy?(): void;
  }
  /** @xmpp/xml's Parser as the connection holds it. */
  export interface StreamParser extends EventEmitter {
    write(data: string): void;
    /** The SAX parser (ltx) underneath: 'startElement' and 'endElement' as elements open and close. */
    parser: EventEmitter;
  }
  export default class Connection extends EventEmitter {
    constructor(options?: Record<string, unknown>);
    jid: JID | null;
    timeout: number;
    status: string;
    socket: SocketLike | null;
    options: { domain: string; service?: string; lang?: string; [key: string]: unknown };
    Socket: new () => SocketLike;
    isSecure(): boolean;
    connect(service: string): Promise<void>;
    open(options: { domain: string; lang?: string }): Promise<Element>;
    restart(): Promise<Element>;
    disconnect(): Promise<void>;
    stop(): Promise<void>;
    send(element: Element): Promise<void>;
    sendMany(elements: Element[]): Promise<void>;
    sendReceive(element: Element, timeout?: number): Promise<Element>;
    write(data: string): Promise<void>;
    socketParameters(service: string): Record<string, unknown> | undefined;
    _attachSocket(socket: SocketLike): void;
    /** Socket data (a Buffer from net/tls sockets) into the XML parser. */
    _onData(data: Buffer | string): void;
    _detachSocket(): void;
    /** The stream's XML parser; null once xmpp.js has let go of it (after a parser error). */
    parser: StreamParser | null;
    _attachParser(parser: StreamParser): void;
    _onStreamError(element: Element): void;
    _detachParser(): void;
    _streamError(condition: string): Promise<void>;
    _jid(id: string): JID;
    _ready(resumed?: boolean): void;
    _status(status: string, ...args: unknown[]): void;
  }
}

declare module '@xmpp/client-core' {
  import Connection from '@xmpp/connection';
  export class Client extends Connection {
    transports: Array<new (options?: Record<string, unknown>) => Connection>;
  }
}

declare module '@xmpp/connection-tcp' {
  import Connection from '@xmpp/connection';
  export default class ConnectionTCP extends Connection {}
}

declare module '@xmpp/tls/lib/Connection.js' {
  import ConnectionTCP from '@xmpp/connection-tcp';
  export default class ConnectionTLS extends ConnectionTCP {}
}

declare module '@xmpp/tcp/lib/Connection.js' {
  import ConnectionTCP from '@xmpp/connection-tcp';
  export default class ClientConnectionTCP extends ConnectionTCP {}
}
