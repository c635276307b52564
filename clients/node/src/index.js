// mockworks for Node tests: start or attach to mock_openai / mock_llamaparse,
// switch faults, read the journal and the retry report, per-test scopes.
export { startMockOpenAI, startMockLlamaParse, attach } from './server.js';
export { MockworksError } from './errors.js';
export { findBinary } from './binary.js';
export { TEST_ID_HEADER } from './scope.js';
