// The protocol modules every account runs, in the order their sessions start (the roster before our first
// presence, RFC 6121 §2.2; carbons before it too). Adding a feature adds one line here.
import type { EngineCommandName } from '../../shared/contract.ts';
import type { CommandsOf } from './account/module.ts';
import { rosterModule } from './roster/roster-module.ts';
import { carbonsModule } from './carbons/carbons-module.ts';
import { subscriptionsModule } from './subscriptions/subscriptions-module.ts';
import { presenceModule } from './presence/presence-module.ts';
import { mamModule } from './mam/mam-module.ts';
import { chatModule } from './chat/chat-module.ts';
import { chatStatesModule } from './chat/chat-states-module.ts';
import { receiptsModule } from './receipts/receipts-module.ts';
import { discoModule } from './disco/disco-module.ts';
import { pingModule } from './ping/ping-module.ts';
import { blockingModule } from './blocking/blocking-module.ts';
import { mucModule } from './muc/muc-module.ts';
import { bookmarksModule } from './bookmarks/bookmarks-module.ts';
import { roomDirectoryModule } from './room-directory/room-directory-module.ts';
import { invitationsModule } from './invitations/invitations-module.ts';
import { versionModule } from './version/version-module.ts';
import { clientStateModule } from './idle/client-state-module.ts';
import type { ServiceCommand } from './services.ts';

export const MODULES = [
  rosterModule,
  carbonsModule,
  subscriptionsModule,
  presenceModule,
  mamModule,
  chatModule,
  chatStatesModule,
  receiptsModule,
  discoModule,
  pingModule,
  blockingModule,
  mucModule,
  bookmarksModule,
  roomDirectoryModule,
  invitationsModule,
  clientStateModule,
  versionModule,
] as const;

/** Commands the engine answers itself: about accounts as a whole, or across all of them. */
export const ENGINE_COMMANDS = [
  'account.signIn',
  'account.restore',
  'account.signOut',
  'account.forget',
  'account.saved',
  'account.trustCertificate',
  'account.forgetCertificates',
  'account.setProxy',
  'account.allowPlainPassword',
  'connection.retryNow',
  'state.snapshot',
  'chat.search',
] as const satisfies readonly EngineCommandName[];
export type EngineLevelCommand = (typeof ENGINE_COMMANDS)[number];
export type ModuleCommand = CommandsOf<typeof MODULES>;

// The build fails here when a contract command has no implementation (not the engine, a module or a service).
type Unimplemented = Exclude<EngineCommandName, EngineLevelCommand | ModuleCommand | ServiceCommand>;
export const EVERY_COMMAND_IMPLEMENTED: [Unimplemented] extends [never] ? true : { missing: Unimplemented } =
  true;
