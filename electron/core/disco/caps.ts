// XEP-0115 Entity Capabilities: the verification string of a disco#info answer (§5.1), and a cache of what
// contacts' clients support keyed by that string, so one disco#info query serves every contact running the
// same client. A contact's advertised string is believed only once the answer we got hashes to it (§5.4).
import { createHash } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { NS_DATA, NS_DISCO_INFO } from '../xmpp/ns.ts';

export interface Identity {
  category: string;
  type: string;
  lang?: string;
  name?: string;
}

export interface DiscoInfo {
  identities: Identity[];
  features: string[];
  /** XEP-0128 extended forms: FORM_TYPE plus fields by var. */
  forms: Array<{ formType: string; fields: Array<{ var: string; values: string[] }> }>;
}

/** Longest answer we hash: a contact's client has no reason to list more. */
const MAX_ITEMS = 1_000;

/** The verification string (§5.1) with SHA-1, base64: what our presence advertises and what we check. */
export function capsVerification(info: DiscoInfo): string {
  // §5.1 sorts by octets (code units here, equal for the ASCII these are in practice).
  const byOctets = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  let s = '';
  const identities = info.identities
    .map((i) => `${i.category}/${i.type}/${i.lang ?? ''}/${i.name ?? ''}`)
    .sort(byOctets);
  for (const identity of identities) s += `${identity}<`;
  for (const feature of [...info.features].sort(byOctets)) s += `${feature}<`;
  const forms = [...info.forms].sort((a, b) => byOctets(a.formType, b.formType));
  for (const form of forms) {
    s += `${form.formType}<`;
    for (const field of [...form.fields].sort((a, b) => byOctets(a.var, b.var))) {
      s += `${field.var}<`;
      for (const value of [...field.values].sort(byOctets)) s += `${value}<`;
    }
  }
  return createHash('sha1').update(s, 'utf8').digest('base64');
}

/**
 * A disco#info <query/> as DiscoInfo, or null when it cannot be hashed honestly (§5.4: duplicate identities
 * or features, or a form without a single FORM_TYPE, make the answer unverifiable).
 */
export function parseDiscoInfo(query: Element): DiscoInfo | null {
  const children = query.getChildElements();
  if (children.length > MAX_ITEMS) return null;
  const identities: Identity[] = [];
  const features: string[] = [];
  const forms: DiscoInfo['forms'] = [];
  for (const child of children) {
    if (child.name === 'identity') {
      const { category, type, name } = child.attrs;
      if (!category || !type) return null;
      identities.push({ category, type, lang: child.attrs['xml:lang'], name });
    } else if (child.name === 'feature' && child.attrs.var) {
      features.push(child.attrs.var);
    } else if (child.name === 'x' && child.getNS() === NS_DATA) {
      const fields = child.getChildren('field').map((f) => ({
        var: f.attrs.var ?? '',
        values: f.getChildren('value').map((v) => v.text()),
      }));
      const formTypes = fields.filter((f) => f.var === 'FORM_TYPE');
      if (formTypes.length !== 1 || formTypes[0]!.values.length !== 1) return null;
      forms.push({ formType: formTypes[0]!.values[0]!, fields: fields.filter((f) => f.var !== 'FORM_TYPE') });
    }
  }
  const identityKeys = identities.map((i) => `${i.category}/${i.type}/${i.lang ?? ''}/${i.name ?? ''}`);
  if (new Set(identityKeys).size !== identityKeys.length) return null;
  if (new Set(features).size !== features.length) return null;
  if (new Set(forms.map((f) => f.formType)).size !== forms.length) return null;
  return { identities, features, forms };
}

/** Our own disco#info answer, optionally for a caps node (`node#ver`). */
export function discoInfoQuery(info: DiscoInfo, node?: string): Element {
  return xml(
    'query',
    { xmlns: NS_DISCO_INFO, node },
    ...info.identities.map((i) =>
      xml('identity', { category: i.category, type: i.type, name: i.name, 'xml:lang': i.lang }),
    ),
    ...info.features.map((v) => xml('feature', { var: v })),
  );
}

/**
 * Verified capabilities by verification string, shared by every account (the same client has the same
 * string everywhere). Bounded: the least recently used string goes first.
 */
export class CapsCache {
  readonly #byVer = new Map<string, ReadonlySet<string>>();
  readonly #limit: number;

  constructor(limit = 2_000) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#byVer.size;
  }

  get(ver: string): ReadonlySet<string> | undefined {
    const features = this.#byVer.get(ver);
    if (features) {
      this.#byVer.delete(ver);
      this.#byVer.set(ver, features);
    }
    return features;
  }

  /** Stores `info` under `ver` only when it really hashes to it; answers whether it did. */
  verifyAndStore(ver: string, info: DiscoInfo): boolean {
    if (capsVerification(info) !== ver) return false;
    this.#byVer.delete(ver);
    this.#byVer.set(ver, new Set(info.features));
    while (this.#byVer.size > this.#limit) {
      const oldest = this.#byVer.keys().next().value;
      if (oldest === undefined) break;
      this.#byVer.delete(oldest);
    }
    return true;
  }
}
