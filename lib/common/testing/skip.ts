/**
 * Test helper: a skipped test says why. Prints the reason under the test's title (mocha shows only "pending")
 * and skips it, so a CI log carries both the count and the causes.
 */
export function skipBecause(ctx: Mocha.Context, reason: string): never {
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}
