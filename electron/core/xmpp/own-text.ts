// Remote text kept in long-lived state is copied first. The XML parser cuts attribute values and text out
// of each socket read (16 KB and more), and V8 keeps the whole read alive behind every such slice (and behind
// strings built from one): 1,000 kept presences held 21.5 MB of reads before. A copy owns only its characters.
export function ownText(text: string): string {
  return text.length === 0 ? '' : Buffer.from(text, 'utf8').toString('utf8');
}

export function ownTextOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : ownText(text);
}
