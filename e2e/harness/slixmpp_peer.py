#!/usr/bin/python3
"""A scripted XMPP peer for Parley's end-to-end tests, built on slixmpp 1.8.

Driven by e2e/harness/peer.ts over JSON lines: commands arrive on stdin, events and command acks
leave on stdout, everything else (slixmpp logging, diagnostics) goes to stderr.

Run with /usr/bin/python3: Debian's python3-slixmpp is only visible to the system interpreter.
Subscription handling is explicit (no auto-authorize / auto-subscribe) so tests see every request.
Group chat (rooms, invitations, MAM queries) is the MucMixin of slixmpp_muc.py.
"""

import argparse
import asyncio
import json
import logging
import os
import sys
import threading
import xml.etree.ElementTree as ET

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

sys.dont_write_bytecode = True  # importing slixmpp_muc must leave no __pycache__ in the source tree
from slixmpp_muc import MucMixin, is_direct_invitation, is_mediated_invitation  # noqa: E402

RECEIPTS_NS = 'urn:xmpp:receipts'
MARKERS_NS = 'urn:xmpp:chat-markers:0'
MARKER_NAMES = ('received', 'displayed', 'acknowledged')
SID_NS = 'urn:xmpp:sid:0'
CLIENT_NS = 'jabber:client'


def emit(obj):
    """One JSON object per stdout line; the TS side parses nothing else."""
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def child_text(stanza, name):
    """Text of a direct child element, or None when the element is absent (slixmpp returns '')."""
    el = stanza.xml.find('{%s}%s' % (CLIENT_NS, name))
    if el is None:
        return None
    return el.text or ''


class Peer(MucMixin, slixmpp.ClientXMPP):
    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        self.roster_items = {}
        self.online = False
        self.ca_certs = args.ca_file
        # Explicit subscription behaviour: slixmpp neither approves, denies nor subscribes back.
        self.roster.auto_authorize = None
        self.roster.auto_subscribe = False

        self.add_event_handler('session_start', self.on_session_start)
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('presence', self.on_presence)
        self.add_event_handler('roster_update', self.on_roster_update)
        self.setup_muc(emit, MatchXPath, Callback)
        # slixmpp's 'message' event only covers messages with a body: XEP-0333 markers get their own handler.
        for name in MARKER_NAMES:
            self.register_handler(Callback(
                'chat marker %s' % name,
                MatchXPath('{%s}message/{%s}%s' % (CLIENT_NS, MARKERS_NS, name)),
                self.on_marker))
        self.add_event_handler('failed_auth', self.on_fatal('authentication failed'))
        self.add_event_handler('ssl_invalid_chain', self.on_fatal('TLS certificate verification failed'))
        self.add_event_handler('connection_failed', self.on_connection_failed)
        self.add_event_handler('disconnected', self.on_disconnected)
        self.add_event_handler('stream_error', self.on_stream_error)
        self.stopping = False
        self.stream_error = None
        self.own_presence = asyncio.Event()

    # --- lifecycle -------------------------------------------------------------------------

    def on_fatal(self, what):
        def handler(detail=None):
            log.error('%s: %s', what, detail)
            os._exit(2)
        return handler

    def on_connection_failed(self, err):
        # Before we are online there is nobody to retry for: fail fast so the TS side sees stderr.
        if not self.online:
            log.error('connection failed: %s', err)
            os._exit(3)

    def on_stream_error(self, error):
        self.stream_error = error['condition'] or None

    def on_disconnected(self, _reason=None):
        if self.stopping:
            os._exit(0)
        log.error('disconnected by the server')
        emit({'type': 'disconnected', 'streamError': self.stream_error})

    async def on_session_start(self, _event):
        await self.get_roster()
        self.send_presence()
        # 'online' once the server has processed our initial presence (it reflects it to us, RFC 6121
        # §4.2.2): before that, ejabberd (which routes in parallel) may hand a message to the bare JID
        # to offline storage instead of this session.
        try:
            await asyncio.wait_for(self.own_presence.wait(), 5)
        except asyncio.TimeoutError:
            log.warning('our initial presence was not reflected within 5 s')
        self.online = True
        emit({'type': 'online'})

    # --- events ----------------------------------------------------------------------------

    def on_message(self, msg):
        # Room messages are reported as 'groupchat' events, invitations as 'invite' events (slixmpp_muc.py).
        if msg.xml.get('type') == 'groupchat' or is_mediated_invitation(msg) or is_direct_invitation(msg):
            return
        origin = msg.xml.find('{%s}origin-id' % SID_NS)
        body = child_text(msg, 'body')
        thread = child_text(msg, 'thread')
        emit({
            'type': 'message',
            'from': str(msg['from']),
            'to': str(msg['to']),
            'id': msg.xml.get('id'),
            'msgType': msg.xml.get('type') or 'normal',
            'body': body,
            'subject': child_text(msg, 'subject'),
            'thread': thread,
            'originId': origin.get('id') if origin is not None else None,
            'receiptRequested': msg.xml.find('{%s}request' % RECEIPTS_NS) is not None,
        })
        if self.args.echo and msg.xml.get('type') == 'chat' and body is not None:
            reply = self.make_message(mto=msg['from'], mbody=body, mtype='chat')
            if thread is not None:
                reply['thread'] = thread
            reply.send()

    def on_marker(self, msg):
        for name in MARKER_NAMES:
            el = msg.xml.find('{%s}%s' % (MARKERS_NS, name))
            if el is not None:
                emit({'type': 'marker', 'from': str(msg['from']), 'kind': name, 'id': el.get('id')})
                return

    def on_presence(self, pres):
        # slixmpp's pres['type'] folds <show/> into the type; report the wire type instead.
        ptype = pres.xml.get('type') or 'available'
        if self.is_room_presence(pres):
            self.on_room_presence(pres, ptype)
            return
        if ptype == 'available' and pres['from'] == self.boundjid:
            self.own_presence.set()
        emit({
            'type': 'presence',
            'from': str(pres['from']),
            'presenceType': ptype,
            'show': pres['show'] or None,
            'status': pres['status'] or None,
            'priority': int(pres['priority'] or 0),
        })
        if ptype == 'subscribe':
            if self.args.on_subscribe == 'approve':
                self.send_presence(pto=pres['from'].bare, ptype='subscribed')
            elif self.args.on_subscribe == 'deny':
                self.send_presence(pto=pres['from'].bare, ptype='unsubscribed')

    def on_roster_update(self, iq):
        # Initial fetch and pushes both land here; keep a full copy and report all of it.
        for jid, item in iq['roster']['items'].items():
            key = str(jid)
            if item['subscription'] == 'remove':
                self.roster_items.pop(key, None)
            else:
                self.roster_items[key] = {
                    'jid': key,
                    'subscription': item['subscription'] or 'none',
                    'name': item['name'] or None,
                    'ask': item['ask'] or None,
                }
        emit({'type': 'roster', 'items': list(self.roster_items.values())})

    # --- commands --------------------------------------------------------------------------

    async def run_command(self, cmd):
        name = cmd.get('cmd')
        if name == 'sendMessage':
            msg = self.make_message(mto=cmd['to'], mbody=cmd['body'], mtype=cmd.get('type') or 'chat')
            if cmd.get('subject') is not None:
                msg['subject'] = cmd['subject']
            if cmd.get('thread') is not None:
                msg['thread'] = cmd['thread']
            if cmd.get('id') is not None:
                msg['id'] = cmd['id']
            if cmd.get('markable'):
                msg.xml.append(ET.Element('{%s}markable' % MARKERS_NS))
            msg.send()
        elif name == 'sendMany':
            for i in range(int(cmd['count'])):
                self.send_message(mto=cmd['to'], mbody='%s%d' % (cmd['prefix'], i), mtype='chat')
        elif name == 'sendRaw':
            self.send_raw(cmd['xml'])
        elif name in ('subscribe', 'unsubscribe'):
            self.send_presence(pto=cmd['to'], ptype=name)
        elif name == 'approve':
            self.send_presence(pto=cmd['to'], ptype='subscribed')
        elif name in ('deny', 'cancel'):
            self.send_presence(pto=cmd['to'], ptype='unsubscribed')
        elif name == 'setPresence':
            self.send_presence(pshow=cmd.get('show') or None, pstatus=cmd.get('status') or None,
                               ppriority=cmd.get('priority'))
        elif name == 'getRoster':
            await self.get_roster()
            return list(self.roster_items.values())
        elif name == 'stop':
            self.stopping = True
            self.disconnect()
        else:
            handled, result = await self.run_muc_command(name, cmd)
            if not handled:
                raise ValueError('unknown command %r' % name)
            return result
        return None

    async def handle_line(self, line):
        try:
            cmd = json.loads(line)
        except ValueError as err:
            log.error('bad command line %r: %s', line, err)
            return
        ack = {'ack': cmd.get('n')}
        try:
            result = await self.run_command(cmd)
            if result is not None:
                ack['result'] = result
        except IqError as err:
            ack['error'] = 'IqError: %s %s' % (err.iq['error']['condition'], err.iq['error']['text'] or '')
        except IqTimeout:
            ack['error'] = 'IqTimeout: no answer'
        except Exception as err:  # report every failure to the waiting promise
            log.exception('command failed')
            ack['error'] = '%s: %s' % (type(err).__name__, err)
        emit(ack)


def read_stdin(peer, loop):
    """Blocking stdin reader on a thread; hands lines to the asyncio loop in order."""
    for line in sys.stdin:
        line = line.strip()
        if line:
            asyncio.run_coroutine_threadsafe(peer.handle_line(line), loop)
    # EOF: the controlling process went away; leave promptly.
    loop.call_soon_threadsafe(os._exit, 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--jid', required=True)
    parser.add_argument('--password-env', default='PEER_PASSWORD')
    parser.add_argument('--host', required=True)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--ca-file', required=True)
    parser.add_argument('--on-subscribe', choices=['approve', 'deny', 'ignore'], default='ignore')
    parser.add_argument('--echo', action='store_true')
    args = parser.parse_args()
    # The password comes through the environment so it never shows in `ps`.
    args.password = os.environ.get(args.password_env, '')

    peer = Peer(args)
    peer.connect(address=(args.host, args.port))
    # Connecting by IP leaves slixmpp without a TLS server name: verify against the JID's domain.
    peer.default_domain = peer.boundjid.domain
    loop = asyncio.get_event_loop()
    threading.Thread(target=read_stdin, args=(peer, loop), daemon=True).start()
    loop.run_forever()


logging.basicConfig(stream=sys.stderr,
                    level=logging.DEBUG if os.environ.get('PARLEY_PEER_DEBUG') else logging.WARNING,
                    format='%(levelname)s %(name)s: %(message)s')
log = logging.getLogger('parley-peer')

if __name__ == '__main__':
    main()
