// The agent's own Install step: remove the previous revision's files, copy per `files`, apply `permissions` (I/O).
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { matchesPattern, parseMode, type Appspec } from './appspec.ts'

const walk = (dir: string): string[] =>
  readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n)
    return lstatSync(p).isDirectory() ? [p, ...walk(p)] : [p]
  })

const ids = new Map<string, number | undefined>()
/** uid or gid of a local name, or undefined when this machine has no such user (deploy-local then keeps the owner). */
function localId(name: string, kind: '-u' | '-g'): number | undefined {
  const key = `${kind}${name}`
  if (!ids.has(key)) {
    const r = spawnSync('id', [kind, name], { encoding: 'utf8' })
    ids.set(key, r.status === 0 ? Number(r.stdout.trim()) : undefined)
  }
  return ids.get(key)
}

export type InstallResult = { files: number; notes: string[] }

/** `root` prefixes every destination; `cleanupFile` lists what the previous Install wrote, as the agent keeps it. */
export function installRevision(spec: Appspec, archive: string, root: string, cleanupFile: string): InstallResult {
  const notes: string[] = []
  if (existsSync(cleanupFile)) {
    for (const f of readFileSync(cleanupFile, 'utf8').split('\n').filter(Boolean)) rmSync(f, { force: true })
  }
  const written: string[] = []
  for (const { source, destination } of spec.files) {
    const src = join(archive, source)
    const dest = join(root, destination)
    const sources = statSync(src).isDirectory() ? walk(src).filter((p) => !lstatSync(p).isDirectory()) : [src]
    for (const file of sources) {
      const target = statSync(src).isDirectory() ? join(dest, relative(src, file)) : join(dest, source.split('/').pop()!)
      if (existsSync(target)) {
        if (spec.fileExistsBehavior === 'DISALLOW') throw new Error(`Install: ${target} already exists and file_exists_behavior is DISALLOW`)
        if (spec.fileExistsBehavior === 'RETAIN') continue
      }
      mkdirSync(dirname(target), { recursive: true })
      copyFileSync(file, target)
      chmodSync(target, statSync(file).mode & 0o7777)
      written.push(target)
    }
  }
  writeFileSync(cleanupFile, written.map((w) => `${w}\n`).join(''))

  for (const p of spec.permissions) {
    const object = join(root, p.object)
    if (!existsSync(object)) continue
    const uid = p.owner ? localId(p.owner, '-u') : undefined
    const gid = p.group ? localId(p.group, '-g') : undefined
    if ((p.owner && uid === undefined) || (p.group && gid === undefined)) notes.push(`permissions: no local user ${p.owner}:${p.group}; owner unchanged`)
    for (const path of walk(object)) {
      const rel = relative(object, path)
      const type = lstatSync(path).isDirectory() ? 'directory' : 'file'
      if (p.type && !p.type.includes(type)) continue
      if (!matchesPattern(rel, p.pattern) || (p.except ?? []).some((e) => matchesPattern(rel, e))) continue
      if (p.mode !== undefined) chmodSync(path, parseMode(p.mode))
      if (uid !== undefined || gid !== undefined) chownSync(path, uid ?? -1, gid ?? -1)
    }
  }
  return { files: written.length, notes: [...new Set(notes)] }
}
