// A node:test reporter beside 'spec': lists tests that began but never reported a result. When a test file's
// process ends in the middle of a test (process.exit(0) somewhere, a crash that exits 0), node:test counts the
// file as passed and the unfinished test nowhere. Every test that is dequeued (about to run) must complete;
// this turns "never did" into a failure of the run.
interface TestEvent {
  type: string;
  data: { name?: string; file?: string; line?: number; column?: number; nesting?: number };
}

const key = (d: TestEvent['data']): string =>
  `${d.file ?? ''}:${d.line ?? ''}:${d.column ?? ''}:${d.name ?? ''}`;

export default async function* unfinishedTests(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const open = new Map<string, TestEvent['data']>();
  for await (const event of source) {
    if (event.type === 'test:dequeue') open.set(key(event.data), event.data);
    else if (event.type === 'test:complete') open.delete(key(event.data));
  }
  if (open.size === 0) return;
  process.exitCode = 1;
  yield `\nrun-tests: ${open.size} test(s) began but never finished (their test file's process ended mid-test):\n`;
  for (const d of open.values()) yield `  - ${d.name} (${d.file ?? '?'}:${d.line ?? '?'})\n`;
}
