import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MenuItemConstructorOptions } from 'electron';
import { MENU_ACTIONS } from '../../shared/desktop.ts';
import { appMenuTemplate, bugsUrlOf, type AppMenuDeps, type MenuAction } from './app-menu.ts';

function build(overrides: Partial<AppMenuDeps> = {}) {
  const sent: MenuAction[] = [];
  const opened: string[] = [];
  const template = appMenuTemplate({
    platform: 'linux',
    isDev: false,
    send: (action) => sent.push(action),
    openExternal: (url) => opened.push(url),
    bugsUrl: null,
    ...overrides,
  });
  return { template, sent, opened };
}

/** Every item, submenus flattened. */
function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}
const top = (template: MenuItemConstructorOptions[]) => template.map((menu) => menu.label);
const byLabel = (template: MenuItemConstructorOptions[], label: string) => {
  const found = flatten(template).find((item) => item.label === label);
  assert.ok(found, `no item ${label}`);
  return found;
};
const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)();

describe('application menu', () => {
  it('Linux/Windows: File, Edit, View, Window, Help; macOS adds the Parley menu first', () => {
    assert.deepEqual(top(build().template), ['File', 'Edit', 'View', 'Window', 'Help']);
    assert.deepEqual(top(build({ platform: 'darwin' }).template), [
      'Parley',
      'File',
      'Edit',
      'View',
      'Window',
      'Help',
    ]);
  });

  it('the page items send their action with their shortcut, and every action the contract names has one', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const { template, sent } = build({ platform });
      const expected: [string, MenuAction, string | undefined][] = [
        ['Settings…', 'settings', 'CmdOrCtrl+,'],
        ['New chat…', 'new-chat', 'CmdOrCtrl+N'],
        ['Go to…', 'quick-switcher', 'CmdOrCtrl+K'],
        ['Close chat', 'close-chat', 'CmdOrCtrl+W'],
        ['About Parley', 'about', undefined],
        ['Keyboard shortcuts', 'shortcuts', 'CmdOrCtrl+/'],
      ];
      for (const [label, , accelerator] of expected) {
        const item = byLabel(template, label);
        assert.equal(item.accelerator, accelerator, `${platform} ${label}`);
        click(item);
      }
      assert.deepEqual(
        sent,
        expected.map(([, action]) => action),
      );
      assert.deepEqual([...sent].sort(), [...MENU_ACTIONS].sort(), 'each contract action is reachable');
    }
  });

  it('no accelerator is taken twice (the close role must not take Ctrl+W from Close chat)', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const accelerators = flatten(build({ platform, isDev: true }).template)
        .map((item) => item.accelerator)
        .filter((accelerator): accelerator is string => typeof accelerator === 'string');
      assert.equal(new Set(accelerators).size, accelerators.length, `${platform}: ${accelerators.join(' ')}`);
      const closeRole = flatten(build({ platform }).template).find((item) => item.role === 'close');
      if (closeRole) assert.equal(closeRole.accelerator, 'CmdOrCtrl+Shift+W');
    }
  });

  it('Edit is roles; View has zoom and full screen, and reload and dev tools only in development', () => {
    const roles = (template: MenuItemConstructorOptions[]) =>
      flatten(template)
        .map((item) => item.role)
        .filter(Boolean);
    const shipped = roles(build().template);
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'zoomIn', 'zoomOut']) {
      assert.ok(shipped.includes(role as never), role);
    }
    assert.ok(shipped.includes('togglefullscreen'));
    for (const role of ['reload', 'forceReload', 'toggleDevTools']) {
      assert.ok(!shipped.includes(role as never), `${role} in a packaged build`);
      assert.ok(roles(build({ isDev: true }).template).includes(role as never), `${role} in development`);
    }
  });

  it('Report a problem opens the project issue URL, and is left out without one', () => {
    const { template, opened } = build({ bugsUrl: 'https://example.org/parley/issues' });
    click(byLabel(template, 'Report a problem…'));
    assert.deepEqual(opened, ['https://example.org/parley/issues']);
    assert.ok(!flatten(build().template).some((item) => item.label === 'Report a problem…'));
  });

  it('bugsUrlOf reads package.json "bugs" as a string or { url }, http(s) only', () => {
    assert.equal(bugsUrlOf({}), null);
    assert.equal(bugsUrlOf({ bugs: 'https://example.org/issues' }), 'https://example.org/issues');
    assert.equal(bugsUrlOf({ bugs: { url: 'https://example.org/i' } }), 'https://example.org/i');
    assert.equal(bugsUrlOf({ bugs: { email: 'a@b' } }), null);
    assert.equal(bugsUrlOf({ bugs: 'javascript:alert(1)' }), null);
    assert.equal(bugsUrlOf({ bugs: 'not a url' }), null);
  });
});
