// What a room's owner does (XEP-0045 §10): read and submit the room's configuration (the shared XEP-0004
// model: values are validated against the room's own form before anything is sent), accept the defaults of a
// room we created and left unconfigured, and destroy the room with a reason and an alternate venue. A
// configuration change (status 104, from us or another owner) is followed by a fresh disco#info, so the
// room's features (members only, password...) stay true. muc-module.ts spreads `commands` into its table.
//
// The room's form carries its password (muc#roomconfig_roomsecret, a text-private field): it stays in main.
// The renderer gets text-private fields blank; a submit that leaves one blank (or unsent) keeps the value the
// room has now (read again here), so saving other settings does not wipe the password.
import { xml } from '@xmpp/xml';
import type { DataForm, FormValues } from '../../../shared/data-form.ts';
import { FormInvalidError, describeProblem, initialValues, submitValues } from '../../../shared/data-form.ts';
import type { AccountContext, CommandTable } from '../account/module.ts';
import { EngineError } from '../errors.ts';
import type { MessageEnvelope } from '../xmpp/envelope.ts';
import { dataFormElement, findDataForm } from '../forms/data-form-xml.ts';
import { NS_MUC_OWNER } from './muc-user.ts';
import { discoInfoRequest, instantRoomConfig, parseRoomInfo } from './join.ts';
import { refusal } from './room-admin.ts';
import type { RoomState } from './room.ts';

export const OWNER_COMMANDS = ['muc.config.get', 'muc.config.submit', 'muc.destroy'] as const;
type OwnerCommand = (typeof OWNER_COMMANDS)[number];

/** XEP-0045 §10.2.1: a configuration change the room announces with this status in a message. */
export const STATUS_CONFIG_CHANGED = 104;

export interface RoomOwnerDeps {
  context: AccountContext;
  roomOf(room: string): RoomState;
  emitRoom(room: RoomState): void;
}

/** The problems of a refused form in one sentence per field, for the person (and the test) to read. */
function invalidForm(form: DataForm, error: FormInvalidError): EngineError {
  const lines = Object.entries(error.problems).map(([name, problem]) => {
    const label = form.fields.find((f) => f.var === name)?.label ?? name;
    return `${label}: ${describeProblem(problem)}`;
  });
  return new EngineError('invalid-request', `The settings were not sent. ${lines.join(' ')}`);
}

/** Said under a secret field sent blank: blank keeps what the room has. */
export const KEEP_SECRET_HINT = 'Set now: leave blank to keep it, or type a new one.';

/** The form as the renderer may see it: every text-private value (the room's password) left out. */
export function withoutSecrets(form: DataForm): DataForm {
  return {
    ...form,
    fields: form.fields.map((f) =>
      f.type === 'text-private' && f.values.length > 0 ? { ...f, values: [], desc: KEEP_SECRET_HINT } : f,
    ),
  };
}

/** The person's values without the text-private fields they left blank: those keep the room's own value. */
export function keepingSecrets(form: DataForm, values: FormValues): FormValues {
  const kept: Record<string, readonly string[]> = { ...values };
  for (const field of form.fields) {
    if (field.type !== 'text-private' || field.var === null) continue;
    if ((kept[field.var] ?? []).every((v) => v === '')) delete kept[field.var];
  }
  return kept;
}

export function roomOwner({ context, roomOf, emitRoom }: RoomOwnerDeps) {
  /**
   * disco#info queries of a room: the one asked now, and at most one more that waits for it (a burst of 104s
   * costs two queries, and the last answer read is never older than the last change).
   */
  const running = new Map<string, Promise<void>>();
  const queued = new Map<string, Promise<void>>();

  /** Reads the room's features again; emits the room when they changed. */
  const readFeatures = async (room: RoomState): Promise<void> => {
    try {
      const reply = await context.online().iq.request('get', room.room, discoInfoRequest());
      const { features } = parseRoomInfo(reply);
      if (features.join('\n') !== room.features.join('\n')) {
        room.features = features;
        emitRoom(room);
      }
    } catch {
      // Offline or no answer: the features stay as they were until the next join.
    }
  };

  const start = (room: RoomState): Promise<void> => {
    const query = readFeatures(room).finally(() => {
      if (running.get(room.room) === query) running.delete(room.room);
    });
    running.set(room.room, query);
    return query;
  };

  const refreshFeatures = (room: RoomState): Promise<void> => {
    const waiting = queued.get(room.room);
    if (waiting) return waiting;
    const before = running.get(room.room);
    if (!before) return start(room);
    const next = before.then(() => {
      queued.delete(room.room);
      return start(room);
    });
    queued.set(room.room, next);
    return next;
  };

  const configForm = async (jid: string): Promise<DataForm> => {
    let reply;
    try {
      reply = await context.online().iq.request('get', jid, xml('query', { xmlns: NS_MUC_OWNER }));
    } catch (error) {
      throw refusal(error, 'change the settings');
    }
    const parsed = findDataForm(reply.getChild('query', NS_MUC_OWNER) ?? reply);
    if (!parsed.ok) {
      throw new EngineError(
        'server-error',
        parsed.reason === 'too-large'
          ? 'The room sent a settings form too large to show.'
          : 'The room sent no settings form.',
      );
    }
    return parsed.form;
  };

  const commands: CommandTable<OwnerCommand> = {
    'muc.config.get': async ({ room }) => {
      roomOf(room);
      return withoutSecrets(await configForm(room));
    },
    'muc.config.submit': async ({ room: jid, values }) => {
      const room = roomOf(jid);
      let payload;
      if (values === undefined) {
        payload = instantRoomConfig();
      } else {
        const form = await configForm(jid);
        try {
          const submit = submitValues(form, { ...initialValues(form), ...keepingSecrets(form, values) });
          payload = xml('query', { xmlns: NS_MUC_OWNER }, dataFormElement(submit));
        } catch (error) {
          if (error instanceof FormInvalidError) throw invalidForm(form, error);
          throw error;
        }
      }
      try {
        await context.online().iq.request('set', jid, payload);
      } catch (error) {
        throw refusal(error, 'change the settings');
      }
      if (room.unconfigured) {
        room.unconfigured = false;
        emitRoom(room);
      }
      await refreshFeatures(room);
      return room.view();
    },
    'muc.destroy': async ({ room, reason, alternate }) => {
      roomOf(room);
      const destroy = xml(
        'destroy',
        alternate ? { jid: alternate } : {},
        reason ? xml('reason', {}, reason) : null,
      );
      try {
        await context.online().iq.request('set', room, xml('query', { xmlns: NS_MUC_OWNER }, destroy));
      } catch (error) {
        throw refusal(error, 'destroy it');
      }
      return { ok: true as const };
    },
  };

  return {
    commands,
    /** A groupchat message of a room we are in: from the room itself with status 104, its settings changed. */
    onMessage(room: RoomState, envelope: MessageEnvelope): void {
      if (!envelope.from?.resource && envelope.muc?.statuses.has(STATUS_CONFIG_CHANGED)) {
        void refreshFeatures(room);
      }
    },
  };
}
