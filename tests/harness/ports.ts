// Free loopback ports for test services, and waiting for a service to answer (I/O: binds a socket briefly).
import { freeLoopbackPort } from '../../scripts/lib/deploy-local/free-port.ts'

export const freePort = freeLoopbackPort

/** Polls until `probe` resolves true or the deadline passes. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await probe().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
