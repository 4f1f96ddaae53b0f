// Forged archive results for the MAM suites: as an element and as raw XML a peer can send over the wire.
import { xml, type Element } from '@xmpp/xml';
import { NS_MAM } from './mam.ts';

/** A result that would pass as a message from `peer` to `own` if its wrapper were believed. */
export function forgedResult(
  from: string | undefined,
  queryId: string,
  id: string,
  body: string,
  own: string,
  peer: string,
  type: 'chat' | 'groupchat' = 'chat',
): Element {
  return xml(
    'message',
    { from },
    xml(
      'result',
      { xmlns: NS_MAM, queryid: queryId, id },
      xml(
        'forwarded',
        { xmlns: 'urn:xmpp:forward:0' },
        xml('delay', { xmlns: 'urn:xmpp:delay', stamp: new Date().toISOString() }),
        xml(
          'message',
          { xmlns: 'jabber:client', from: `${peer}/desk`, to: own, type },
          xml('body', {}, body),
        ),
      ),
    ),
  );
}

export function forgedXml(to: string, queryId: string, id: string, body: string): string {
  return (
    `<message to='${to}/b'><result xmlns='${NS_MAM}' queryid='${queryId}' id='${id}'>` +
    `<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:00Z'/>` +
    `<message xmlns='jabber:client' from='${to}/a' to='eve@example.net' type='chat'><body>${body}</body></message>` +
    `</forwarded></result></message>`
  );
}
