// A check of a server's stream markup before ltx sees it. ltx (under @xmpp/xml) is lenient where XML is not:
// it reads '<!DOCTYPE' as a comment and swallows the stream up to the next '-->' or ']]>', blind and silent;
// and inside a tag it waits for an '=' after an attribute name, and for a quote after the '=', skipping
// whatever comes, so `<x foo>` or `<x a=b>` stalls the stream until the liveness timer fires. This scanner
// reads each socket read once (its state carried to the next, so a marker split between reads is still seen)
// and says where the stream stopped being what RFC 6120 allows:
// - 'restricted': a comment, processing instruction (other than the XML declaration before the first
//   element) or DTD, so entity declarations (billion laughs) too (RFC 6120 §11.1: restricted-xml);
// - 'malformed': tag syntax that is not XML (an attribute without '=' or quotes, '<' inside a tag or an
//   attribute value, attributes not separated by white space, an empty or unfinished tag name): bad-format.
// Entities and nesting are left to ltx and the depth count. Text is skipped with indexOf; markup is read one
// character at a time, so the work is linear in what arrives.

export type MarkupProblem = { at: number; kind: 'restricted' | 'malformed' };

type State =
  | 'text'
  | 'lt' // after '<'
  | 'bang' // after '<!': must become '<![CDATA['
  | 'cdata'
  | 'tag-name'
  | 'end-tag-name'
  | 'end-tag' // in an end tag's name
  | 'end-tag-space' // after an end tag's name: white space, then '>'
  | 'tag' // inside a start tag, where an attribute or the end may come
  | 'after-value' // right after an attribute's closing quote: white space, '/' or '>'
  | 'self-close' // after '/' in a start tag: '>'
  | 'attr-name'
  | 'attr-eq' // after an attribute's name: white space, then '='
  | 'attr-quote' // after '=': white space, then a quote
  | 'attr-value';

const CDATA_OPEN = '[CDATA[';
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** A character that may be part of a tag or attribute name here: anything but space and XML's punctuation. */
function isNameChar(c: number): boolean {
  return !isSpace(c) && c !== LT && c !== GT && c !== SLASH && c !== EQ && c !== DQUOTE && c !== SQUOTE;
}

export class MarkupScanner {
  #state: State = 'text';
  /** After '<!': characters of '[CDATA[' matched; inside CDATA: ']' seen in a row (2 is enough). */
  #matched = 0;
  #quote = 0;
  #afterHeader = false;

  /** The first problem in `text` (at 0 if its markup began in an earlier read), or null if there is none. */
  scan(text: string): MarkupProblem | null {
    let markup = 0;
    const malformed = (): MarkupProblem => ({ at: markup, kind: 'malformed' });
    let i = 0;
    while (i < text.length) {
      if (this.#state === 'text') {
        const open = text.indexOf('<', i);
        if (open === -1) return null;
        markup = open;
        this.#state = 'lt';
        i = open + 1;
        continue;
      }
      if (this.#state === 'cdata') {
        if (this.#matched === 0) {
          const bracket = text.indexOf(']', i);
          if (bracket === -1) return null;
          i = bracket;
        }
        const next = text[i++];
        if (next === ']') this.#matched = Math.min(this.#matched + 1, 2);
        else if (next === '>' && this.#matched === 2) this.#state = 'text';
        else this.#matched = 0;
        continue;
      }
      const c = text.charCodeAt(i++);
      switch (this.#state) {
        case 'lt':
          if (c === 0x21 /* ! */) {
            this.#state = 'bang';
            this.#matched = 0;
          } else if (c === 0x3f /* ? */) {
            if (this.#afterHeader) return { at: markup, kind: 'restricted' };
            this.#state = 'text'; // the XML declaration: no '<' in it
          } else if (c === SLASH) this.#state = 'end-tag-name';
          else if (isNameChar(c)) this.#state = 'tag-name';
          else return malformed();
          break;
        case 'bang':
          if (c !== CDATA_OPEN.charCodeAt(this.#matched)) return { at: markup, kind: 'restricted' };
          if (++this.#matched === CDATA_OPEN.length) {
            this.#state = 'cdata';
            this.#matched = 0;
          }
          break;
        case 'tag-name':
          if (isNameChar(c)) break;
          this.#afterHeader = true;
          if (isSpace(c)) this.#state = 'tag';
          else if (c === SLASH) this.#state = 'self-close';
          else if (c === GT) this.#state = 'text';
          else return malformed();
          break;
        case 'end-tag-name':
          if (isNameChar(c)) this.#state = 'end-tag';
          else return malformed();
          break;
        case 'end-tag':
          if (c === GT) this.#state = 'text';
          else if (isSpace(c)) this.#state = 'end-tag-space';
          else if (!isNameChar(c)) return malformed();
          break;
        case 'end-tag-space':
          if (c === GT) this.#state = 'text';
          else if (!isSpace(c)) return malformed();
          break;
        case 'tag':
          if (isSpace(c)) break;
          if (c === GT) this.#state = 'text';
          else if (c === SLASH) this.#state = 'self-close';
          else if (isNameChar(c)) this.#state = 'attr-name';
          else return malformed();
          break;
        case 'after-value':
          if (isSpace(c)) this.#state = 'tag';
          else if (c === GT) this.#state = 'text';
          else if (c === SLASH) this.#state = 'self-close';
          else return malformed();
          break;
        case 'self-close':
          if (c === GT) this.#state = 'text';
          else return malformed();
          break;
        case 'attr-name':
          if (isNameChar(c)) break;
          if (c === EQ) this.#state = 'attr-quote';
          else if (isSpace(c)) this.#state = 'attr-eq';
          else return malformed();
          break;
        case 'attr-eq':
          if (c === EQ) this.#state = 'attr-quote';
          else if (!isSpace(c)) return malformed();
          break;
        case 'attr-quote':
          if (c === DQUOTE || c === SQUOTE) {
            this.#quote = c;
            this.#state = 'attr-value';
          } else if (!isSpace(c)) return malformed();
          break;
        case 'attr-value':
          if (c === this.#quote) this.#state = 'after-value';
          else if (c === LT) return malformed();
          break;
      }
    }
    return null;
  }
}
