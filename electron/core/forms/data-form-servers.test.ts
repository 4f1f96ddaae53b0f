// Data forms against the real server (PARLEY_SERVER: Prosody, then ejabberd): the owner of a new room
// fetches its configuration form, the parser reads it, a changed value goes back as a submit built by the
// model and this module, and the server's next form shows the change; a cancel is accepted; a room's
// registration form (Prosody only: ejabberd 23.01's mod_muc has no room registration) is filled and sent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { xml } from '@xmpp/xml';
import { useServerScenario, uid } from '../../../e2e/harness/scenario.ts';
import { openRawSession, type RawSession } from '../../../e2e/harness/raw-session.ts';
import { initialValues, submitValues, validate, type DataForm } from '../../../shared/data-form.ts';
import { dataFormElement, findDataForm } from './data-form-xml.ts';

const MUC = 'http://jabber.org/protocol/muc';
const MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const REGISTER = 'jabber:iq:register';

describe('data forms with the real server', () => {
  const scenario = useServerScenario();

  async function ownerOfNewRoom(): Promise<{ raw: RawSession; room: string }> {
    const owner = await scenario.account('owner');
    const raw = await openRawSession(scenario.server, owner, 'forms');
    const room = `forms-${uid()}@${scenario.server.mucDomain}`;
    await raw.session.send(xml('presence', { to: `${room}/Owner` }, xml('x', { xmlns: MUC })));
    await raw.waitFor((s) => s.is('presence') && s.attrs.from === `${room}/Owner`);
    return { raw, room };
  }

  async function configForm(raw: RawSession, room: string): Promise<DataForm> {
    const answer = await raw.iq.request('get', room, xml('query', { xmlns: MUC_OWNER }));
    const parsed = findDataForm(answer.getChild('query', MUC_OWNER)!);
    assert.ok(parsed.ok, 'the server sends a data form');
    return parsed.form;
  }

  it("the room configuration goes back as a submit and the server's next form shows the change", async () => {
    const { raw, room } = await ownerOfNewRoom();
    try {
      const form = await configForm(raw, room);
      assert.equal(form.type, 'form');
      assert.deepEqual(
        validate(form, initialValues(form)),
        {},
        "the server's defaults are valid as they come",
      );
      const values = {
        ...initialValues(form),
        'muc#roomconfig_roomname': ['The <Castle> & "moat"'],
        'muc#roomconfig_persistentroom': ['0'],
      };
      const submit = dataFormElement(submitValues(form, values));
      const answer = await raw.iq.request('set', room, xml('query', { xmlns: MUC_OWNER }, submit));
      assert.equal(answer.attrs.type, 'result');

      const after = await configForm(raw, room);
      const value = (name: string) => after.fields.find((f) => f.var === name)?.values;
      assert.deepEqual(value('muc#roomconfig_roomname'), ['The <Castle> & "moat"']);
      // ejabberd writes a false boolean as <value>0</value>, Prosody 0.12 as no value at all.
      const persistent = value('muc#roomconfig_persistentroom');
      assert.deepEqual(persistent, scenario.server.kind === 'prosody' ? [] : ['0']);
    } finally {
      await raw.session.close();
    }
  });

  it('a cancel of the configuration is accepted', async () => {
    const { raw, room } = await ownerOfNewRoom();
    try {
      await configForm(raw, room);
      const cancel = dataFormElement({
        type: 'cancel',
        title: null,
        instructions: [],
        fields: [],
        reported: [],
        items: [],
      });
      const answer = await raw.iq.request('set', room, xml('query', { xmlns: MUC_OWNER }, cancel));
      assert.equal(answer.attrs.type, 'result');
    } finally {
      await raw.session.close();
    }
  });

  it("a room's registration form: filled and sent on Prosody; ejabberd 23.01 has none", async () => {
    const { raw, room } = await ownerOfNewRoom();
    try {
      // Configure first, so Prosody unlocks the room.
      const form = await configForm(raw, room);
      const configured = dataFormElement(submitValues(form, initialValues(form)));
      await raw.iq.request('set', room, xml('query', { xmlns: MUC_OWNER }, configured));

      const asked = raw.iq.request('get', room, xml('query', { xmlns: REGISTER }));
      if (scenario.server.kind === 'ejabberd') {
        await assert.rejects(asked, (err: { condition?: string }) => err.condition === 'service-unavailable');
        return;
      }
      const parsed = findDataForm((await asked).getChild('query', REGISTER)!);
      assert.ok(parsed.ok);
      const registration = parsed.form;
      assert.deepEqual(validate(registration, initialValues(registration)), {
        'muc#register_roomnick': { kind: 'required' },
      });
      const values = { ...initialValues(registration), 'muc#register_roomnick': ['Owner'] };
      const submit = dataFormElement(submitValues(registration, values));
      const answer = await raw.iq.request('set', room, xml('query', { xmlns: REGISTER }, submit));
      assert.equal(answer.attrs.type, 'result');
    } finally {
      await raw.session.close();
    }
  });
});
