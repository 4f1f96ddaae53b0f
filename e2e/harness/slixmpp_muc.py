"""Group chat for the scripted slixmpp peer (slixmpp_peer.py): XEP-0045 rooms, XEP-0249 direct invitations
and MAM queries (XEP-0313, e.g. on a room JID), as a mixin of its ClientXMPP.

slixmpp 1.8's xep_0045 and xep_0249 plugins build the stanzas; events are read from the XML here, so they
carry exactly what the room sent (its join_muc_wait also prints to stdout, our JSON channel, so joins are
sent and awaited here). Every command that has an answer to wait for (self-presence, IQ result) waits for it.
"""

import asyncio
import uuid
import xml.etree.ElementTree as ET

from slixmpp import JID

CLIENT_NS = 'jabber:client'
SID_NS = 'urn:xmpp:sid:0'
MUC_NS = 'http://jabber.org/protocol/muc'
MUC_USER_NS = 'http://jabber.org/protocol/muc#user'
MUC_CONFIG_FORM = 'http://jabber.org/protocol/muc#roomconfig'
OCCUPANT_ID_NS = 'urn:xmpp:occupant-id:0'
DELAY_NS = 'urn:xmpp:delay'
DIRECT_INVITE_NS = 'jabber:x:conference'
MAM_NS = 'urn:xmpp:mam:2'
RSM_NS = 'http://jabber.org/protocol/rsm'
FORWARD_NS = 'urn:xmpp:forward:0'
STANZA_ERRORS_NS = 'urn:ietf:params:xml:ns:xmpp-stanzas'
ROOM_WAIT_S = 10


def text_of(el):
    return None if el is None else (el.text or '')


def attr_of(el, name):
    return None if el is None else el.get(name)


def delay_of(xml):
    el = xml.find('{%s}delay' % DELAY_NS)
    return None if el is None else {'stamp': el.get('stamp'), 'from': el.get('from')}


def stanza_id_by(xml, by):
    """The XEP-0359 stanza-id that `by` stamped (one stamped by anyone else is not its id)."""
    for el in xml.findall('{%s}stanza-id' % SID_NS):
        if el.get('by') is not None and JID(el.get('by')).bare == by:
            return el.get('id')
    return None


def error_condition(xml):
    error = xml.find('{%s}error' % CLIENT_NS)
    if error is None:
        return None
    for child in error:
        if child.tag.startswith('{%s}' % STANZA_ERRORS_NS) and not child.tag.endswith('}text'):
            return child.tag.split('}', 1)[1]
    return 'undefined-condition'


def is_mediated_invitation(msg):
    return msg.xml.find('{%s}x/{%s}invite' % (MUC_USER_NS, MUC_USER_NS)) is not None


def is_direct_invitation(msg):
    return msg.xml.find('{%s}x' % DIRECT_INVITE_NS) is not None


def form_value(value):
    """A config value as data-form text: booleans as '1'/'0', lists as they are."""
    if isinstance(value, bool):
        return '1' if value else '0'
    return value


class RoomError(Exception):
    """A room answered a join or nick change with an error presence; the message is its condition."""


class MucMixin:
    """Mixed into the peer (a slixmpp ClientXMPP); call setup_muc() from its __init__."""

    def setup_muc(self, emit, match_xpath, callback):
        self.emit_line = emit
        for plugin in ('xep_0030', 'xep_0004', 'xep_0045', 'xep_0249'):
            self.register_plugin(plugin)
        self.muc = self.plugin['xep_0045']
        self.rooms_joined = {}  # room bare JID -> our nick there (joined, or a join sent)
        self.room_waiters = []  # (predicate, future) pairs for room events a command awaits
        self.archive_results = {}  # MAM queryid -> results collected so far (our queries only)
        self.add_event_handler('groupchat_message', self.on_groupchat)
        self.add_event_handler('groupchat_subject', self.on_subject)
        self.add_event_handler('groupchat_message_error', self.on_message_error)
        self.add_event_handler('groupchat_direct_invite', self.on_direct_invite)
        # Our own handler: slixmpp 1.8's decline handler raises (it reads a `room` attribute that is not there).
        for kind in ('invite', 'decline'):
            self.register_handler(callback('mediated %s' % kind, match_xpath(
                '{%s}message/{%s}x/{%s}%s' % (CLIENT_NS, MUC_USER_NS, MUC_USER_NS, kind)), self.on_mediated))
        self.register_handler(callback('archive result', match_xpath(
            '{%s}message/{%s}result' % (CLIENT_NS, MAM_NS)), self.on_archive_result))

    def is_room_presence(self, pres):
        """An occupant's presence (a room's own, from its bare JID, e.g. ejabberd's avatar hash, is not)."""
        sender = pres['from']
        return bool(sender.resource) and (
            pres.xml.find('{%s}x' % MUC_USER_NS) is not None or sender.bare in self.rooms_joined)

    # --- events ----------------------------------------------------------------------------

    def emit_room(self, event):
        self.emit_line(event)
        for waiter in list(self.room_waiters):
            predicate, future = waiter
            if not future.done() and predicate(event):
                future.set_result(event)
                self.room_waiters.remove(waiter)

    async def send_and_wait(self, send, predicate):
        """Calls send(), then awaits the first room event matching predicate (registered before sending)."""
        future = asyncio.get_event_loop().create_future()
        waiter = (predicate, future)
        self.room_waiters.append(waiter)
        try:
            send()
            return await asyncio.wait_for(future, ROOM_WAIT_S)
        finally:
            if waiter in self.room_waiters:
                self.room_waiters.remove(waiter)

    def on_room_presence(self, pres, ptype):
        x = pres.xml.find('{%s}x' % MUC_USER_NS)
        item = None if x is None else x.find('{%s}item' % MUC_USER_NS)
        actor = None if item is None else item.find('{%s}actor' % MUC_USER_NS)
        destroy = None if x is None else x.find('{%s}destroy' % MUC_USER_NS)
        codes = [] if x is None else [c.get('code') or '' for c in x.findall('{%s}status' % MUC_USER_NS)]
        event = {
            'type': 'roomPresence',
            'room': pres['from'].bare,
            'nick': pres['from'].resource,
            'presenceType': ptype,
            'statusCodes': sorted(int(c) for c in codes if c.isdigit()),
            'role': attr_of(item, 'role'),
            'affiliation': attr_of(item, 'affiliation'),
            'jid': attr_of(item, 'jid'),
            'newNick': attr_of(item, 'nick'),
            'reason': text_of(None if item is None else item.find('{%s}reason' % MUC_USER_NS)),
            'actor': attr_of(actor, 'nick') or attr_of(actor, 'jid'),
            'show': pres['show'] or None,
            'status': pres['status'] or None,
            'occupantId': attr_of(pres.xml.find('{%s}occupant-id' % OCCUPANT_ID_NS), 'id'),
            'destroy': None if destroy is None else {
                'reason': text_of(destroy.find('{%s}reason' % MUC_USER_NS)), 'jid': destroy.get('jid')},
            'error': error_condition(pres.xml) if ptype == 'error' else None,
        }
        if 110 in event['statusCodes'] and ptype == 'available':
            self.rooms_joined[event['room']] = event['nick']
        self.emit_room(event)

    def on_groupchat(self, msg):
        room = msg['from'].bare
        self.emit_room({
            'type': 'groupchat',
            'room': room,
            'nick': msg['from'].resource or None,
            'id': msg.xml.get('id'),
            'body': text_of(msg.xml.find('{%s}body' % CLIENT_NS)),
            'stanzaId': stanza_id_by(msg.xml, room),
            'occupantId': attr_of(msg.xml.find('{%s}occupant-id' % OCCUPANT_ID_NS), 'id'),
            'originId': attr_of(msg.xml.find('{%s}origin-id' % SID_NS), 'id'),
            'delay': delay_of(msg.xml),
        })

    def on_subject(self, msg):
        self.emit_room({'type': 'subject', 'room': msg['from'].bare, 'nick': msg['from'].resource or None,
                        'subject': text_of(msg.xml.find('{%s}subject' % CLIENT_NS)),
                        'delay': delay_of(msg.xml)})

    def on_message_error(self, msg):
        self.emit_room({'type': 'messageError', 'from': str(msg['from']), 'id': msg.xml.get('id'),
                        'condition': error_condition(msg.xml)})

    def on_direct_invite(self, msg):
        if is_mediated_invitation(msg):
            return  # Prosody adds a jabber:x:conference element to mediated ones too (for old clients)
        x = msg.xml.find('{%s}x' % DIRECT_INVITE_NS)
        self.emit_line({'type': 'invite', 'kind': 'direct', 'room': x.get('jid'), 'from': str(msg['from']),
                        'password': x.get('password'), 'reason': x.get('reason')})

    def on_mediated(self, msg):
        x = msg.xml.find('{%s}x' % MUC_USER_NS)
        invite = x.find('{%s}invite' % MUC_USER_NS)
        if invite is not None:
            self.emit_line({'type': 'invite', 'kind': 'mediated', 'room': msg['from'].bare,
                            'from': invite.get('from'),
                            'password': text_of(x.find('{%s}password' % MUC_USER_NS)),
                            'reason': text_of(invite.find('{%s}reason' % MUC_USER_NS))})
        else:
            decline = x.find('{%s}decline' % MUC_USER_NS)
            self.emit_line({'type': 'inviteDeclined', 'room': msg['from'].bare, 'from': decline.get('from'),
                            'reason': text_of(decline.find('{%s}reason' % MUC_USER_NS))})

    def on_archive_result(self, msg):
        result = msg.xml.find('{%s}result' % MAM_NS)
        collected = self.archive_results.get(result.get('queryid'))
        forwarded = result.find('{%s}forwarded' % FORWARD_NS)
        inner = None if forwarded is None else forwarded.find('{%s}message' % CLIENT_NS)
        if collected is None or inner is None:
            return  # not an answer to a query of ours
        delay = delay_of(forwarded)
        collected.append({'archiveId': result.get('id'), 'from': inner.get('from'),
                          'msgType': inner.get('type') or 'normal',
                          'body': text_of(inner.find('{%s}body' % CLIENT_NS)),
                          'stamp': delay and delay['stamp']})

    # --- commands --------------------------------------------------------------------------

    async def join_room(self, room, nick, password=None, max_history=None):
        room = JID(room).bare
        pres = self.make_presence(pto='%s/%s' % (room, nick))
        x = ET.SubElement(pres.xml, '{%s}x' % MUC_NS)
        if password is not None:
            ET.SubElement(x, '{%s}password' % MUC_NS).text = password
        if max_history is not None:
            ET.SubElement(x, '{%s}history' % MUC_NS, {'maxstanzas': str(int(max_history))})
        self.rooms_joined.setdefault(room, nick)
        event = await self.send_and_wait(pres.send, lambda e: e['type'] == 'roomPresence' and e['room'] == room
                                         and (e['presenceType'] == 'error' or (
                                             e['presenceType'] == 'available' and 110 in e['statusCodes'])))
        if event['presenceType'] == 'error':
            if self.rooms_joined.get(room) == nick:
                del self.rooms_joined[room]
            raise RoomError(event['error'])
        return event

    async def change_nick(self, room, nick):
        room = JID(room).bare
        pres = self.make_presence(pto='%s/%s' % (room, nick))
        event = await self.send_and_wait(pres.send, lambda e: e['type'] == 'roomPresence' and e['room'] == room
                                         and (e['presenceType'] == 'error' or (
                                             e['presenceType'] == 'available' and 110 in e['statusCodes']
                                             and e['nick'] == nick)))
        if event['presenceType'] == 'error':
            raise RoomError(event['error'])
        return event

    async def leave_room(self, room, status=None):
        room = JID(room).bare
        nick = self.rooms_joined.get(room)
        if nick is None:
            raise ValueError('not in room %s' % room)
        pres = self.make_presence(pto='%s/%s' % (room, nick), ptype='unavailable', pstatus=status)
        await self.send_and_wait(pres.send, lambda e: e['type'] == 'roomPresence' and e['room'] == room
                                 and e['presenceType'] == 'unavailable' and 110 in e['statusCodes'])
        del self.rooms_joined[room]

    async def configure_room(self, room, config):
        """Submits the room's config form with `config`'s fields (each must be in the form); others as they are."""
        form = await self.muc.get_room_config(JID(room))
        fields = form.get_fields()
        submit = self.plugin['xep_0004'].make_form(ftype='submit')
        submit.add_field(var='FORM_TYPE', ftype='hidden', value=MUC_CONFIG_FORM)
        for var, value in config.items():
            if var not in fields:
                raise ValueError('the room form has no field %r; it has %s' % (var, ', '.join(fields)))
            submit.add_field(var=var, ftype=fields[var]['type'], value=form_value(value))
        await self.muc.set_room_config(JID(room), submit)

    async def create_room(self, room, nick, config=None, password=None):
        """Joins as the creator, then accepts the default config (instant room) or submits `config`."""
        joined = await self.join_room(room, nick, password=password)
        created = 201 in joined['statusCodes']
        if config is not None:
            await self.configure_room(room, config)
        elif created:
            await self.muc.set_room_config(JID(room), self.plugin['xep_0004'].make_form(ftype='submit'))
        return {'created': created, 'statusCodes': joined['statusCodes']}

    async def query_archive(self, jid, max_items=None, before=None, after=None):
        """One MAM page from `jid`'s archive (a room JID, or our own when jid is None)."""
        query_id = uuid.uuid4().hex
        iq = self.make_iq_set(ito=jid)
        query = ET.SubElement(iq.xml, '{%s}query' % MAM_NS, {'queryid': query_id})
        rsm = ET.SubElement(query, '{%s}set' % RSM_NS)
        if max_items is not None:
            ET.SubElement(rsm, '{%s}max' % RSM_NS).text = str(int(max_items))
        if before is not None:  # True: the last page
            ET.SubElement(rsm, '{%s}before' % RSM_NS).text = None if before is True else before
        if after is not None:
            ET.SubElement(rsm, '{%s}after' % RSM_NS).text = after
        self.archive_results[query_id] = []
        try:
            result = await iq.send(timeout=ROOM_WAIT_S)
            messages = self.archive_results[query_id]
        finally:
            del self.archive_results[query_id]
        fin = result.xml.find('{%s}fin' % MAM_NS)
        fin_set = None if fin is None else fin.find('{%s}set' % RSM_NS)
        page = (lambda name: None) if fin_set is None else (
            lambda name: text_of(fin_set.find('{%s}%s' % (RSM_NS, name))))
        return {'messages': messages, 'complete': fin is not None and fin.get('complete') in ('true', '1'),
                'first': page('first'), 'last': page('last')}

    async def disco(self, kind, jid, node=None):
        if kind == 'items':
            result = await self.plugin['xep_0030'].get_items(jid=jid, node=node, timeout=ROOM_WAIT_S)
            return [{'jid': str(j), 'node': n or None, 'name': name or None}
                    for j, n, name in result['disco_items']['items']]
        result = await self.plugin['xep_0030'].get_info(jid=jid, node=node, timeout=ROOM_WAIT_S)
        info = result['disco_info']
        return {'identities': [{'category': c, 'type': t, 'name': name or None}
                               for c, t, _lang, name in info['identities']],
                'features': sorted(info['features'])}

    def send_room_message(self, to, body, mtype, msg_id=None):
        msg = self.make_message(mto=to, mbody=body, mtype=mtype)
        msg['id'] = msg_id or uuid.uuid4().hex
        if mtype == 'chat':  # a private message through the room (XEP-0045 §7.5)
            ET.SubElement(msg.xml, '{%s}x' % MUC_USER_NS)
        msg.send()
        return msg['id']

    async def run_muc_command(self, name, c):
        """Runs a group-chat command; returns (True, result), or (False, None) when `name` is not one."""
        room = c.get('room')
        reason = c.get('reason') or ''
        if name == 'joinRoom':
            result = await self.join_room(room, c['nick'], c.get('password'), c.get('maxHistory'))
        elif name == 'leaveRoom':
            result = await self.leave_room(room, c.get('status'))
        elif name == 'changeNick':
            result = await self.change_nick(room, c['nick'])
        elif name == 'sendGroupchat':
            result = self.send_room_message(room, c['body'], 'groupchat', c.get('id'))
        elif name == 'sendPrivate':
            result = self.send_room_message(c['to'], c['body'], 'chat', c.get('id'))
        elif name == 'setSubject':
            result = self.muc.set_subject(JID(room), c['subject'])
        elif name == 'setRole':
            result = await self.muc.set_role(JID(room), c['nick'], c['role'], reason=reason)
        elif name == 'setAffiliation':
            result = await self.muc.set_affiliation(JID(room), c['affiliation'], jid=JID(c['jid']), reason=reason)
        elif name == 'inviteDirect':
            result = self.plugin['xep_0249'].send_invitation(JID(c['to']), JID(room), password=c.get('password'),
                                                             reason=c.get('reason'))
        elif name == 'inviteMediated':
            result = self.muc.invite(JID(room), JID(c['to']), reason=reason)
        elif name == 'declineInvitation':
            result = self.muc.decline(JID(room), JID(c['to']), reason=reason)
        elif name == 'createRoom':
            result = await self.create_room(room, c['nick'], c.get('config'), c.get('password'))
        elif name == 'configureRoom':
            result = await self.configure_room(room, c['config'])
        elif name == 'destroyRoom':
            alternate = JID(c['alternate']) if c.get('alternate') else None
            result = await self.muc.destroy(JID(room), reason=reason, altroom=alternate)
        elif name == 'queryArchive':
            result = await self.query_archive(c.get('jid'), c.get('max'), c.get('before'), c.get('after'))
        elif name in ('discoItems', 'discoInfo'):
            result = await self.disco('items' if name == 'discoItems' else 'info', c['jid'], c.get('node'))
        else:
            return False, None
        return True, result
