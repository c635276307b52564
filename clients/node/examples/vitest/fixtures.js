// A vitest `test` with the fixtures mockOpenAI and mockLlamaParse: the
// test's own scope (named after the test's id), reset before and after it.
import { inject, test as base } from 'vitest';
import { attach } from 'mockworks';

const servers = {};
const server = async (kind, key) => (servers[kind] ??= await attach(inject(key), { kind }));

const scoped = (kind, key) => async ({ task }, use) => {
  const scope = (await server(kind, key)).scope(`${task.file?.name ?? ''} > ${task.name} [${task.id}]`);
  await scope.reset();
  await use(scope);
  await scope.reset();
};

export const test = base.extend({
  mockOpenAI: scoped('openai', 'mockOpenAIURL'),
  mockLlamaParse: scoped('llamaparse', 'mockLlamaParseURL'),
});
