// The one error the harness throws: a failed control call (status and the
// server's own message) or a server that would not start or stop.
export class MockworksError extends Error {
  constructor(message, { status = null, body = null } = {}) {
    super(message);
    this.name = 'MockworksError';
    this.status = status;
    this.body = body;
  }
}
