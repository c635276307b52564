// A fault rule added to a server: { id, rule, remove(), info(), hits() }.
import { MockworksError } from './errors.js';

export function faultHandle(control, rule) {
  const id = rule.id;
  return {
    id,
    rule, // as the server echoed it: the fields, id, hits, remaining
    info: () => control.call('GET', `/__control/faults/${id}`),
    hits: async () => (await control.call('GET', `/__control/faults/${id}`)).hits ?? 0,
    // A rule already gone (a reset, a scope's end) is fine.
    async remove() {
      try {
        await control.call('DELETE', `/__control/faults/${id}`);
      } catch (e) {
        if (!(e instanceof MockworksError && e.status === 404)) throw e;
      }
    },
  };
}
