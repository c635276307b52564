// Poll fn (every 50 ms, 5 s at most) until it gives a truthy value; that
// value, or an error naming what never came.
export async function until(fn, what) {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
