// One test's view of a shared server: its requests carry x-test-id, and
// its rules, journal and report are filtered to that id.
export const TEST_ID_HEADER = 'x-test-id';

export function makeScope(server, testId) {
  if (typeof testId !== 'string' || testId === '') throw new TypeError('a scope needs a non-empty test id');
  return {
    testId,
    server,
    headers: { [TEST_ID_HEADER]: testId }, // pass to your client as default headers
    url: server.url,
    baseURL: server.baseURL,
    fault: (rule = {}) => server.fault({ ...rule, test_id: testId }),
    faults: () => server.faults({ testId }),
    requests: (filters = {}) => server.requests({ ...filters, testId }),
    report: (opts = {}) => server.report({ ...opts, testId }),
    // This test's rules, journal entries, rate-limit buckets, jobs and webhook log.
    reset: () => server.reset({ testId }),
  };
}
