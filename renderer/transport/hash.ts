// The renderer's start parameters live in the URL hash (never in the query: the hash is not sent to servers):
//   #token=SECRET                                   browser mode: the loopback host's token for this window
//   #token=SECRET&view=chat&account=JID&peer=JID    a popped-out chat window (the chat with peer on account),
//                                                   with the token the host gave that window
export interface HashParams {
  token: string | null;
  view: 'main' | 'chat';
  account: string | null;
  peer: string | null;
}

export function parseHash(hash: string): HashParams {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const peer = params.get('peer');
  const account = params.get('account');
  const view = params.get('view') === 'chat' && peer && account ? 'chat' : 'main';
  return {
    token: params.get('token'),
    view,
    account: view === 'chat' ? account : null,
    peer: view === 'chat' ? peer : null,
  };
}

/**
 * The hash of a pop-out window: `view=chat&account=JID&peer=JID`, other parameters kept; `token` (browser
 * mode: the one the host gave the new window) replaces this window's.
 */
export function popOutHash(hash: string, account: string, peer: string, token?: string): string {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  if (token !== undefined) params.set('token', token);
  params.set('view', 'chat');
  params.set('account', account);
  params.set('peer', peer);
  return `#${params.toString()}`;
}

/** The URL of a pop-out window for the chat with `peer` on `account`: same page, its own token if given. */
export function popOutUrl(href: string, account: string, peer: string, token?: string): string {
  const hashAt = href.indexOf('#');
  const base = hashAt >= 0 ? href.slice(0, hashAt) : href;
  return `${base}${popOutHash(hashAt >= 0 ? href.slice(hashAt) : '', account, peer, token)}`;
}
