// vitest globalSetup: both mocks once for the whole run (or attached through
// MOCKWORKS_OPENAI_URL / MOCKWORKS_LLAMAPARSE_URL); test files get their
// URLs with inject().
import { startMockLlamaParse, startMockOpenAI } from 'mockworks';

export default async function setup({ provide }) {
  const openai = await startMockOpenAI();
  const llamaparse = await startMockLlamaParse({ args: ['--job-delay-ms', '0', '--job-ms-per-page', '0'] });
  provide('mockOpenAIURL', openai.url);
  provide('mockLlamaParseURL', llamaparse.url);
  return async () => {
    await openai.stop();
    await llamaparse.stop();
  };
}
