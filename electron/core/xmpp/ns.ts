// Every XML namespace the engine speaks, in one place: modules import these instead of spelling URIs again.

// RFC 6120 core
export const NS_CLIENT = 'jabber:client';
export const NS_STREAMS = 'http://etherx.jabber.org/streams';
export const NS_STREAM_ERRORS = 'urn:ietf:params:xml:ns:xmpp-streams';
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';

// RFC 6121 IM
export const NS_ROSTER = 'jabber:iq:roster';
export const NS_ROSTER_VER = 'urn:xmpp:features:rosterver'; // RFC 6121 §2.6
export const NS_PRE_APPROVAL = 'urn:xmpp:features:pre-approval'; // RFC 6121 §3.4

// XEPs
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info'; // XEP-0030
export const NS_DATA = 'jabber:x:data'; // XEP-0004
export const NS_RSM = 'http://jabber.org/protocol/rsm'; // XEP-0059
export const NS_CAPS = 'http://jabber.org/protocol/caps'; // XEP-0115
export const NS_NICK = 'http://jabber.org/protocol/nick'; // XEP-0172
export const NS_RECEIPTS = 'urn:xmpp:receipts'; // XEP-0184
export const NS_SM = 'urn:xmpp:sm:3'; // XEP-0198
export const NS_PING = 'urn:xmpp:ping'; // XEP-0199
export const NS_DELAY = 'urn:xmpp:delay'; // XEP-0203
export const NS_CARBONS = 'urn:xmpp:carbons:2'; // XEP-0280
export const NS_FORWARD = 'urn:xmpp:forward:0'; // XEP-0297
export const NS_MAM = 'urn:xmpp:mam:2'; // XEP-0313
export const NS_MARKERS = 'urn:xmpp:chat-markers:0'; // XEP-0333
export const NS_HINTS = 'urn:xmpp:hints'; // XEP-0334
export const NS_SID = 'urn:xmpp:sid:0'; // XEP-0359
export const NS_BLOCKING = 'urn:xmpp:blocking'; // XEP-0191
export const NS_STREAM_LIMITS = 'urn:xmpp:stream-limits:0'; // XEP-0478
/** XEP-0352 client state indication. */
export const NS_CSI = 'urn:xmpp:csi:0';
