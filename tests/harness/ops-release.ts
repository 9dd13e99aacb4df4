// The backup bundle's ops/ laid out as AfterInstall leaves a release on a database host, with this checkout's
// node_modules linked in place of its npm ci: what the compiled tool runs from (I/O: writes files).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { readOpsSnapshot } from '../../scripts/lib/bundle/backup-agent.ts'
import { checkoutDir } from '../../scripts/lib/checkout.ts'

export function layOutOpsRelease(dir: string, env: string): string {
  for (const e of readOpsSnapshot(env)) {
    mkdirSync(dirname(join(dir, e.path)), { recursive: true })
    writeFileSync(join(dir, e.path), e.data, { mode: e.mode })
  }
  symlinkSync(join(checkoutDir, 'node_modules'), join(dir, 'node_modules'))
  return dir
}
