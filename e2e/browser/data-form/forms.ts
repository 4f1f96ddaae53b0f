// Forms for the DataForm browser test, as XML (the test parses them with the real parser): one with every
// XEP-0004 field type, XEP-0122 rules and a XEP-0221 inline picture, and a result form with a table.
const NS = 'xmlns="jabber:x:data"';
const VALIDATE = 'xmlns="http://jabber.org/protocol/xdata-validate"';
/** A 60 x 20 checkered PNG. */
const PICTURE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAADwAAAAUCAIAAABeYcl+AAAAPklEQVR42mPQiDqBhl5/+IWGBpsahlFHjzp6uDl68DsRU82oo0cdPewcPVrkjTp61NGjNeJoOT3q6FFHAxEA6ECpMD/V/30AAAAASUVORK5CYII=';

export const EVERY_FIELD_XML = `<x ${NS} type="form">
  <title>Room settings</title>
  <instructions>Change what you need, then save.</instructions>
  <field var="FORM_TYPE" type="hidden"><value>urn:parley:test</value></field>
  <field type="fixed"><value>Who may join</value></field>
  <field var="owner" type="jid-single" label="Owner address"><desc>The account that owns the room</desc><required/></field>
  <field var="name" type="text-single" label="Room name"><required/></field>
  <field var="secret" type="text-private" label="Password"/>
  <field var="history" type="text-single" label="History messages">
    <validate ${VALIDATE} datatype="xs:integer"><range min="0" max="100"/></validate><value>20</value>
  </field>
  <field var="persistent" type="boolean" label="Keep the room when empty"><value>0</value></field>
  <field var="whois" type="list-single" label="Who sees real addresses">
    <value>moderators</value>
    <option label="Moderators only"><value>moderators</value></option>
    <option label="Anyone"><value>anyone</value></option>
  </field>
  <field var="maxusers" type="list-single" label="Maximum occupants">
    <value>50</value>
    <option label="10"><value>10</value></option><option label="20"><value>20</value></option>
    <option label="50"><value>50</value></option><option label="100"><value>100</value></option>
    <option label="No limit"><value>0</value></option>
  </field>
  <field var="lang" type="list-single" label="Language">
    <validate ${VALIDATE} datatype="xs:language"><open/></validate>
    <option label="English"><value>en</value></option><option label="French"><value>fr</value></option>
  </field>
  <field var="broadcast" type="list-multi" label="Show presence of">
    <value>moderator</value>
    <option><value>moderator</value></option><option><value>participant</value></option><option><value>visitor</value></option>
  </field>
  <field var="admins" type="jid-multi" label="Administrators"/>
  <field var="description" type="text-multi" label="Description"/>
  <field var="captcha" type="text-single" label="Letters in the picture">
    <media xmlns="urn:xmpp:media-element" width="120" height="40"><uri type="image/png">${PICTURE}</uri></media>
  </field>
  <field var="colour" type="x-colour-picker" label="Favourite colour"/>
</x>`;

export const RESULT_XML = `<x ${NS} type="result">
  <title>Search results</title>
  <field var="complete" type="boolean" label="Complete"><value>1</value></field>
  <field var="note" type="text-single" label="Note"><value>&lt;b&gt;not bold&lt;/b&gt;</value></field>
  <reported><field var="jid" type="jid-single" label="Address"/><field var="nick" label="Nickname"/></reported>
  <item><field var="jid"><value>juliet@capulet.lit</value></field><field var="nick"><value>Juliet</value></field></item>
  <item><field var="jid"><value>romeo@montague.lit</value></field><field var="nick"><value>Romeo</value></field></item>
</x>`;
