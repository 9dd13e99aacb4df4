// Prints a plan as plain text (CodeBuild logs, no colour) or as a pull-request comment in markdown with a size cap (pure).
import { isReplacement, UNCHANGED_NOTE, type Plan, type StackPlan } from './build-plan.ts'

// CodeCommit and GitHub comments stop around 64 KiB; keep room for the header and the truncation note.
export const COMMENT_LIMIT = 60_000

const counts = (p: Plan) => {
  const by = (a: StackPlan['action']) => p.stacks.filter((s) => s.action === a).length
  const replacements = p.stacks.flatMap((s) => s.changes.filter(isReplacement).map((c) => `${s.stack}/${c.logicalId}`))
  const proven = p.stacks.filter((s) => s.action === 'none' && s.note === UNCHANGED_NOTE).length
  return {
    create: by('create'),
    update: by('update'),
    none: by('none'),
    proven,
    skipped: by('skipped'),
    blocked: by('blocked'),
    error: by('error'),
    replacements,
    apps: p.apps.filter((a) => a.changed),
  }
}

/** "under a minute", "about 7 min", "about 1 h 20 min": an estimate, said as one. */
export const formatDuration = (seconds: number) => {
  const min = Math.round(seconds / 60)
  return min < 1
    ? 'under a minute'
    : min < 60
      ? `about ${min} min`
      : `about ${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`
}

export function summaryLine(p: Plan): string {
  const c = counts(p)
  const parts = [
    `${c.create} to create`,
    `${c.update} to update`,
    `${c.none} unchanged${c.proven ? ` (${c.proven} by fingerprint, without a change set)` : ''}`,
  ]
  if (c.skipped) parts.push(`${c.skipped} skipped`)
  if (c.blocked) parts.push(`${c.blocked} blocked`)
  if (c.error) parts.push(`${c.error} failed to plan`)
  const expected = p.expectedSeconds === undefined ? '' : `; expected apply: ${formatDuration(p.expectedSeconds)}`
  return `plan ${p.environment}: stacks ${parts.join(', ')}; ${c.replacements.length} replacement(s); apps to deploy: ${c.apps.map((a) => a.app).join(', ') || 'none'}${expected}`
}

const revision = (r?: { revision: string }) => r?.revision ?? '(none)'
/** A parameter value as a reviewer reads it: (none) for absent, empty shown as such. */
const shown = (v?: string) => (v === undefined ? '(none)' : v === '' ? '(empty)' : v)

/** Who computed the plan; a pull request's own tool changes are named, since they are not in it. */
function toolsLines(p: Plan): string[] {
  if (!p.tools) return []
  const { commit, changed } = p.tools
  const lines = [
    `Computed by the target branch's tools at ${commit.slice(0, 12)}, over this pull request's YAML, templates and hooks.`,
  ]
  if (changed.length) {
    const shown = changed.slice(0, 10).join(', ') + (changed.length > 10 ? `, and ${changed.length - 10} more` : '')
    lines.push(
      `This pull request also changes ${changed.length} tool file(s) (${shown}): they are not in this plan and take effect once merged; its own build and tests run in the pull-request tests project.`,
    )
  }
  return lines
}

export function formatText(p: Plan): string {
  const out = [summaryLine(p), ...toolsLines(p), '', 'stacks:']
  for (const s of p.stacks) {
    out.push(`  ${s.action.padEnd(8)} ${s.stack} (${s.template})${s.note ? `: ${s.note}` : ''}`)
    for (const p of s.parameters ?? []) out.push(`    parameter ${p.key}: ${shown(p.from)} -> ${shown(p.to)}`)
    for (const c of s.changes)
      out.push(
        `    ${isReplacement(c) ? '!! REPLACE ' : ''}${c.action} ${c.logicalId} (${c.type})${c.replacement ? ` replacement=${c.replacement}` : ''}`,
      )
  }
  out.push('', 'apps:')
  for (const a of p.apps)
    out.push(`  ${a.changed ? 'deploy  ' : 'current '} ${a.app}: ${revision(a.deployed)} -> ${a.desired.revision}`)
  if (p.diffs.length) out.push('', 'file changes against the last apply:')
  for (const d of p.diffs) out.push(d.patch.trimEnd())
  return out.join('\n') + '\n'
}

export function formatMarkdown(p: Plan, limit = COMMENT_LIMIT): string {
  const c = counts(p)
  const head = [`## Plan for \`${p.environment}\``, '', `**${summaryLine(p).replace(/^plan \S+: /, '')}**`, '']
  for (const line of toolsLines(p))
    head.push(`> ${line.replace(/^This pull request/, ':warning: This pull request')}`, '')
  if (c.replacements.length)
    head.push(
      `> :warning: **${c.replacements.length} resource(s) will be REPLACED**: ${c.replacements.map((r) => `\`${r}\``).join(', ')}`,
      '',
    )
  if (c.blocked + c.error) head.push(`> :x: ${c.blocked + c.error} stack(s) cannot be planned; see below.`, '')
  head.push('| app | deployed | desired | |', '| --- | --- | --- | --- |')
  for (const a of p.apps)
    head.push(
      `| ${a.app} | \`${revision(a.deployed)}\` | \`${a.desired.revision}\` | ${a.changed ? '**deploy**' : 'current'} |`,
    )
  head.push('', '### Stacks', '', '| stack | action | changes |', '| --- | --- | --- |')
  for (const s of p.stacks) {
    const params = (s.parameters ?? []).map((p) =>
      `\`${p.key}\`: \`${shown(p.from)}\` → \`${shown(p.to)}\``.replace(/\|/g, '\\|'),
    )
    const changes = [
      ...params,
      ...s.changes.map((ch) =>
        isReplacement(ch)
          ? `**:warning: REPLACE ${ch.logicalId}** (${ch.type})`
          : `${ch.action} ${ch.logicalId} (${ch.type})`,
      ),
    ]
    const cell = [...changes, ...(s.note ? [s.note.replace(/\|/g, '\\|')] : [])].join('<br>') || '—'
    head.push(`| \`${s.stack}\` | ${s.action} | ${cell} |`)
  }
  const body: string[] = []
  // The environment as this change leaves it, after the stacks and before the file diffs (the first to go over the cap).
  if (p.diagram)
    body.push(
      '',
      `<details><summary>Diagram of <code>${p.environment}</code> (Mermaid)</summary>`,
      '',
      '```mermaid',
      p.diagram.trimEnd().replace(/```/g, '` ` `'),
      '```',
      '',
      '</details>',
    )
  if (p.diffs.length) body.push('', '### File changes against the last apply', '')
  for (const d of p.diffs)
    body.push(
      '<details><summary><code>' + d.path + '</code></summary>',
      '',
      '```diff',
      d.patch.trimEnd().replace(/```/g, '` ` `'),
      '```',
      '',
      '</details>',
    )
  const full = [...head, ...body].join('\n') + '\n'
  if (Buffer.byteLength(full) <= limit) return full
  // Over the cap: keep whole lines from the top (the summary comes first), cut the rest, and say where it is.
  const note = `\n\n_Plan truncated at ${limit} bytes: the full plan is build/plan/plan.txt, printed in the build's log._\n`
  const all = [...head, ...body]
  let text = all[0]!
  for (const line of all.slice(1)) {
    if (Buffer.byteLength(text + '\n' + line) + Buffer.byteLength(note) + 20 > limit) break
    text += '\n' + line
  }
  // Close an open code fence or details block so the comment still renders.
  if ((text.match(/^```/gm) ?? []).length % 2) text += '\n```'
  if ((text.match(/<details>/g) ?? []).length > (text.match(/<\/details>/g) ?? []).length) text += '\n</details>'
  return text + note
}
