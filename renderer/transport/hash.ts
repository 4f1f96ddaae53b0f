// The renderer's start parameters live in the URL hash (never in the query: the hash is not sent to servers):
//   #token=SECRET                      browser mode: the loopback host's one-time bridge token
//   #token=SECRET&view=chat&peer=JID   a popped-out chat window
export interface HashParams {
  token: string | null;
  view: 'main' | 'chat';
  peer: string | null;
}

export function parseHash(hash: string): HashParams {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const peer = params.get('peer');
  const view = params.get('view') === 'chat' && peer ? 'chat' : 'main';
  return { token: params.get('token'), view, peer: view === 'chat' ? peer : null };
}

/** The URL of a pop-out window for `peer`: same page and token, `view=chat&peer=JID` in the hash. */
export function popOutUrl(href: string, peer: string): string {
  const hashAt = href.indexOf('#');
  const base = hashAt >= 0 ? href.slice(0, hashAt) : href;
  const params = new URLSearchParams(hashAt >= 0 ? href.slice(hashAt + 1) : '');
  params.set('view', 'chat');
  params.set('peer', peer);
  return `${base}#${params.toString()}`;
}
