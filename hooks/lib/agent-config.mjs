// Composes the CloudWatch agent configuration of this instance: the group base plus every fragment that a deployment
// left in FRAGMENT_DIR (one per app, one for the backup tool), log files ordered by path, keys sorted, so the same
// fragments always give the same bytes. Usage: node agent-config.mjs BASE_JSON FRAGMENT_DIR > merged.json
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const [basePath, dir] = process.argv.slice(2)
const fail = (msg) => {
  process.stderr.write(`agent-config: ${msg}\n`)
  process.exit(1)
}
if (!basePath || !dir) fail('usage: agent-config.mjs BASE_JSON FRAGMENT_DIR')
const read = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    return fail(`${path}: ${e.message}`)
  }
}

const base = read(basePath)
const files = new Map()
for (const f of base.logs?.logs_collected?.files?.collect_list ?? []) files.set(f.file_path, f)
for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.json'))
  .sort()) {
  for (const f of read(join(dir, name)).collect_list ?? []) files.set(f.file_path, f)
}
const list = [...files.keys()].sort().map((k) => files.get(k))
base.logs = { ...base.logs, logs_collected: { ...base.logs?.logs_collected, files: { collect_list: list } } }

const sorted = (v) =>
  Array.isArray(v)
    ? v.map(sorted)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted(v[k])]),
        )
      : v
process.stdout.write(JSON.stringify(sorted(base), null, 2) + '\n')
