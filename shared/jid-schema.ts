// The contract's schema of a bare JID (user@domain or a domain, bounded), for every contract file that takes
// one: one definition, so a change to what the contract accepts is made once.
import { z } from 'zod';
import { isBareJid } from './jid.ts';

export const bareJidSchema = z
  .string()
  .max(2047)
  .refine(isBareJid, { message: 'Not a valid bare XMPP address' });
