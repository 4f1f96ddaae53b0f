// What an xmpp: link does in the page, decided without React: which account it is for, and what it asks,
// in words for the dialogs. The link is another program's (or a message's): nothing here carries it out.
import { bareJid } from '../../../shared/jid.ts';
import type { XmppUri } from '../../../shared/xmpp-uri.ts';
import { currentIntl } from '../../i18n/intl-instance.ts';

/**
 * The account a link is opened with: the one it names when that one is signed in, else the only signed-in
 * account; null when the user must choose (several, and the link names none of them) or none is signed in.
 */
export function accountFor(uri: XmppUri, signedIn: readonly string[]): string | null {
  if (uri.account !== null && signedIn.includes(uri.account)) return uri.account;
  return signedIn.length === 1 ? signedIn[0]! : null;
}

/** The address a link's dialog is about, without a resource (a contact, a room). */
export function linkTarget(uri: XmppUri): string {
  return bareJid(uri.jid);
}

/** The nick in a room link's resource (xmpp:room@service/nick?join), if any. */
export function linkNick(uri: XmppUri): string | null {
  const slash = uri.jid.indexOf('/');
  return slash >= 0 ? uri.jid.slice(slash + 1) : null;
}

/** What the link asks, for the account picker ("A link asks to …"). */
export function linkPurpose(uri: XmppUri): string {
  const t = currentIntl().formatMessage;
  const target = linkTarget(uri);
  switch (uri.action) {
    case 'message':
      return t({ id: 'links.purpose.message' }, { target });
    case 'roster':
    case 'subscribe':
      return t({ id: 'links.purpose.roster' }, { target });
    case 'join':
      return t({ id: 'links.purpose.join' }, { target });
    case 'invite':
      return t({ id: 'links.purpose.invite' }, { target });
    case 'remove':
      return t({ id: 'links.purpose.remove' }, { target });
    case 'unsubscribe':
      return t({ id: 'links.purpose.unsubscribe' }, { target });
  }
}

/** Composer text after a link's body is put in: the user's own draft stays, the body goes after it. */
export function draftWith(current: string, body: string): string {
  if (body === '' || current.includes(body)) return current;
  return current.trim() === '' ? body : `${current}\n${body}`;
}
