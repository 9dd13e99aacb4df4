// What a running sandbox is made of, kept in its folder so `sandbox down` finds it from any later run (I/O: one file).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export type AppUrl = { app: string; version: string; url: string; host: string }
export type SandboxState = {
  env: string
  moto?: { pid: number; endpoint: string }
  fleets: string[] // fleet folders (fleet.json in each)
  urls: AppUrl[]
}

const file = (dir: string) => join(dir, 'sandbox.json')

export const readSandbox = (dir: string): SandboxState | undefined =>
  existsSync(file(dir)) ? (JSON.parse(readFileSync(file(dir), 'utf8')) as SandboxState) : undefined

/** Saved after every step, so a sandbox that failed half way is still taken down whole. */
export function saveSandbox(dir: string, state: SandboxState) {
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${file(dir)}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(`${file(dir)}.tmp`, file(dir))
}
